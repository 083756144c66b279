//! ReplicaSet health: generation observed, no ReplicaFailure, replicas available.

use serde_json::Value;

use super::fields::{conditions, find, int, opt_int};
use super::{Health, HealthError};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    if int(obj, "metadata.generation")? > int(obj, "status.observedGeneration")? {
        return Ok(Health::progressing(
            "Waiting for rollout to finish: observed replica set generation less than desired generation",
        ));
    }
    let conditions = conditions(obj)?;
    if let Some(failure) = find(&conditions, "ReplicaFailure").filter(|c| c.is_true()) {
        return Ok(Health::degraded(failure.message.clone()));
    }
    let available = int(obj, "status.availableReplicas")?;
    if let Some(wanted) = opt_int(obj, "spec.replicas")?.filter(|w| available < *w) {
        return Ok(Health::progressing(format!(
            "Waiting for rollout to finish: {available} out of {wanted} new replicas are available..."
        )));
    }
    Ok(Health::healthy())
}
