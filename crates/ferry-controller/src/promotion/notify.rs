//! The promotion engine's notifications: the end of a promotion (verified, failed, failed
//! verification), a rollback, and a Freight waiting in front of a Stage for approvals. Each is
//! recorded in the outbox and sent at once; what cannot be sent now is sent again by the
//! controller's loop ([`Promoter::deliver_notifications`]). A notification never stops a
//! promotion.

use ferry_api::NotifyEvent;
use ferry_store::{PromotionKind, PromotionPhase, PromotionRecord};

use super::promoter::{Promoter, StageRef, now};
use crate::notify::{self, Event};

impl Promoter {
    /// Sends the messages that are due (new ones, and retries after backoff).
    pub async fn deliver_notifications(&self) -> usize {
        let notifiers = &self.engine.config.notifiers;
        match notify::deliver_due(&self.engine.store, notifiers, now()).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the notification outbox");
                0
            }
        }
    }

    async fn notify(&self, event: Event) {
        let notifiers = &self.engine.config.notifiers;
        if notifiers.is_empty() {
            return;
        }
        match notify::enqueue(&self.engine.store, notifiers, &event).await {
            Ok(0) => {}
            Ok(_) => {
                self.deliver_notifications().await;
            }
            Err(e) => tracing::warn!(error = %e, event = event.event.as_str(), "cannot record a notification"),
        }
    }

    async fn alias(&self, freight_id: &str) -> String {
        match self.engine.store.freight(freight_id).await {
            Ok(Some(f)) => f.alias,
            _ => freight_id.chars().take(12).collect(),
        }
    }

    /// A promotion ended: verified, failed, or — once the Stage ran it (`deployed`) — failed
    /// its verification (health included).
    pub(crate) async fn notify_end(
        &self,
        s: StageRef<'_>,
        rec: &PromotionRecord,
        phase: PromotionPhase,
        message: &str,
        deployed: bool,
    ) {
        let alias = self.alias(&rec.freight_id).await;
        let target = s.subject();
        let rolled = if rec.kind == PromotionKind::Rollback { "rollback to " } else { "" };
        let (event, title) = match phase {
            PromotionPhase::Succeeded => {
                (NotifyEvent::PromotionSucceeded, format!("{rolled}{alias} is verified in {target}"))
            }
            _ if deployed => (NotifyEvent::VerificationFailed, format!("verification of {alias} in {target} failed")),
            _ => (NotifyEvent::PromotionFailed, format!("{rolled}{alias} could not be promoted to {target}")),
        };
        let key = format!("{}/promotion/{}", event.as_str(), rec.id);
        self.notify(event_for(s, event, (&alias, &rec.freight_id), Some(rec.id), title, message, key)).await;
    }

    /// A rollback began: promotion `id` takes the Stage back to `target_id`.
    pub(crate) async fn notify_rollback(&self, s: StageRef<'_>, id: i64, target_id: &str, reason: &str, by: &str) {
        let alias = self.alias(target_id).await;
        let title = format!("{} is rolled back to {alias}", s.subject());
        let message = format!("{reason} (asked by {by}; promotion #{id})");
        let key = format!("rollback/promotion/{id}");
        self.notify(event_for(s, NotifyEvent::Rollback, (&alias, target_id), Some(id), title, &message, key)).await;
    }

    /// A Freight waits in front of the Stage for its pending approvals (notified once per
    /// Freight).
    pub(crate) async fn notify_waiting(&self, s: StageRef<'_>, freight_id: &str, reason: &str) {
        if self.engine.config.notifiers.is_empty() {
            return;
        }
        let alias = self.alias(freight_id).await;
        let title = format!("{alias} waits for approval to enter {}", s.subject());
        let message = format!("{reason}. Approve with `ferry approve {alias} --stage {}`.", s.stage.name);
        let key = format!("approval-needed/{}/{freight_id}", s.subject());
        self.notify(event_for(s, NotifyEvent::ApprovalNeeded, (&alias, freight_id), None, title, &message, key)).await;
    }
}

fn event_for(
    s: StageRef<'_>,
    event: NotifyEvent,
    (alias, freight_id): (&str, &str),
    promotion: Option<i64>,
    title: String,
    message: &str,
    key: String,
) -> Event {
    Event {
        event,
        pipeline: s.pipeline.metadata.name.clone(),
        stage: s.stage.name.clone(),
        freight: alias.to_owned(),
        freight_id: freight_id.to_owned(),
        promotion,
        title,
        message: message.to_owned(),
        at: now(),
        key,
    }
}
