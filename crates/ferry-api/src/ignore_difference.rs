//! `spec.ignoreDifferences[]`: parts of objects that the diff leaves out.

use serde::Serialize;
use serde_json::Value;

use crate::decode::Decoder;
use crate::node::Node;

/// Which objects a rule applies to and which of their fields it ignores.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoreDifference {
    /// The API group (`apps`); empty for the core group.
    pub group: String,
    /// The kind (`Deployment`).
    pub kind: String,
    /// Only the object with this name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Only objects in this namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// RFC 6901 JSON pointers to ignore, e.g. `/spec/replicas`.
    pub json_pointers: Vec<String>,
    /// jq path expressions (not supported yet; kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jq_path_expressions: Option<Value>,
    /// Field managers whose fields are ignored, e.g. `kube-controller-manager`.
    pub managed_fields_managers: Vec<String>,
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<IgnoreDifference> {
    let mut f = d.fields(node, path)?;
    let group = f.string(d, "group").unwrap_or_default();
    let kind = f.required_string(d, "kind", "the kind of object the rule applies to, e.g. `Deployment`");
    let name = f.string(d, "name");
    let namespace = f.string(d, "namespace");
    let json_pointers = f.strings(d, "jsonPointers");
    if let Some(list) = f.peek("jsonPointers") {
        check_pointers(d, list, &f.path("jsonPointers"), &json_pointers);
    }
    let jq_path_expressions =
        f.unsupported(d, "jqPathExpressions", "jq path expressions are not supported yet; use `jsonPointers`");
    let managed_fields_managers = f.strings(d, "managedFieldsManagers");
    if json_pointers.is_empty() && managed_fields_managers.is_empty() && jq_path_expressions.is_none() {
        d.missing(f.line(), &f.path("jsonPointers"), "at least one of `jsonPointers` or `managedFieldsManagers`");
    }
    f.finish(d);
    Some(IgnoreDifference {
        group,
        kind: kind?,
        name,
        namespace,
        json_pointers,
        jq_path_expressions,
        managed_fields_managers,
    })
}

fn check_pointers(d: &mut Decoder, list: &Node, path: &str, pointers: &[String]) {
    for (i, pointer) in pointers.iter().enumerate() {
        if !pointer.starts_with('/') {
            let item = match &list.kind {
                crate::node::NodeKind::Seq(items) => items.get(i).unwrap_or(list),
                _ => list,
            };
            d.invalid(item, &format!("{path}[{i}]"), "a JSON pointer starting with `/`, e.g. `/spec/replicas`");
        }
    }
}
