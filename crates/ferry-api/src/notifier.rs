//! The `Notifier` (`ferry.dev/v1alpha1`): who hears about a Pipeline's events — a rollback, a
//! failed verification or promotion, a Freight waiting for approvals — and through which
//! service (Slack or Microsoft Teams incoming webhooks, PagerDuty Events v2, a plain webhook).
//!
//! Credentials (webhook URLs carry their token, PagerDuty routing keys, header values) are never
//! written in Git: they are read when a message is sent, from an environment variable or a file
//! outside the repository (`{fromEnv: NAME}`, `{fromFile: /abs/path}`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::decode::Decoder;
use crate::node::{Node, NodeKind};
use crate::object_meta::{self, ObjectMeta};
use crate::reference::Reference;

/// The kind of a Notifier.
pub const NOTIFIER_KIND: &str = "Notifier";
/// PagerDuty's Events API v2 endpoint, used when `pagerduty.url` is absent.
pub const PAGERDUTY_EVENTS_URL: &str = "https://events.pagerduty.com/v2/enqueue";

/// A Notifier as Ferry reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notifier {
    pub metadata: ObjectMeta,
    pub spec: NotifierSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotifierSpec {
    /// The events sent (`rollback`, `verification-failed`, `promotion-failed` when absent).
    pub on: Vec<NotifyEvent>,
    /// Only these Pipelines' events (all when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pipelines: Vec<Reference>,
    /// Only these Stages' events (all when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<String>,
    pub service: Service,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotifyEvent {
    PromotionSucceeded,
    PromotionFailed,
    VerificationFailed,
    Rollback,
    ApprovalNeeded,
}

const EVENTS: &[(&str, NotifyEvent)] = &[
    ("promotion-succeeded", NotifyEvent::PromotionSucceeded),
    ("promotion-failed", NotifyEvent::PromotionFailed),
    ("verification-failed", NotifyEvent::VerificationFailed),
    ("rollback", NotifyEvent::Rollback),
    ("approval-needed", NotifyEvent::ApprovalNeeded),
];

impl NotifyEvent {
    /// The word used in configuration and payloads.
    pub fn as_str(self) -> &'static str {
        EVENTS.iter().find(|(_, e)| *e == self).map_or("", |(w, _)| w)
    }

    /// The event named `word`.
    pub fn parse(word: &str) -> Option<NotifyEvent> {
        EVENTS.iter().find(|(w, _)| *w == word).map(|(_, e)| *e)
    }
}

/// Where a secret is read from when a message is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretSource {
    FromEnv(String),
    FromFile(PathBuf),
}

/// The service a Notifier sends through (exactly one).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Service {
    /// A Slack incoming webhook.
    Slack { webhook_url: SecretSource },
    /// A Microsoft Teams incoming webhook (a MessageCard).
    Teams { webhook_url: SecretSource },
    /// PagerDuty Events API v2: one alert per Stage (`dedup_key` `ferry/PIPELINE/STAGE`).
    PagerDuty { routing_key: SecretSource, url: String, severity: String },
    /// Ferry's own JSON event, POSTed to `url` with `headers`.
    Webhook { url: String, headers: BTreeMap<String, SecretSource> },
}

impl Service {
    /// `slack`, `teams`, `pagerduty` or `webhook`.
    pub fn kind(&self) -> &'static str {
        match self {
            Service::Slack { .. } => "slack",
            Service::Teams { .. } => "teams",
            Service::PagerDuty { .. } => "pagerduty",
            Service::Webhook { .. } => "webhook",
        }
    }
}

impl Notifier {
    /// Whether this Notifier sends `event` of `pipeline`/`stage`.
    pub fn wants(&self, event: NotifyEvent, pipeline: &str, stage: &str) -> bool {
        let s = &self.spec;
        s.on.contains(&event)
            && (s.pipelines.is_empty() || s.pipelines.iter().any(|p| p.as_str() == pipeline))
            && (s.stages.is_empty() || s.stages.iter().any(|x| x == stage))
    }
}

const DEFAULT_EVENTS: [NotifyEvent; 3] =
    [NotifyEvent::Rollback, NotifyEvent::VerificationFailed, NotifyEvent::PromotionFailed];
const SERVICES: [&str; 4] = ["slack", "teams", "pagerduty", "webhook"];
const SEVERITIES: [&str; 4] = ["critical", "error", "warning", "info"];

/// Decodes a document already known to be a Notifier; `None` when it has errors.
pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<Notifier> {
    let expected = "a map naming one service: `slack`, `teams`, `pagerduty` or `webhook`";
    let (metadata, spec) = object_meta::decode_resource(d, node, NOTIFIER_KIND, expected, decode_spec)?;
    Some(Notifier { metadata, spec })
}

fn decode_spec(d: &mut Decoder, node: &Node) -> Option<NotifierSpec> {
    let mut f = d.fields(node, "spec")?;
    let line = f.line();
    let on = match f.take("on") {
        None => DEFAULT_EVENTS.to_vec(),
        Some(n) => events(d, n, &f.path("on")),
    };
    let pipelines = f.references(d, "pipelines");
    let stages = f.strings(d, "stages");
    let given: Vec<&str> = SERVICES.iter().copied().filter(|k| f.peek(k).is_some()).collect();
    let slack = f.take("slack").and_then(|n| decode_webhook_service(d, n, "spec.slack"));
    let teams = f.take("teams").and_then(|n| decode_webhook_service(d, n, "spec.teams"));
    let pagerduty = f.take("pagerduty").and_then(|n| decode_pagerduty(d, n));
    let webhook = f.take("webhook").and_then(|n| decode_webhook(d, n));
    f.finish(d);
    if given.len() != 1 {
        let found = if given.is_empty() { "none".to_owned() } else { given.join(", ") };
        d.invalid_at(line, "spec", "exactly one service: `slack`, `teams`, `pagerduty` or `webhook`", found);
        return None;
    }
    let service = slack
        .map(|webhook_url| Service::Slack { webhook_url })
        .or(teams.map(|webhook_url| Service::Teams { webhook_url }))
        .or(pagerduty)
        .or(webhook)?;
    Some(NotifierSpec { on, pipelines, stages, service })
}

