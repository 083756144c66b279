//! Namespace health: Active (or not yet reported) is Healthy, Terminating is Progressing.

use serde_json::Value;

use super::fields::string;
use super::{Health, HealthError, HealthStatus};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    let health = match string(obj, "status.phase")? {
        "" | "Active" => Health::healthy(),
        "Terminating" => Health::progressing("Namespace is terminating"),
        other => Health::new(HealthStatus::Unknown, format!("unknown namespace phase {other:?}")),
    };
    Ok(health)
}
