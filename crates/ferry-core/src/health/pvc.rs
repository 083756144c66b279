//! PersistentVolumeClaim health from its phase: Bound, Pending or Lost.

use serde_json::Value;

use super::fields::string;
use super::{Health, HealthError, HealthStatus};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    let health = match string(obj, "status.phase")? {
        "Bound" => Health::healthy(),
        "Pending" => Health::progressing(""),
        "Lost" => Health::degraded(""),
        other => Health::new(HealthStatus::Unknown, format!("unknown claim phase {other:?}")),
    };
    Ok(health)
}
