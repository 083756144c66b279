//! Ingress health: Healthy once the controller publishes a load balancer address.

use serde_json::Value;

use super::fields::list;
use super::{Health, HealthError};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    if list(obj, "status.loadBalancer.ingress")?.is_empty() {
        return Ok(Health::progressing("Waiting for the ingress to be assigned an address"));
    }
    Ok(Health::healthy())
}
