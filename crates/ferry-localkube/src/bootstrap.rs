//! What a fresh cluster holds before anyone writes to it: the system namespaces, one Ready
//! node, and the `kubernetes` Service in `default`.

use serde_json::{Value, json};

use crate::api::managed::Ownership;
use crate::api::{Cluster, write};
use crate::resource::GroupResource;

fn seed() -> Vec<(GroupResource, Value)> {
    let ns = |n: &str| {
        (
            GroupResource::new("", "namespaces"),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}),
        )
    };
    vec![
        ns("default"),
        ns("kube-system"),
        ns("kube-public"),
        ns("kube-node-lease"),
        (
            GroupResource::new("", "nodes"),
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "localkube", "labels": {"kubernetes.io/hostname": "localkube", "kubernetes.io/os": "linux", "node-role.kubernetes.io/control-plane": ""}},
                "spec": {}}),
        ),
        (
            GroupResource::new("", "services"),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 6443}]}}),
        ),
    ]
}

/// Creates the seed objects (those already present are kept).
pub fn bootstrap(cluster: &Cluster) {
    for (gr, obj) in seed() {
        let result = cluster.store.write(|s| {
            let rt = s.registry.storage_type(&gr).expect("built-in kind");
            let exists = s.get(&gr, crate::object::namespace(&obj), crate::object::name(&obj)).is_some();
            if exists {
                Ok(Value::Null)
            } else {
                write::insert(s, &rt, obj, Ownership::Update("kube-apiserver".into()), false)
            }
        });
        if let Err(e) = result {
            tracing::error!(error = %e, "bootstrap object rejected");
        }
    }
    let node_status = json!({"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "simulated by ferry-localkube"}],
        "nodeInfo": {"kubeletVersion": "v1.32.0", "operatingSystem": "linux", "architecture": "amd64"}});
    cluster.store.write(|s| {
        let gr = GroupResource::new("", "nodes");
        if let Some(mut node) = s.get(&gr, "", "localkube").cloned()
            && node.get("status") != Some(&node_status)
        {
            node["status"] = node_status;
            s.put(&gr, node);
        }
    });
}