fn events(d: &mut Decoder, node: &Node, path: &str) -> Vec<NotifyEvent> {
    let words: Vec<String> = EVENTS.iter().map(|(w, _)| format!("`{w}`")).collect();
    let expected = format!("a list of events: {}", words.join(", "));
    let items = d.list(node, path);
    if items.is_empty() {
        d.invalid(node, path, &expected);
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        match d.string(item, &item_path).as_deref().map(NotifyEvent::parse) {
            Some(Some(e)) if !out.contains(&e) => out.push(e),
            Some(Some(_)) => {}
            Some(None) => d.invalid(item, &item_path, &expected),
            None => {}
        }
    }
    out
}

/// `slack: {webhookURL: SECRET}` and `teams: {webhookURL: SECRET}`.
fn decode_webhook_service(d: &mut Decoder, node: &Node, path: &str) -> Option<SecretSource> {
    let mut f = d.fields(node, path)?;
    let url = required_secret(d, &mut f, "webhookURL", "the incoming webhook's URL");
    f.finish(d);
    url
}

fn decode_pagerduty(d: &mut Decoder, node: &Node) -> Option<Service> {
    let mut f = d.fields(node, "spec.pagerduty")?;
    let routing_key = required_secret(d, &mut f, "routingKey", "the integration's routing key");
    let url = f.string(d, "url").unwrap_or_else(|| PAGERDUTY_EVENTS_URL.to_owned());
    let severity_node = f.peek("severity");
    let severity = f.string(d, "severity").unwrap_or_else(|| "error".to_owned());
    if !SEVERITIES.contains(&severity.as_str())
        && let Some(n) = severity_node
    {
        d.invalid(n, "spec.pagerduty.severity", "one of `critical`, `error`, `warning`, `info`");
    }
    f.finish(d);
    check_url(d, node, "spec.pagerduty.url", &url)?;
    Some(Service::PagerDuty { routing_key: routing_key?, url, severity })
}

fn decode_webhook(d: &mut Decoder, node: &Node) -> Option<Service> {
    let mut f = d.fields(node, "spec.webhook")?;
    let url = f.required_string(d, "url", "the URL Ferry POSTs its JSON event to");
    let mut headers = BTreeMap::new();
    if let Some(h) = f.take("headers") {
        match &h.kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    let path = format!("spec.webhook.headers.{}", e.key);
                    headers.extend(secret(d, &e.value, &path).map(|s| (e.key.clone(), s)));
                }
            }
            _ => d.invalid(
                h,
                "spec.webhook.headers",
                "a map of header names to `{fromEnv: NAME}` or `{fromFile: /path}`",
            ),
        }
    }
    f.finish(d);
    let url = url?;
    check_url(d, node, "spec.webhook.url", &url)?;
    Some(Service::Webhook { url, headers })
}

fn check_url(d: &mut Decoder, node: &Node, path: &str, url: &str) -> Option<()> {
    if url.starts_with("https://") || url.starts_with("http://") {
        return Some(());
    }
    d.invalid_at(node.line, path, "an `http://` or `https://` URL", format!("{url:?}"));
    None
}

fn required_secret(
    d: &mut Decoder,
    f: &mut crate::decode::Fields<'_>,
    key: &'static str,
    what: &str,
) -> Option<SecretSource> {
    let path = f.path(key);
    match f.take(key) {
        Some(n) => secret(d, n, &path),
        None => {
            d.missing(f.line(), &path, &format!("{what}, from `{{fromEnv: NAME}}` or `{{fromFile: /path}}`"));
            None
        }
    }
}

/// `{fromEnv: NAME}` or `{fromFile: /absolute/path}`; a literal value is refused, since it
/// would put the secret in Git.
fn secret(d: &mut Decoder, node: &Node, path: &str) -> Option<SecretSource> {
    const EXPECTED: &str = "`{fromEnv: NAME}` or `{fromFile: /absolute/path}` (a secret is never written in Git)";
    if !matches!(node.kind, NodeKind::Map(_)) {
        let found = if matches!(node.kind, NodeKind::String(_)) {
            "a literal value".to_owned()
        } else {
            crate::decode::describe(node)
        };
        d.invalid_at(node.line, path, EXPECTED, found);
        return None;
    }
    let mut f = d.fields(node, path)?;
    let env = f.string(d, "fromEnv");
    let file = f.string(d, "fromFile");
    f.finish(d);
    match (env, file) {
        (Some(name), None) => Some(SecretSource::FromEnv(name)),
        (None, Some(file)) if file.starts_with('/') => Some(SecretSource::FromFile(PathBuf::from(file))),
        (None, Some(file)) => {
            let expected = "an absolute path outside the repository";
            d.invalid_at(node.line, &format!("{path}.fromFile"), expected, format!("{file:?}"));
            None
        }
        _ => {
            d.invalid(node, path, EXPECTED);
            None
        }
    }
}
