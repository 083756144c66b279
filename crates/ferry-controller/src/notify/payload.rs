//! The body each service expects, built from an [`Event`]: Slack's `text`, a Teams
//! MessageCard, a PagerDuty Events v2 trigger (or resolve, when the Stage is verified again),
//! or Ferry's own event JSON for a webhook.

use ferry_api::{NotifyEvent, Service};
use serde_json::{Value, json};

use super::event::Event;
use super::secret;

/// One HTTP POST: where, with which headers, what.
pub(crate) struct Request {
    /// What is called, for errors (`slack webhook`), never the URL.
    pub what: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

/// The request for `event` through `service`, with its credentials read now.
pub(crate) fn request(service: &Service, event: &Event) -> Result<Request, String> {
    let what = format!("{} webhook", service.kind());
    Ok(match service {
        Service::Slack { webhook_url } => {
            let url = secret::url(webhook_url, "slack webhookURL")?;
            Request { what, url, headers: Vec::new(), body: slack(event) }
        }
        Service::Teams { webhook_url } => {
            let url = secret::url(webhook_url, "teams webhookURL")?;
            Request { what, url, headers: Vec::new(), body: teams(event) }
        }
        Service::PagerDuty { routing_key, url, severity } => {
            let key = secret::resolve(routing_key, "pagerduty routingKey")?;
            Request {
                what: "pagerduty events API".into(),
                url: url.clone(),
                headers: Vec::new(),
                body: pagerduty(event, &key, severity),
            }
        }
        Service::Webhook { url, headers } => {
            let mut resolved = Vec::new();
            for (name, source) in headers {
                resolved.push((name.clone(), secret::resolve(source, &format!("webhook header {name}"))?));
            }
            Request { what, url: url.clone(), headers: resolved, body: webhook(event) }
        }
    })
}

fn slack(e: &Event) -> Value {
    json!({ "text": format!("{} *{}*\n{}", emoji(e.event), e.title, e.message) })
}

fn teams(e: &Event) -> Value {
    json!({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "themeColor": color(e.event),
        "summary": e.title,
        "title": e.title,
        "text": e.message,
        "sections": [{"facts": [
            {"name": "Pipeline", "value": e.pipeline},
            {"name": "Stage", "value": e.stage},
            {"name": "Freight", "value": e.freight},
            {"name": "Event", "value": e.event.as_str()},
        ]}],
    })
}

/// A trigger, one alert per Stage; a promotion verified in the Stage resolves it.
fn pagerduty(e: &Event, routing_key: &str, severity: &str) -> Value {
    if e.event == NotifyEvent::PromotionSucceeded {
        return json!({"routing_key": routing_key, "event_action": "resolve", "dedup_key": e.stage_key()});
    }
    let summary: String = e.title.chars().take(1024).collect();
    json!({
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": e.stage_key(),
        "payload": {
            "summary": summary,
            "source": "ferry",
            "severity": severity,
            "component": e.stage,
            "group": e.pipeline,
            "class": e.event.as_str(),
            "custom_details": {"freight": e.freight, "message": e.message, "promotion": e.promotion},
        },
    })
}

fn webhook(e: &Event) -> Value {
    let mut body = serde_json::to_value(e).unwrap_or_default();
    body["source"] = json!("ferry");
    body
}

fn emoji(event: NotifyEvent) -> &'static str {
    match event {
        NotifyEvent::PromotionSucceeded => ":white_check_mark:",
        NotifyEvent::ApprovalNeeded => ":raised_hand:",
        NotifyEvent::Rollback => ":rewind:",
        NotifyEvent::PromotionFailed | NotifyEvent::VerificationFailed => ":x:",
    }
}

fn color(event: NotifyEvent) -> &'static str {
    match event {
        NotifyEvent::PromotionSucceeded => "2EB67D",
        NotifyEvent::ApprovalNeeded => "ECB22E",
        NotifyEvent::Rollback | NotifyEvent::PromotionFailed | NotifyEvent::VerificationFailed => "E01E5A",
    }
}
