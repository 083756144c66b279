//! Server-side apply: merge a configuration into the live object, refuse (or, with
//! `force`, take over) fields other managers own with different values, remove fields the
//! applier no longer sets and nobody else owns, and rewrite the ownership records.

use serde_json::{Map, Value};

use super::entry::{ManagedFieldsEntry, Operation};
use super::{ApplyError, merge, remove};
use crate::field_set::{FieldPath, FieldSet, fields_of};
use crate::schema::TypeRef;
use crate::schema::slot::Slot;
use crate::strategic_merge::{kind_name, same_value};

/// A field the applier would change that another manager owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub manager: String,
    pub api_version: String,
    /// Kubernetes-style path, e.g. `.spec.replicas`.
    pub field: String,
}

/// The result of an apply: the new object (without `managedFields`) and its owners.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub object: Value,
    pub managed: Vec<ManagedFieldsEntry>,
}

/// Applies `config` for `manager` over `live` (`None` when creating). `managed` is the
/// live object's ownership; `live` and `config` carry no `metadata.managedFields`.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    managed: &[ManagedFieldsEntry],
    manager: &str,
    force: bool,
    api_version: &str,
    ty: Option<TypeRef<'_>>,
    now: &str,
) -> Result<Applied, ApplyError> {
    check_config(config)?;
    let live = live.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    let applied = fields_of(config, ty);
    let conflicts = find_conflicts(&live, config, &applied, managed, manager);
    if !conflicts.is_empty() && !force {
        return Err(ApplyError::Conflicts(conflicts.into_iter().map(|(c, _)| c).collect()));
    }
    let taken: Vec<FieldPath> = conflicts.into_iter().map(|(_, p)| p).collect();
    let mut entries = others_after_force(managed, manager, &taken);
    let slot = Slot::root(ty);
    let mut object = merge::merge(live, config, slot);
    let previous = own_apply_set(managed, manager);
    let still_owned = entries.iter().fold(applied.clone(), |acc, e| acc.union(&e.fields));
    let orphaned = previous.difference(&still_owned);
    remove::remove_paths(&mut object, &orphaned.paths(), slot);
    let entry = ManagedFieldsEntry {
        manager: manager.to_string(),
        operation: Operation::Apply,
        api_version: api_version.to_string(),
        time: now.to_string(),
        fields: applied,
        subresource: None,
    };
    place_entry(&mut entries, managed, manager, entry);
    Ok(Applied { object, managed: entries })
}

fn check_config(config: &Value) -> Result<(), ApplyError> {
    let Value::Object(map) = config else {
        return Err(ApplyError::NotAnObject { found: kind_name(config) });
    };
    for field in ["apiVersion", "kind"] {
        if map.get(field).and_then(Value::as_str).is_none_or(str::is_empty) {
            return Err(ApplyError::MissingField { field });
        }
    }
    Ok(())
}

/// Applied fields owned by other managers whose live value differs from the config.
fn find_conflicts(
    live: &Value,
    config: &Value,
    applied: &FieldSet,
    managed: &[ManagedFieldsEntry],
    manager: &str,
) -> Vec<(Conflict, FieldPath)> {
    let mut out = Vec::new();
    for path in applied.paths() {
        if !differs(live, config, applied, &path) {
            continue;
        }
        for entry in managed.iter().filter(|e| !is_own_apply(e, manager)) {
            if entry.fields.contains(&path) {
                let conflict = Conflict {
                    manager: entry.manager.clone(),
                    api_version: entry.api_version.clone(),
                    field: path.to_string(),
                };
                out.push((conflict, path.clone()));
            }
        }
    }
    out
}

/// Whether applying would change the value at `path`. Items with owned children (list
/// entries) only change when they are new; leaves compare by value.
fn differs(live: &Value, config: &Value, applied: &FieldSet, path: &FieldPath) -> bool {
    match (path.lookup(live), path.lookup(config)) {
        (None, _) => true,
        (Some(_), _) if !applied.is_leaf(path) => false,
        (Some(l), Some(c)) => !same_value(l, c),
        (Some(_), None) => true,
    }
}

fn is_own_apply(entry: &ManagedFieldsEntry, manager: &str) -> bool {
    entry.is(manager, Operation::Apply, None)
}

fn own_apply_set(managed: &[ManagedFieldsEntry], manager: &str) -> FieldSet {
    managed.iter().filter(|e| is_own_apply(e, manager)).fold(FieldSet::new(), |acc, e| acc.union(&e.fields))
}

/// Every other entry, minus the fields taken from it by force; empty entries dropped.
fn others_after_force(managed: &[ManagedFieldsEntry], manager: &str, taken: &[FieldPath]) -> Vec<ManagedFieldsEntry> {
    managed
        .iter()
        .filter(|e| !is_own_apply(e, manager))
        .map(|e| {
            let mut e = e.clone();
            if !taken.is_empty() {
                e.fields = e.fields.filter(|p| !taken.contains(p));
            }
            e
        })
        .filter(|e| !e.fields.is_empty())
        .collect()
}

/// Puts the applier's entry where its old one was (or at the end).
fn place_entry(
    entries: &mut Vec<ManagedFieldsEntry>,
    managed: &[ManagedFieldsEntry],
    manager: &str,
    entry: ManagedFieldsEntry,
) {
    if entry.fields.is_empty() {
        return;
    }
    let before = managed.iter().position(|e| is_own_apply(e, manager)).map(|pos| {
        managed[..pos]
            .iter()
            .filter(|e| {
                let sub = e.subresource.as_deref();
                entries.iter().any(|x| x.is(&e.manager, e.operation, sub))
            })
            .count()
    });
    match before {
        Some(at) if at <= entries.len() => entries.insert(at, entry),
        _ => entries.push(entry),
    }
}
