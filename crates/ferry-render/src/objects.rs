//! Turning parsed documents into Kubernetes objects.
//!
//! A document is one object, or a list of them: `kind: List` (or any `…List` kind) with
//! `items` is flattened as kubectl does, and a JSON file may hold an array of objects. Every
//! object needs `apiVersion`, `kind` and `metadata.name` (or `metadata.generateName`).

use serde_json::Value;

use crate::documents::Document;
use crate::error::RenderError;

/// One rendered object and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedObject {
    /// The object as written (no defaults added, nothing removed).
    pub object: Value,
    /// The repository-relative path of the file.
    pub file: String,
    /// The line the object's document starts on (for a List item, the List's line).
    pub line: usize,
}

/// Appends the objects of one document to `out`.
pub(crate) fn collect(document: Document, file: &str, out: &mut Vec<RenderedObject>) -> Result<(), RenderError> {
    let line = document.line;
    let invalid = |problem: String| RenderError::InvalidObject { file: file.to_owned(), line, problem };
    match document.value {
        Value::Array(items) if file.ends_with(".json") => flatten(items, "array", out, file, line).map_err(invalid),
        value => push(value, out, file, line).map_err(invalid),
    }
}

/// Pushes an object, or the items of a List.
fn push(value: Value, out: &mut Vec<RenderedObject>, file: &str, line: usize) -> Result<(), String> {
    if is_list(&value) {
        let Value::Object(mut map) = value else { unreachable!("is_list checks for a map") };
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned();
        let Some(Value::Array(items)) = map.remove("items") else { unreachable!("is_list checks items") };
        return flatten(items, &kind, out, file, line);
    }
    check_object(&value)?;
    out.push(RenderedObject { object: value, file: file.to_owned(), line });
    Ok(())
}

fn flatten(
    items: Vec<Value>,
    container: &str,
    out: &mut Vec<RenderedObject>,
    file: &str,
    line: usize,
) -> Result<(), String> {
    for (index, item) in items.into_iter().enumerate() {
        push(item, out, file, line).map_err(|problem| format!("item {index} of the {container}: {problem}"))?;
    }
    Ok(())
}

/// `kind: List`, `kind: ConfigMapList`, … with an `items` array.
fn is_list(value: &Value) -> bool {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    kind.ends_with("List") && value.get("items").is_some_and(Value::is_array)
}

/// Says what is missing for `value` to be a Kubernetes object.
fn check_object(value: &Value) -> Result<(), String> {
    let Value::Object(map) = value else {
        return Err(format!("expected a Kubernetes object (a map), found {}", type_name(value)));
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    let metadata = map.get("metadata");
    let mut missing = Vec::new();
    if !text(map.get("apiVersion")) {
        missing.push("`apiVersion`");
    }
    if !text(map.get("kind")) {
        missing.push("`kind`");
    }
    if !metadata.is_some_and(Value::is_object) {
        missing.push("`metadata`");
    } else if !text(metadata.and_then(|m| m.get("name"))) && !text(metadata.and_then(|m| m.get("generateName"))) {
        missing.push("`metadata.name`");
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!("not a Kubernetes object: missing {} (a non-empty string)", missing.join(", ")))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// About the size of `value` written as compact JSON, without writing it.
pub(crate) fn approximate_size(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => 8,
        Value::String(s) => s.len() + 2,
        Value::Array(items) => 2 + items.iter().map(|v| approximate_size(v) + 1).sum::<usize>(),
        Value::Object(map) => 2 + map.iter().map(|(k, v)| k.len() + 4 + approximate_size(v)).sum::<usize>(),
    }
}
