//! What a notification says: one occurrence in a Pipeline, with names, aliases and messages
//! only (never a credential). It is the payload recorded in the outbox and the JSON body a
//! `webhook` Notifier receives.

use ferry_api::NotifyEvent;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub event: NotifyEvent,
    pub pipeline: String,
    pub stage: String,
    /// The Freight's alias.
    pub freight: String,
    pub freight_id: String,
    /// The promotion it is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<i64>,
    /// One line for people, e.g. `web/dev rolled back to mighty-narwhal-849`.
    pub title: String,
    /// The details: why it failed, what was verified, who is waited for.
    pub message: String,
    /// Unix seconds.
    pub at: i64,
    /// What identifies the occurrence, so that it is notified once per Notifier.
    pub key: String,
}

impl Event {
    /// `ferry/PIPELINE/STAGE`: PagerDuty's `dedup_key`, one alert per Stage.
    pub fn stage_key(&self) -> String {
        format!("ferry/{}/{}", self.pipeline, self.stage)
    }
}
