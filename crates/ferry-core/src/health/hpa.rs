//! HorizontalPodAutoscaler health from its conditions (`status.conditions` in
//! autoscaling/v2, the `autoscaling.alpha.kubernetes.io/conditions` annotation in v1):
//! failing to read the scale or metrics is Degraded, a successful scaling decision is
//! Healthy, anything else is still waiting to autoscale.

use serde_json::Value;

use super::fields::{Condition, conditions, conditions_at};
use super::{Health, HealthError, HealthStatus};

const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    for condition in read(obj)? {
        if is_degraded(&condition) {
            return Ok(Health::degraded(condition.message));
        }
        if is_healthy(&condition) {
            return Ok(Health::new(HealthStatus::Healthy, condition.message));
        }
    }
    Ok(Health::progressing("Waiting to Autoscale"))
}

fn read(obj: &Value) -> Result<Vec<Condition>, HealthError> {
    if obj.pointer("/status/conditions").is_some_and(|c| !c.is_null()) {
        return conditions(obj);
    }
    let annotation = obj.pointer("/metadata/annotations").and_then(|a| a.get(CONDITIONS_ANNOTATION));
    let Some(text) = annotation.and_then(Value::as_str) else {
        return Ok(Vec::new());
    };
    let parsed: Value = serde_json::from_str(text).map_err(|e| HealthError::BadAnnotation {
        annotation: CONDITIONS_ANNOTATION.to_string(),
        reason: e.to_string(),
    })?;
    conditions_at(&serde_json::json!({ "conditions": parsed }), "conditions")
}

fn is_degraded(c: &Condition) -> bool {
    matches!(c.kind.as_str(), "AbleToScale" | "ScalingActive")
        && (c.reason.starts_with("Failed")
            || matches!(c.reason.as_str(), "InvalidSelector" | "InvalidMetricSourceType"))
}

fn is_healthy(c: &Condition) -> bool {
    matches!(
        (c.kind.as_str(), c.reason.as_str()),
        ("AbleToScale", "SucceededRescale")
            | ("ScalingLimited", "DesiredWithinRange" | "TooFewReplicas" | "TooManyReplicas")
    )
}
