//! PersistentVolumeClaims bind at once to a simulated volume of the requested size.

use std::time::Duration;

use serde_json::{Value, json};

use super::set_status;
use crate::api::Cluster;
use crate::resource::ResourceType;

pub fn reconcile(cluster: &Cluster, rt: &ResourceType, pvc: &Value) -> Option<Duration> {
    let size = pvc.pointer("/spec/resources/requests/storage").cloned().unwrap_or(json!("1Gi"));
    let modes = pvc.pointer("/spec/accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"]));
    set_status(cluster, rt, pvc, json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": size}}));
    None
}
