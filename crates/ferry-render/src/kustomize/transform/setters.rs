//! Field setters shared by the transformers, with kustomize's errors for a field of the wrong
//! kind (`wrong node kind: expected ScalarNode but got MappingNode`).

use serde_json::Value;

/// kyaml's name for the kind of a node.
pub(crate) fn node_kind(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "MappingNode",
        Value::Array(_) => "SequenceNode",
        _ => "ScalarNode",
    }
}

/// The text of a scalar (`""` for null), `None` for maps and lists.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(_) | Value::Array(_) => None,
    }
}

/// Sets a scalar field to `value`; with `unset_only`, only when it is empty.
pub(crate) fn set_scalar(node: &mut Value, value: &str, unset_only: bool) -> Result<(), String> {
    let Some(current) = scalar_text(node) else {
        return Err(format!("wrong node kind: expected ScalarNode but got {}", node_kind(node)));
    };
    if unset_only && !current.is_empty() {
        return Ok(());
    }
    *node = Value::String(value.to_owned());
    Ok(())
}

/// Sets `key: value` in a map field (labels, annotations, selectors).
pub(crate) fn set_entry(node: &mut Value, key: &str, value: &str) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            map.insert(key.to_owned(), Value::String(value.to_owned()));
            Ok(())
        }
        other => Err(format!("wrong node kind: expected MappingNode but got {}", node_kind(other))),
    }
}
