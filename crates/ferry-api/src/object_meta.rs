//! `metadata` of Ferry's own kinds (Warehouse, Pipeline): a name and optional labels.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::application::is_dns_subdomain;
use crate::decode::Decoder;
use crate::node::Node;

/// The metadata Ferry reads for its own kinds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectMeta {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// Decodes `metadata` of a `kind` (named in the message about a missing name).
pub(crate) fn decode(d: &mut Decoder, node: &Node, kind: &str) -> Option<ObjectMeta> {
    let mut f = d.fields(node, "metadata")?;
    let name = f.required_string(d, "name", &format!("the {kind}'s name"));
    if let (Some(name), Some(n)) = (&name, f.peek("name"))
        && !is_dns_subdomain(name)
    {
        d.invalid(n, "metadata.name", "a lowercase DNS name: a-z, 0-9, `-` and `.`, at most 253 characters");
    }
    let namespace = f.string(d, "namespace");
    let labels = f.string_map(d, "labels");
    let annotations = f.string_map(d, "annotations");
    f.finish(d);
    Some(ObjectMeta { name: name?, namespace, labels, annotations })
}
