//! Job health: Failed → Degraded with the condition's message, Complete → Healthy,
//! suspended → Suspended, anything else still running → Progressing.

use serde_json::Value;

use super::fields::{boolean, conditions};
use super::{Health, HealthError, HealthStatus};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    let conditions = conditions(obj)?;
    let active = |kind: &str| conditions.iter().find(|c| c.kind == kind && c.is_true());
    if let Some(failed) = active("Failed") {
        return Ok(Health::degraded(failed.message.clone()));
    }
    if let Some(complete) = active("Complete") {
        return Ok(Health::new(HealthStatus::Healthy, complete.message.clone()));
    }
    if let Some(suspended) = active("Suspended") {
        return Ok(Health::new(HealthStatus::Suspended, suspended.message.clone()));
    }
    if boolean(obj, "spec.suspend")? {
        return Ok(Health::new(HealthStatus::Suspended, "Job is suspended"));
    }
    Ok(Health::progressing(""))
}
