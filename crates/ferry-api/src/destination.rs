//! `spec.destination`: the cluster and namespace an Application is applied to.

use serde::Serialize;

use crate::decode::Decoder;
use crate::node::Node;

/// Where objects go: a cluster by `server` URL or by `name` (a kubeconfig context), and the
/// namespace for objects that do not set one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    /// The API server URL of the cluster; matches a kubeconfig context's server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The name of the cluster: a kubeconfig context name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The default namespace for namespaced objects without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

const CLUSTER: &str = "exactly one of `server` (the cluster's API URL) or `name` (a kubeconfig context name)";

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Destination> {
    let mut f = d.fields(node, path)?;
    let server = f.string(d, "server");
    let name = f.string(d, "name");
    let namespace = f.string(d, "namespace");
    match (&server, &name) {
        (None, None) => d.missing(f.line(), &f.path("server"), CLUSTER),
        (Some(_), Some(_)) => {
            let line = f.peek("name").map_or(f.line(), |n| n.line);
            d.invalid_at(line, &f.path("name"), CLUSTER, "both `server` and `name`".to_owned());
        }
        _ => {}
    }
    f.finish(d);
    Some(Destination { server, name, namespace })
}
