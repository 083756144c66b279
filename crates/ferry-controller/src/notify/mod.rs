//! Notifications (DESIGN.md §4): what happened in a Pipeline — a rollback, a failed
//! verification or promotion, a Freight waiting for approvals — sent to the services the
//! control folder's `Notifier`s name (Slack, Microsoft Teams, PagerDuty, a webhook).
//!
//! A message goes through the store's outbox: it is recorded first (once per notifier and
//! occurrence), then sent; a failed send is tried again with backoff by the controller's loop,
//! so neither a stop nor a service that is down loses it. Credentials are read only when a
//! message is sent (`secret.rs`) and appear in no payload, log, record or error.

mod event;
mod payload;
mod secret;
mod send;

use ferry_api::{Loaded, Notifier};
use ferry_store::{Attempt, NotificationRecord, Store, StoreError};

pub use event::Event;
pub use send::SEND_TIMEOUT;

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i64 = 6;
/// The wait before the second attempt; it doubles with each failure, up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: i64 = 10;
pub const MAX_BACKOFF: i64 = 600;

/// Records `event` for every Notifier that wants it; returns how many messages were new.
pub async fn enqueue(store: &Store, notifiers: &[Loaded<Notifier>], event: &Event) -> Result<usize, StoreError> {
    let payload = serde_json::to_value(event).unwrap_or_default();
    let mut new = 0;
    for n in notifiers.iter().map(|l| &l.value) {
        if n.wants(event.event, &event.pipeline, &event.stage) {
            let key = format!("{}/{}", event.key, n.metadata.name);
            new += usize::from(
                store.enqueue_notification(&n.metadata.name, event.event.as_str(), &key, &payload, event.at).await?,
            );
        }
    }
    Ok(new)
}

/// Sends every message due at `now`; returns how many were delivered.
pub async fn deliver_due(store: &Store, notifiers: &[Loaded<Notifier>], now: i64) -> Result<usize, StoreError> {
    let due = store.due_notifications(now, 100).await?;
    if due.is_empty() {
        return Ok(0);
    }
    // Verification's client: it follows no redirects, so a message goes where the Notifier
    // says and nowhere else.
    let client = match crate::promotion::verify::client::client() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "cannot send notifications");
            return Ok(0);
        }
    };
    let mut delivered = 0;
    for message in &due {
        let attempt = attempt(&client, notifiers, message).await;
        match &attempt {
            Attempt::Delivered => delivered += 1,
            Attempt::Retry { error, .. } | Attempt::GiveUp { error } => {
                tracing::warn!(notifier = %message.notifier, event = %message.event, attempt = message.attempts + 1, error = %error, "notification not delivered");
            }
        }
        let attempt = with_backoff(attempt, message.attempts, now);
        store.record_attempt(message.id, &attempt, now).await?;
    }
    Ok(delivered)
}

/// One attempt to send `message` through its Notifier as the control folder declares it now.
async fn attempt(client: &reqwest::Client, notifiers: &[Loaded<Notifier>], message: &NotificationRecord) -> Attempt {
    let Some(notifier) = notifiers.iter().map(|l| &l.value).find(|n| n.metadata.name == message.notifier) else {
        return Attempt::GiveUp {
            error: format!("Notifier {:?} is no longer in the control folder", message.notifier),
        };
    };
    let event: Event = match serde_json::from_value(message.payload.clone()) {
        Ok(e) => e,
        Err(e) => return Attempt::GiveUp { error: format!("the recorded event cannot be read: {e}") },
    };
    let request = match payload::request(&notifier.spec.service, &event) {
        Ok(r) => r,
        Err(error) => return Attempt::Retry { error, retry_at: 0 },
    };
    send::post(client, request).await
}

/// Fills in when a failed attempt is tried again, or gives it up after [`MAX_ATTEMPTS`].
fn with_backoff(attempt: Attempt, attempts_before: i64, now: i64) -> Attempt {
    match attempt {
        Attempt::Retry { error, .. } if attempts_before + 1 >= MAX_ATTEMPTS => Attempt::GiveUp { error },
        Attempt::Retry { error, .. } => {
            let wait = FIRST_BACKOFF.saturating_mul(1 << attempts_before.min(16)).min(MAX_BACKOFF);
            Attempt::Retry { error, retry_at: now + wait }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_then_give_up() {
        let retry = || Attempt::Retry { error: "HTTP 503".into(), retry_at: 0 };
        assert_eq!(with_backoff(retry(), 0, 100), Attempt::Retry { error: "HTTP 503".into(), retry_at: 110 });
        assert_eq!(with_backoff(retry(), 3, 100), Attempt::Retry { error: "HTTP 503".into(), retry_at: 180 });
        assert_eq!(with_backoff(retry(), 4, 100), Attempt::Retry { error: "HTTP 503".into(), retry_at: 260 });
        assert_eq!(with_backoff(retry(), 5, 100), Attempt::GiveUp { error: "HTTP 503".into() });
        assert_eq!(with_backoff(Attempt::Delivered, 5, 100), Attempt::Delivered);
    }
}
