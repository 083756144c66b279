//! LoadBalancer Services get an ingress address. It comes from 192.0.2.0/24 (TEST-NET-1,
//! reserved for documentation): nothing listens there, and it never collides with a real
//! address — this is a simulation.

use std::time::Duration;

use serde_json::{Value, json};

use super::set_status;
use crate::api::Cluster;
use crate::object::str_at;
use crate::resource::ResourceType;

pub fn reconcile(cluster: &Cluster, rt: &ResourceType, svc: &Value) -> Option<Duration> {
    if str_at(svc, "/spec/type") != Some("LoadBalancer") {
        return None;
    }
    let ip = str_at(svc, "/spec/clusterIP").and_then(|ip| ip.rsplit('.').next()).unwrap_or("10");
    let status = json!({"loadBalancer": {"ingress": [{"ip": format!("192.0.2.{ip}"), "ipMode": "VIP"}]}});
    set_status(cluster, rt, svc, status);
    None
}
