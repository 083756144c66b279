//! Every namespace gets its `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap,
//! as the service-account and root-CA controllers of a real cluster create them.

use std::time::Duration;

use serde_json::{Value, json};

use super::create;
use crate::api::Cluster;
use crate::object;
use crate::resource::GroupResource;

pub fn reconcile(cluster: &Cluster, ns: &Value) -> Option<Duration> {
    let name = object::name(ns);
    create(
        cluster,
        &GroupResource::new("", "serviceaccounts"),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}}),
    );
    create(
        cluster,
        &GroupResource::new("", "configmaps"),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": name},
            "data": {"ca.crt": "# ferry-localkube serves plain HTTP on 127.0.0.1; there is no cluster CA.\n"}}),
    );
    None
}
