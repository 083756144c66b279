//! `wait-healthy`: wait until Applications are Synced and Healthy, or fail after a timeout.

use std::time::Duration;

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};
use crate::duration;
use crate::reference::Reference;

/// How long `wait-healthy` waits when `timeout` is absent.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// `with` of `wait-healthy`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitHealthy {
    /// The Applications waited for; the Stage's `applications` when empty.
    pub apps: Vec<Reference>,
    #[serde(serialize_with = "duration::serialize")]
    pub timeout: Duration,
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    let apps = f.references(d, "apps");
    let timeout = f.duration(d, "timeout").unwrap_or(DEFAULT_TIMEOUT);
    Some(StepAction::WaitHealthy(WaitHealthy { apps, timeout }))
}
