//! APIService health from its `Available` condition.

use serde_json::Value;

use super::fields::{conditions, find};
use super::{Health, HealthError, HealthStatus};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    let conditions = conditions(obj)?;
    let Some(available) = find(&conditions, "Available") else {
        return Ok(Health::progressing("Waiting to be processed"));
    };
    let message = format!("{}: {}", available.reason, available.message);
    let status = if available.is_true() { HealthStatus::Healthy } else { HealthStatus::Progressing };
    Ok(Health::new(status, message))
}
