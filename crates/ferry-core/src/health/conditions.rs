//! The generic rule for kinds without their own (CRDs mostly), from the conventions of
//! Kubernetes status conditions (kstatus): `Stalled=True` is Degraded, `Ready=False` is
//! Degraded unless `Reconciling=True`, a controller that has not observed the latest
//! generation is Progressing, `Ready=True` is Healthy. Objects reporting none of these
//! conditions have no health.

use serde_json::Value;

use super::fields::{Condition, conditions, find, int, opt_int};
use super::{Health, HealthError, HealthStatus};

const KNOWN: &[&str] = &["Ready", "Stalled", "Reconciling"];

/// Whether `obj` reports a condition this rule understands.
pub(super) fn applies(obj: &Value) -> bool {
    let Some(Value::Array(items)) = obj.pointer("/status/conditions") else {
        return false;
    };
    items.iter().any(|c| c.get("type").and_then(Value::as_str).is_some_and(|t| KNOWN.contains(&t)))
}

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    let conditions = conditions(obj)?;
    let is_true = |kind: &str| find(&conditions, kind).filter(|c| c.is_true());
    if let Some(stalled) = is_true("Stalled") {
        return Ok(Health::degraded(stalled.describe()));
    }
    let generation = int(obj, "metadata.generation")?;
    if let Some(observed) = opt_int(obj, "status.observedGeneration")?
        && observed < generation
    {
        return Ok(Health::progressing(format!(
            "Waiting for the controller to observe generation {generation} (observed {observed})"
        )));
    }
    let reconciling = is_true("Reconciling");
    match find(&conditions, "Ready") {
        Some(ready) if ready.is_true() => Ok(Health::new(HealthStatus::Healthy, ready.message.clone())),
        Some(ready) if ready.status == "False" && reconciling.is_none() => Ok(Health::degraded(ready.describe())),
        Some(ready) => Ok(Health::progressing(describe_waiting(ready, reconciling))),
        None => match reconciling {
            Some(r) => Ok(Health::progressing(r.describe())),
            None => Ok(Health::healthy()),
        },
    }
}

fn describe_waiting(ready: &Condition, reconciling: Option<&Condition>) -> String {
    match reconciling {
        Some(r) if !r.describe().is_empty() => r.describe(),
        _ => ready.describe(),
    }
}
