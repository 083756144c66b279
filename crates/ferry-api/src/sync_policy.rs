//! `spec.syncPolicy`: automated sync, sync options and retries.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::decode::{Decoder, Fields};
use crate::duration;
use crate::node::{Node, NodeKind};

/// How and when an Application is synced.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPolicy {
    /// Sync every new revision without being asked; `None` means manual sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automated: Option<Automated>,
    /// Application-wide sync options such as `CreateNamespace=true`.
    pub sync_options: Vec<String>,
    /// Retries of a failed sync; `None` means a failed sync is not retried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
    /// Labels and annotations for a created namespace (not supported yet; kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_namespace_metadata: Option<Value>,
}

/// `automated`: what automated sync may do.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Automated {
    /// Delete objects that left Git.
    pub prune: bool,
    /// Re-apply when the live state drifts from Git.
    pub self_heal: bool,
    /// Allow a sync that leaves the Application with no objects.
    pub allow_empty: bool,
    /// Argo CD 3's switch to pause automation without deleting this block; `None` means on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

impl Automated {
    /// Whether automated sync is switched on.
    pub fn is_enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }
}

/// `retry`: how often and how fast a failed sync is retried.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    /// Retries after a failure: 0 (Argo CD's default when absent) means none, a negative
    /// number means no limit.
    pub limit: i64,
    /// Waiting between attempts.
    pub backoff: Backoff,
    /// Retry with the newest revision instead of the one that failed.
    pub refresh: bool,
}

/// Exponential backoff between retries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Backoff {
    /// The first wait (Argo CD default 5s).
    #[serde(serialize_with = "duration::serialize")]
    pub duration: Duration,
    /// The multiplier applied after each failure (Argo CD default 2).
    pub factor: i64,
    /// The longest wait (Argo CD default 3m).
    #[serde(serialize_with = "duration::serialize")]
    pub max_duration: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { duration: Duration::from_secs(5), factor: 2, max_duration: Duration::from_secs(180) }
    }
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<SyncPolicy> {
    let mut f = d.fields(node, path)?;
    let automated = f.take("automated").and_then(|n| decode_automated(d, n, &f.path("automated")));
    let sync_options = f.strings(d, "syncOptions");
    check_sync_options(d, &f, &sync_options);
    let retry = f.take("retry").and_then(|n| decode_retry(d, n, &f.path("retry")));
    let managed_namespace_metadata = f.unsupported(
        d,
        "managedNamespaceMetadata",
        "labels and annotations for created namespaces are not supported yet; declare the Namespace in Git",
    );
    f.finish(d);
    Some(SyncPolicy { automated, sync_options, retry, managed_namespace_metadata })
}

/// Sync options are `Key=Value` pairs; the sync engine decides which keys it honours.
fn check_sync_options(d: &mut Decoder, f: &Fields<'_>, options: &[String]) {
    let Some(node) = f.peek("syncOptions") else { return };
    for (i, option) in options.iter().enumerate() {
        let well_formed = option.split_once('=').is_some_and(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty());
        if !well_formed {
            let line = list_item_line(node, i);
            let field = format!("{}[{i}]", f.path("syncOptions"));
            d.invalid_at(
                line,
                &field,
                "an option written `Key=Value`, e.g. `CreateNamespace=true`",
                format!("{option:?}"),
            );
        }
    }
}

fn list_item_line(list: &Node, index: usize) -> usize {
    match &list.kind {
        NodeKind::Seq(items) => items.get(index).map_or(list.line, |n| n.line),
        _ => list.line,
    }
}

fn decode_automated(d: &mut Decoder, node: &Node, path: &str) -> Option<Automated> {
    let mut f = d.fields(node, path)?;
    let automated = Automated {
        prune: f.bool(d, "prune"),
        self_heal: f.bool(d, "selfHeal"),
        allow_empty: f.bool(d, "allowEmpty"),
        enabled: f.optional_bool(d, "enabled"),
    };
    f.finish(d);
    Some(automated)
}

fn decode_retry(d: &mut Decoder, node: &Node, path: &str) -> Option<Retry> {
    let mut f = d.fields(node, path)?;
    let limit = f.int(d, "limit").unwrap_or(0);
    let backoff = f.take("backoff").and_then(|n| decode_backoff(d, n, &f.path("backoff"))).unwrap_or_default();
    let refresh = f.bool(d, "refresh");
    f.finish(d);
    Some(Retry { limit, backoff, refresh })
}

fn decode_backoff(d: &mut Decoder, node: &Node, path: &str) -> Option<Backoff> {
    let mut f = d.fields(node, path)?;
    let defaults = Backoff::default();
    let duration = f.duration(d, "duration").unwrap_or(defaults.duration);
    let factor = match f.take("factor") {
        None => defaults.factor,
        Some(n) => match d.int(n, &f.path("factor")) {
            Some(factor) if factor >= 1 => factor,
            Some(_) => {
                d.invalid(n, &f.path("factor"), "an integer of at least 1");
                defaults.factor
            }
            None => defaults.factor,
        },
    };
    let max_duration = f.duration(d, "maxDuration").unwrap_or(defaults.max_duration);
    f.finish(d);
    Some(Backoff { duration, factor, max_duration })
}
