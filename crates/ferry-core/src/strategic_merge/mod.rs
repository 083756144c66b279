//! Kubernetes strategic merge patch (apimachinery `strategicpatch.StrategicMergePatch`), as
//! `kubectl patch --type strategic` and client-side `kubectl apply` use it: maps merge,
//! lists merge by their patch merge key (or union for scalars) when the schema says
//! `patchStrategy: merge`, other lists are replaced; `$patch`, `$retainKeys`,
//! `$setElementOrder/…` and `$deleteFromPrimitiveList/…` directives are honoured and never
//! appear in the result. Without a type (CRDs) maps merge and lists are replaced.

mod list;
mod map;
mod order;

use serde_json::Value;
use thiserror::Error;

use crate::schema::TypeRef;

/// A strategic merge patch could not be applied; `path` locates the offending value.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PatchError {
    #[error("patch must be a JSON object, found {found}")]
    PatchNotAnObject { found: &'static str },
    #[error("the object to patch must be a JSON object, found {found}")]
    OriginalNotAnObject { found: &'static str },
    #[error("{path}: missing merge key {key:?}")]
    MissingMergeKey { path: String, key: String },
    #[error("{path}: unknown patch directive {directive:?}")]
    UnknownDirective { path: String, directive: String },
    #[error("{path}: {directive} must be {expected}")]
    BadDirective { path: String, directive: String, expected: &'static str },
    #[error("{path}: field {field:?} is in the patch but not in $retainKeys")]
    NotRetained { path: String, field: String },
    #[error("{path}: list items must be all objects or all scalars")]
    MixedList { path: String },
    #[error("{path}: cannot merge a list of objects without a merge key")]
    NoMergeKey { path: String },
}

/// Applies `patch` to `original` with strategic-merge semantics for type `ty` (`None` for
/// kinds without a schema). `original` may be `null` (treated as `{}`).
pub fn strategic_merge(original: &Value, patch: &Value, ty: Option<TypeRef<'_>>) -> Result<Value, PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::PatchNotAnObject { found: kind_name(patch) });
    };
    let original = match original {
        Value::Object(o) => o.clone(),
        Value::Null => serde_json::Map::new(),
        other => {
            return Err(PatchError::OriginalNotAnObject { found: kind_name(other) });
        }
    };
    map::merge_map(original, patch.clone(), ty, "").map(Value::Object)
}

pub(crate) fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `a.b` path rendering for error messages.
fn child_path(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

fn shown(path: &str) -> String {
    if path.is_empty() { "(root)".to_string() } else { path.to_string() }
}

/// JSON equality that, like Go's decoder, treats `80` and `80.0` as the same number.
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests;
