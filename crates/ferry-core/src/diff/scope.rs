//! Which fields a diff looks at: the leaves the desired state sets, and the fields apply
//! would remove because the manager applied them before and no longer does (and nobody
//! else owns them) — minus whatever `managedFieldsManagers` rules ignore.

use serde_json::Value;

use crate::field_set::{FieldPath, FieldSet, PathElement};
use crate::managed_fields::{ManagedFieldsEntry, Operation};

pub(crate) struct Scope {
    /// Leaves whose desired value is compared with the live one.
    pub(crate) compared: Vec<FieldPath>,
    /// Top-most live fields apply would remove.
    pub(crate) removed: Vec<FieldPath>,
}

impl Scope {
    pub(crate) fn new(
        wanted: &FieldSet,
        managed: &[ManagedFieldsEntry],
        manager: &str,
        live: Option<&Value>,
        ignored: &FieldSet,
    ) -> Self {
        let visible = |p: &FieldPath| !prefixes(p).any(|q| ignored.contains(&q));
        let compared = wanted.leaves().into_iter().filter(|p| visible(p)).collect();
        let removed = live.map(|l| removed(wanted, managed, manager, l)).unwrap_or_default();
        Scope { compared, removed: removed.into_iter().filter(|p| visible(p)).collect() }
    }
}

/// `p` and every path above it, shortest first.
fn prefixes(p: &FieldPath) -> impl Iterator<Item = FieldPath> + '_ {
    (1..=p.0.len()).map(|n| FieldPath(p.0[..n].to_vec()))
}

/// Fields `manager` applied before that the desired state no longer sets. Ownership
/// records name list items by their keys after defaulting (`protocol: TCP`), the desired
/// state perhaps without them, so both are resolved to positions in the live object and a
/// field counts as removed only when no desired leaf lands on it, inside it or above it.
fn removed(wanted: &FieldSet, managed: &[ManagedFieldsEntry], manager: &str, live: &Value) -> Vec<FieldPath> {
    let is_own =
        |e: &&ManagedFieldsEntry| e.manager == manager && e.operation == Operation::Apply && e.subresource.is_none();
    let own = managed.iter().filter(is_own).fold(FieldSet::new(), |acc, e| acc.union(&e.fields));
    let others = managed.iter().filter(|e| !is_own(e)).fold(FieldSet::new(), |acc, e| acc.union(&e.fields));
    let kept: Vec<Vec<String>> = wanted.leaves().iter().filter_map(|p| resolve(p, live)).collect();
    let gone: Vec<FieldPath> = own
        .difference(wanted)
        .difference(&others)
        .paths()
        .into_iter()
        .filter(|p| resolve(p, live).is_some_and(|at| !kept.iter().any(|k| k.starts_with(&at) || at.starts_with(k))))
        .collect();
    gone.iter().filter(|p| !prefixes(p).any(|q| q != **p && gone.contains(&q))).cloned().collect()
}

/// The position of `path` in `obj` (`f:` keys and `i:` indexes), if it exists there.
fn resolve(path: &FieldPath, obj: &Value) -> Option<Vec<String>> {
    let mut at = Vec::with_capacity(path.0.len());
    let mut value = obj;
    for element in &path.0 {
        value = match (element, value) {
            (PathElement::Field(name), Value::Object(map)) => {
                at.push(format!("f:{name}"));
                map.get(name)?
            }
            (_, Value::Array(items)) => {
                let i = items.iter().enumerate().position(|(i, item)| element.matches_item(i, item))?;
                at.push(format!("i:{i}"));
                &items[i]
            }
            _ => return None,
        };
    }
    Some(at)
}
