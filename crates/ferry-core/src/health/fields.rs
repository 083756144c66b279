//! Reading status fields the way Go's typed conversion does: a missing or `null` field is
//! its zero value, a field of the wrong type is an error (which `assess` turns into
//! `Unknown` with this message).

use serde_json::Value;
use thiserror::Error;

/// A field a health rule reads has an unexpected type.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum HealthError {
    #[error("cannot assess health: .{field} should be {expected}, found {found}")]
    WrongType { field: String, expected: &'static str, found: &'static str },
    #[error("cannot assess health: annotation {annotation:?} is not valid JSON: {reason}")]
    BadAnnotation { annotation: String, reason: String },
}

impl HealthError {
    /// The same error for a field read relative to `prefix`.
    fn within(self, prefix: &str) -> Self {
        match self {
            HealthError::WrongType { field, expected, found } => {
                HealthError::WrongType { field: format!("{prefix}.{field}"), expected, found }
            }
            other => other,
        }
    }
}

/// One entry of `status.conditions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Condition {
    pub(crate) kind: String,
    pub(crate) status: String,
    pub(crate) reason: String,
    pub(crate) message: String,
}

impl Condition {
    pub(crate) fn is_true(&self) -> bool {
        self.status == "True"
    }

    /// `reason: message`, or whichever of them is set.
    pub(crate) fn describe(&self) -> String {
        match (self.reason.is_empty(), self.message.is_empty()) {
            (false, false) => format!("{}: {}", self.reason, self.message),
            (false, true) => self.reason.clone(),
            _ => self.message.clone(),
        }
    }
}

/// The value at the dotted `path`, `None` when absent or `null`.
fn at<'v>(obj: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(obj, |v, key| v.get(key)).filter(|v| !v.is_null())
}

fn wrong(path: &str, expected: &'static str, found: &Value) -> HealthError {
    HealthError::WrongType { field: path.to_string(), expected, found: crate::strategic_merge::kind_name(found) }
}

/// An integer field; `None` when absent.
pub(crate) fn opt_int(obj: &Value, path: &str) -> Result<Option<i64>, HealthError> {
    let Some(v) = at(obj, path) else {
        return Ok(None);
    };
    let int = v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64));
    int.map(Some).ok_or_else(|| wrong(path, "an integer", v))
}

/// An integer field; 0 when absent.
pub(crate) fn int(obj: &Value, path: &str) -> Result<i64, HealthError> {
    Ok(opt_int(obj, path)?.unwrap_or(0))
}

/// A string field; `""` when absent.
pub(crate) fn string<'v>(obj: &'v Value, path: &str) -> Result<&'v str, HealthError> {
    match at(obj, path) {
        None => Ok(""),
        Some(v) => v.as_str().ok_or_else(|| wrong(path, "a string", v)),
    }
}

/// A boolean field; `false` when absent.
pub(crate) fn boolean(obj: &Value, path: &str) -> Result<bool, HealthError> {
    match at(obj, path) {
        None => Ok(false),
        Some(v) => v.as_bool().ok_or_else(|| wrong(path, "a boolean", v)),
    }
}

/// A list field; empty when absent.
pub(crate) fn list<'v>(obj: &'v Value, path: &str) -> Result<&'v [Value], HealthError> {
    match at(obj, path) {
        None => Ok(&[]),
        Some(v) => v.as_array().map(Vec::as_slice).ok_or_else(|| wrong(path, "a list", v)),
    }
}

/// A list of conditions at `path` (usually `status.conditions`).
pub(crate) fn conditions_at(obj: &Value, path: &str) -> Result<Vec<Condition>, HealthError> {
    let items = list(obj, path)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            if !item.is_object() {
                return Err(wrong(&format!("{path}[{i}]"), "an object", item));
            }
            let at = format!("{path}[{i}]");
            let text = |key: &str| string(item, key).map(str::to_string).map_err(|e| e.within(&at));
            Ok(Condition {
                kind: text("type")?,
                status: text("status")?,
                reason: text("reason")?,
                message: text("message")?,
            })
        })
        .collect()
}

/// `status.conditions`.
pub(crate) fn conditions(obj: &Value) -> Result<Vec<Condition>, HealthError> {
    conditions_at(obj, "status.conditions")
}

/// The first condition of type `kind`.
pub(crate) fn find<'c>(conditions: &'c [Condition], kind: &str) -> Option<&'c Condition> {
    conditions.iter().find(|c| c.kind == kind)
}
