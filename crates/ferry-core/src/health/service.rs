//! Service health: a LoadBalancer is Progressing until it has an ingress address; every
//! other Service is Healthy.

use serde_json::Value;

use super::fields::{list, string};
use super::{Health, HealthError};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    if string(obj, "spec.type")? == "LoadBalancer" && list(obj, "status.loadBalancer.ingress")?.is_empty() {
        return Ok(Health::progressing("Waiting for the load balancer to be assigned an address"));
    }
    Ok(Health::healthy())
}
