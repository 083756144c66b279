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

/// One of Ferry's own documents: `apiVersion`, `kind`, `metadata` and a `spec` decoded by
/// `decode_spec`; `status` is refused (runtime state lives in the state store). `None` when
/// the document has errors, all of them reported.
pub(crate) fn decode_resource<S>(
    d: &mut Decoder,
    node: &Node,
    kind: &str,
    spec_expected: &str,
    decode_spec: impl FnOnce(&mut Decoder, &Node) -> Option<S>,
) -> Option<(ObjectMeta, S)> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, "")?;
    f.take("apiVersion");
    f.take("kind");
    let metadata = match f.take("metadata") {
        Some(n) => decode(d, n, kind),
        None => {
            d.missing(f.line(), "metadata", "a map with at least `name`");
            None
        }
    };
    let spec = match f.take("spec") {
        Some(n) => decode_spec(d, n),
        None => {
            d.missing(f.line(), "spec", spec_expected);
            None
        }
    };
    f.unsupported(d, "status", "status is runtime state that Ferry keeps in its state store; remove it");
    f.finish(d);
    let (metadata, spec) = (metadata?, spec?);
    (d.error_count() == errors_before).then_some((metadata, spec))
}
