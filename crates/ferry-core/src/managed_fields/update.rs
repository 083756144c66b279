//! Ownership for ordinary writes (create, update, patch): the writer's `Update` entry takes
//! the fields it changed, and fields that left the object leave every entry.

use serde_json::Value;

use super::entry::{ManagedFieldsEntry, Operation};
use crate::field_set::{FieldPath, FieldSet, fields_of, fields_of_with_status};
use crate::schema::TypeRef;
use crate::strategic_merge::same_value;

/// The managed fields after `manager` wrote `new` over `old` (`None` when creating).
/// Writes to the `status` subresource also own the `status` fields they change.
#[allow(clippy::too_many_arguments)]
pub fn record_update(
    old: Option<&Value>,
    new: &Value,
    managed: &[ManagedFieldsEntry],
    manager: &str,
    api_version: &str,
    ty: Option<TypeRef<'_>>,
    now: &str,
    subresource: Option<&str>,
) -> Vec<ManagedFieldsEntry> {
    let current = match subresource {
        Some("status") => fields_of_with_status(new, ty),
        _ => fields_of(new, ty),
    };
    let changed = match old {
        Some(old) => current.filter(|p| changed_at(old, new, &current, p)),
        None => current.clone(),
    };
    let mut entries: Vec<ManagedFieldsEntry> = Vec::with_capacity(managed.len() + 1);
    let mut found_own = false;
    for entry in managed {
        let mut entry = entry.clone();
        entry.fields = entry.fields.filter(|p| p.lookup(new).is_some());
        if entry.is(manager, Operation::Update, subresource) {
            found_own = true;
            if !changed.is_empty() {
                entry.fields = entry.fields.union(&changed);
                entry.time = now.to_string();
                entry.api_version = api_version.to_string();
            }
        } else {
            entry.fields = entry.fields.difference(&changed);
        }
        if !entry.fields.is_empty() {
            entries.push(entry);
        }
    }
    if !found_own && !changed.is_empty() {
        entries.push(ManagedFieldsEntry {
            manager: manager.to_string(),
            operation: Operation::Update,
            api_version: api_version.to_string(),
            time: now.to_string(),
            fields: changed,
            subresource: subresource.map(str::to_string),
        });
    }
    entries
}

/// Whether the write added or changed the field at `path`.
fn changed_at(old: &Value, new: &Value, current: &FieldSet, path: &FieldPath) -> bool {
    match (path.lookup(old), path.lookup(new)) {
        (None, _) => true,
        (Some(_), _) if !current.is_leaf(path) => false,
        (Some(o), Some(n)) => !same_value(o, n),
        (Some(_), None) => false,
    }
}
