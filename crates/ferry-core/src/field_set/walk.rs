//! `fields_of`: the set of fields an object sets, as server-side apply records them.

use serde_json::{Map, Value};

use super::{FieldPath, FieldSet, PathElement};
use crate::schema::TypeRef;
use crate::schema::slot::{Slot, Treatment};

/// Top-level fields that are never owned.
const UNTRACKED_ROOT: &[&str] = &["apiVersion", "kind", "status"];

/// `metadata` fields the server owns.
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
];

/// The fields set by `obj`: leaves (scalars, atomic lists and maps, untyped values, empty
/// maps), associative-list items (with `.`) and set-list values. `apiVersion`, `kind`,
/// `status` and server-owned metadata are never included.
pub fn fields_of(obj: &Value, ty: Option<TypeRef<'_>>) -> FieldSet {
    let mut set = FieldSet::new();
    if let Value::Object(map) = obj {
        walk_map(map, Slot::root(ty), &mut Vec::new(), &mut set);
    }
    set
}

/// `fields_of` plus the fields under `status`, for writes to the status subresource.
pub(crate) fn fields_of_with_status(obj: &Value, ty: Option<TypeRef<'_>>) -> FieldSet {
    let mut set = fields_of(obj, ty);
    if let Some(status) = obj.get("status") {
        let slot = Slot::root(ty).child("status");
        let mut path = vec![PathElement::Field("status".to_string())];
        walk_value(status, slot, &mut path, &mut set);
    }
    set
}

/// Whether the field `name` under `parent` is one that is never tracked.
pub(crate) fn untracked(parent: &[PathElement], name: &str) -> bool {
    match parent {
        [] => UNTRACKED_ROOT.contains(&name),
        [PathElement::Field(m)] if m == "metadata" => SERVER_METADATA.contains(&name),
        _ => false,
    }
}

fn walk_map(map: &Map<String, Value>, slot: Slot<'_>, path: &mut Vec<PathElement>, set: &mut FieldSet) {
    for (name, value) in map {
        if untracked(path, name) {
            continue;
        }
        path.push(PathElement::Field(name.clone()));
        walk_value(value, slot.child(name), path, set);
        path.pop();
    }
}

fn walk_value(value: &Value, slot: Slot<'_>, path: &mut Vec<PathElement>, set: &mut FieldSet) {
    match (slot.treatment(value), value) {
        (Treatment::Map, Value::Object(map)) if !map.is_empty() => walk_map(map, slot, path, set),
        (Treatment::AssocList(keys), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                path.push(item_element(item, &keys, i));
                set.insert(&FieldPath(path.clone()));
                if let Value::Object(fields) = item {
                    walk_map(fields, slot.item(), path, set);
                }
                path.pop();
            }
        }
        (Treatment::SetList, Value::Array(items)) => {
            for item in items {
                path.push(PathElement::Value(item.clone()));
                set.insert(&FieldPath(path.clone()));
                path.pop();
            }
        }
        _ => set.insert(&FieldPath(path.clone())),
    }
}

/// The path element naming an associative-list item: its key fields, or its index when it
/// has none of them.
pub(crate) fn item_element(item: &Value, keys: &[&str], index: usize) -> PathElement {
    let found: Map<String, Value> =
        keys.iter().filter_map(|k| item.get(*k).map(|v| (k.to_string(), v.clone()))).collect();
    if found.is_empty() { PathElement::Index(index) } else { PathElement::Key(super::path::sorted(&found)) }
}
