//! DaemonSet health: generation observed, then scheduled pods updated and available.

use serde_json::Value;

use super::fields::{int, string};
use super::{Health, HealthError, HealthStatus};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    if int(obj, "metadata.generation")? > int(obj, "status.observedGeneration")? {
        return Ok(Health::progressing(
            "Waiting for rollout to finish: observed daemon set generation less than desired generation",
        ));
    }
    let desired = int(obj, "status.desiredNumberScheduled")?;
    let updated = int(obj, "status.updatedNumberScheduled")?;
    let available = int(obj, "status.numberAvailable")?;
    if string(obj, "spec.updateStrategy.type")? == "OnDelete" {
        return Ok(Health::new(
            HealthStatus::Healthy,
            format!("daemon set {updated} out of {desired} new pods have been updated"),
        ));
    }
    let name = string(obj, "metadata.name")?;
    if updated < desired {
        return Ok(Health::progressing(format!(
            "Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated..."
        )));
    }
    if available < desired {
        return Ok(Health::progressing(format!(
            "Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available..."
        )));
    }
    Ok(Health::healthy())
}
