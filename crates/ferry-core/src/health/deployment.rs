//! Deployment health: paused, generation observed, progress deadline, then the rollout
//! counters in kubectl's `rollout status` order.

use serde_json::Value;

use super::fields::{boolean, conditions, find, int, opt_int, string};
use super::{Health, HealthError, HealthStatus};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    if boolean(obj, "spec.paused")? {
        return Ok(Health::new(HealthStatus::Suspended, "Deployment is paused"));
    }
    if int(obj, "metadata.generation")? > int(obj, "status.observedGeneration")? {
        return Ok(Health::progressing(
            "Waiting for rollout to finish: observed deployment generation less than desired generation",
        ));
    }
    let conditions = conditions(obj)?;
    if find(&conditions, "Progressing").is_some_and(|c| c.reason == "ProgressDeadlineExceeded") {
        let name = string(obj, "metadata.name")?;
        return Ok(Health::degraded(format!("Deployment {name:?} exceeded its progress deadline")));
    }
    let replicas = opt_int(obj, "spec.replicas")?;
    let total = int(obj, "status.replicas")?;
    let updated = int(obj, "status.updatedReplicas")?;
    let available = int(obj, "status.availableReplicas")?;
    if let Some(wanted) = replicas.filter(|w| updated < *w) {
        return Ok(Health::progressing(format!(
            "Waiting for rollout to finish: {updated} out of {wanted} new replicas have been updated..."
        )));
    }
    if total > updated {
        let old = total - updated;
        return Ok(Health::progressing(format!(
            "Waiting for rollout to finish: {old} old replicas are pending termination..."
        )));
    }
    if available < updated {
        return Ok(Health::progressing(format!(
            "Waiting for rollout to finish: {available} of {updated} updated replicas are available..."
        )));
    }
    Ok(Health::healthy())
}
