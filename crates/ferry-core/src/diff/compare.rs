//! The comparison itself: each compared field's desired value against the live one, and
//! each field apply would remove against its presence in the live object.

use serde_json::Value;

use super::Scope;
use crate::field_set::FieldPath;
use crate::strategic_merge::same_value;

/// Paths whose live value differs from the desired one, in field-set order (every
/// compared leaf when there is no live object).
pub(super) fn changed_paths(desired: &Value, live: Option<&Value>, scope: &Scope) -> Vec<FieldPath> {
    let Some(live) = live else {
        return scope.compared.clone();
    };
    let mut changed: Vec<FieldPath> = scope
        .compared
        .iter()
        .filter(|p| !leaf_equal(p.lookup(desired).unwrap_or(&Value::Null), p.lookup(live)))
        .cloned()
        .collect();
    changed.extend(scope.removed.iter().filter(|p| p.lookup(live).is_some()).cloned());
    changed
}

/// Whether a live value matches a desired leaf as apply would leave it: a `null` matches
/// absence, an empty object any object (apply merges into it), others compare by value.
pub(super) fn leaf_equal(desired: &Value, live: Option<&Value>) -> bool {
    match (desired, live) {
        (Value::Null, None | Some(Value::Null)) => true,
        (_, None) => false,
        (Value::Object(d), Some(Value::Object(_))) if d.is_empty() => true,
        (d, Some(l)) => values_equal(d, l),
    }
}

/// Deep equality with numbers compared by value (`1 == 1.0`); `"1"` and `1` differ.
pub(super) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| values_equal(v, w)),
        _ => same_value(a, b),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_by_value_strings_are_not_numbers() {
        assert!(values_equal(&json!({"a": [1, 2.0]}), &json!({"a": [1.0, 2]})));
        assert!(!values_equal(&json!("1"), &json!(1)));
        assert!(!values_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(leaf_equal(&json!({}), Some(&json!({"x": 1}))));
        assert!(leaf_equal(&json!(null), None));
        assert!(!leaf_equal(&json!(0), None));
    }
}
