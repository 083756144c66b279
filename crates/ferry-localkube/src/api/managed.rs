//! Field ownership (`metadata.managedFields`) for every write, computed by the sans-IO core
//! (`ferry_core::managed_fields`) with the type schema of the kind.

use ferry_core::managed_fields::{self, ManagedFieldsEntry};
use ferry_core::schema::{self, TypeRef};
use serde_json::Value;

use crate::object::metadata_mut;
use crate::resource::ResourceType;
use crate::time::now_rfc3339;

/// Who owns the fields a write sets.
#[derive(Debug, Clone)]
pub enum Ownership {
    /// A non-apply write by this manager (create, update, patch).
    Update(String),
    /// Entries already computed by a server-side apply.
    Applied(Vec<ManagedFieldsEntry>),
    /// A write by the server itself (status from simulated controllers keeps its own entry).
    Subresource(String, &'static str),
}

impl Ownership {
    /// A client's non-apply write, to the object or to its `status` subresource.
    pub fn for_write(manager: &str, subresource: Option<&str>) -> Self {
        match subresource {
            Some("status") => Ownership::Subresource(manager.to_string(), "status"),
            _ => Ownership::Update(manager.to_string()),
        }
    }
}

/// The schema of a built-in kind; custom resources are untyped.
pub fn type_of(rt: &ResourceType) -> Option<TypeRef<'static>> {
    if rt.crd.is_some() {
        return None;
    }
    schema::builtin().root(&rt.group, &rt.version, &rt.kind)
}

/// The managed-fields entries stored on an object.
pub fn entries_of(obj: &Value) -> Vec<ManagedFieldsEntry> {
    obj.pointer("/metadata/managedFields").and_then(|v| ManagedFieldsEntry::list_from_json(v).ok()).unwrap_or_default()
}

/// A copy without `metadata.managedFields`, as the core expects objects.
pub fn stripped(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    v
}

/// Sets `new`'s managedFields for a write from `old` to `new`.
pub fn record(rt: &ResourceType, old: Option<&Value>, new: &mut Value, owner: Ownership) {
    let entries = match owner {
        Ownership::Applied(entries) => entries,
        Ownership::Update(manager) => update_entries(rt, old, new, &manager, None),
        Ownership::Subresource(manager, sub) => update_entries(rt, old, new, &manager, Some(sub)),
    };
    let meta = metadata_mut(new);
    if entries.is_empty() {
        meta.remove("managedFields");
    } else {
        let list: Vec<Value> = entries.iter().map(ManagedFieldsEntry::to_json).collect();
        meta.insert("managedFields".into(), Value::Array(list));
    }
}

fn update_entries(
    rt: &ResourceType,
    old: Option<&Value>,
    new: &Value,
    manager: &str,
    subresource: Option<&str>,
) -> Vec<ManagedFieldsEntry> {
    let previous = old.map(entries_of).unwrap_or_default();
    if manager.is_empty() {
        return previous;
    }
    let old = old.map(stripped);
    managed_fields::record_update(
        old.as_ref(),
        &stripped(new),
        &previous,
        manager,
        &rt.api_version(),
        type_of(rt),
        &now_rfc3339(),
        subresource,
    )
}
