//! Removing fields from an object by path, as apply does for fields its manager stopped
//! setting. Free-key maps and lists left empty go too (Go's `omitempty`); structs stay.

use serde_json::Value;

use crate::field_set::{FieldPath, PathElement};
use crate::schema::slot::Slot;

/// Removes every path in `paths` from `obj`.
pub(super) fn remove_paths(obj: &mut Value, paths: &[FieldPath], slot: Slot<'_>) {
    for path in paths {
        remove_at(obj, &path.0, slot);
    }
}

fn remove_at(value: &mut Value, path: &[PathElement], slot: Slot<'_>) -> bool {
    let [first, rest @ ..] = path else {
        return false;
    };
    match (first, value) {
        (PathElement::Field(name), Value::Object(map)) => {
            if rest.is_empty() {
                return map.remove(name).is_some();
            }
            let child_slot = slot.child(name);
            let Some(child) = map.get_mut(name) else {
                return false;
            };
            let removed = remove_at(child, rest, child_slot);
            if removed && is_empty(child) && !child_slot.is_struct() {
                map.remove(name);
            }
            removed
        }
        (_, Value::Array(items)) => {
            let Some(pos) = items.iter().enumerate().position(|(i, item)| first.matches_item(i, item)) else {
                return false;
            };
            if rest.is_empty() {
                items.remove(pos);
                return true;
            }
            remove_at(&mut items[pos], rest, slot.item())
        }
        _ => false,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}
