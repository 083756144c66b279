//! Desired vs live, as Argo CD's server-side diff sees it: only the fields the desired
//! state sets are compared (as server-side apply would write them), plus the fields Ferry
//! applied before and no longer sets (apply would remove them). Server defaults, status,
//! server metadata and fields other writers own never cause a difference.
//! `ignoreDifferences` rules remove JSON pointers from both sides or ignore the fields
//! named managers own. Secret values are compared but never kept: the returned objects and
//! everything rendered from them carry masks instead.
//!
//! The returned objects are normalised for display: the desired object restricted to what
//! is compared, and the live object projected onto the same fields (in the desired
//! object's order), so [`unified_yaml`] shows a minimal diff.

mod compare;
mod ignore;
mod pointer;
mod project;
mod scope;
mod secret;
mod unified;
mod yaml;

use serde_json::Value;
use thiserror::Error;

pub use ignore::IgnoreRule;
pub use unified::{unified_text, unified_yaml};
pub use yaml::to_yaml;

/// A copy of `obj` safe to print: for a `v1` Secret every `data`/`stringData` value is masked
/// (and the last-applied annotation, which repeats them, dropped); other objects unchanged.
pub fn redacted(obj: &Value) -> Value {
    let mut copy = obj.clone();
    let is_secret = copy.get("kind").and_then(Value::as_str) == Some("Secret")
        && copy.get("apiVersion").and_then(Value::as_str) == Some("v1");
    if is_secret {
        secret::mask(&mut copy, None);
    }
    copy
}

/// The unified YAML diff of one object between two renders (`old`/`new` absent when the object
/// is added or removed), labelled with `labels`; Secret values masked on both sides so a changed
/// value shows as a changed mask and never as content. Empty when both render the same.
pub fn render_change(
    old: Option<&Value>,
    new: Option<&Value>,
    labels: (&str, &str),
    header: &str,
    color: bool,
) -> String {
    let prepare = |obj: Option<&Value>| {
        obj.map(|o| {
            let mut copy = o.clone();
            if Identity::of(&copy).is_secret() {
                secret::fold_string_data(&mut copy);
            }
            copy
        })
    };
    let (mut old, mut new) = (prepare(old), prepare(new));
    match (new.as_mut(), old.as_mut()) {
        (Some(n), o) if Identity::of(n).is_secret() => secret::mask(n, o),
        (None, Some(o)) if Identity::of(o).is_secret() => secret::mask(o, None),
        _ => {}
    }
    let text = |obj: &Option<Value>| obj.as_ref().map(to_yaml).unwrap_or_default();
    unified_text(&text(&old), &text(&new), labels, header, color)
}

use scope::Scope;

use crate::field_set::{FieldPath, fields_of};
use crate::managed_fields::{EntryError, ManagedFieldsEntry};
use crate::schema::builtin;

/// The field manager Ferry applies with.
pub const DEFAULT_MANAGER: &str = "ferry";

/// How to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffOptions {
    /// The field manager the desired state is applied with: fields it applied before that
    /// the desired state no longer sets would be removed, so they count as differences.
    pub manager: String,
    /// The Application's `ignoreDifferences`.
    pub ignore_differences: Vec<IgnoreRule>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions { manager: DEFAULT_MANAGER.to_string(), ignore_differences: Vec::new() }
    }
}

/// The comparison of one desired object with its live counterpart.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    /// No compared field differs (false when the live object is missing).
    pub in_sync: bool,
    /// The desired object, normalised and with Secret values masked.
    pub desired: Value,
    /// The live object projected onto the compared fields, Secret values masked; `None`
    /// when it does not exist.
    pub live: Option<Value>,
    /// Kubernetes-style paths of the fields that differ, e.g. `.spec.replicas` or
    /// `.spec.template.spec.containers[name="web"].image`.
    pub changed_paths: Vec<String>,
}

/// A diff could not be computed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DiffError {
    #[error("{rule}: invalid JSON pointer {pointer:?}: {reason}")]
    InvalidPointer { rule: String, pointer: String, reason: &'static str },
    #[error("the {side} object must be a JSON object, found {found}")]
    NotAnObject { side: &'static str, found: &'static str },
    #[error("live object has unreadable metadata.managedFields: {0}")]
    ManagedFields(#[source] EntryError),
}

/// Compares `desired` with `live` (`None` when the object does not exist yet).
pub fn diff(desired: &Value, live: Option<&Value>, opts: &DiffOptions) -> Result<ResourceDiff, DiffError> {
    check_object(desired, "desired")?;
    if let Some(live) = live {
        check_object(live, "live")?;
    }
    let rules = ignore::compile(&opts.ignore_differences)?;
    let id = Identity::of(desired);
    let matching: Vec<_> = rules.iter().filter(|r| r.matches(&id)).collect();
    let mut desired = desired.clone();
    let mut live = live.cloned();
    if id.is_secret() {
        secret::fold_string_data(&mut desired);
        if let Some(live) = live.as_mut() {
            secret::fold_string_data(live);
        }
    }
    for rule in &matching {
        rule.remove_pointers(&mut desired);
        if let Some(live) = live.as_mut() {
            rule.remove_pointers(live);
        }
    }
    let managed = match live.as_ref().and_then(|l| l.pointer("/metadata/managedFields")) {
        Some(list) => ManagedFieldsEntry::list_from_json(list).map_err(DiffError::ManagedFields)?,
        None => Vec::new(),
    };
    let ignored = ignore::owned_by(&managed, matching.iter().flat_map(|r| r.managers()));
    let ty = builtin().root(&id.group, &id.version, &id.kind);
    let scope = Scope::new(&fields_of(&desired, ty), &managed, &opts.manager, live.as_ref(), &ignored);
    let changed = compare::changed_paths(&desired, live.as_ref(), &scope);
    let trie = project::Trie::of(scope.compared.iter().chain(&scope.removed).chain(&identity_paths()));
    let mut shown_desired = project::project(&desired, None, &trie);
    let mut shown_live = live.as_ref().map(|l| project::project(l, Some(&desired), &trie));
    if id.is_secret() {
        secret::mask(&mut shown_desired, shown_live.as_mut());
    }
    Ok(ResourceDiff {
        in_sync: live.is_some() && changed.is_empty(),
        desired: shown_desired,
        live: shown_live,
        changed_paths: changed.iter().map(ToString::to_string).collect(),
    })
}

fn check_object(value: &Value, side: &'static str) -> Result<(), DiffError> {
    match value {
        Value::Object(_) => Ok(()),
        other => Err(DiffError::NotAnObject { side, found: crate::strategic_merge::kind_name(other) }),
    }
}

/// Group, version, kind, name and namespace of the desired object.
#[derive(Debug, Clone, Default)]
pub(crate) struct Identity {
    pub(crate) group: String,
    pub(crate) version: String,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) namespace: String,
}

impl Identity {
    fn of(obj: &Value) -> Self {
        let text = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
        let api_version = text("/apiVersion");
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.clone()),
        };
        Identity {
            group,
            version,
            kind: text("/kind"),
            name: text("/metadata/name"),
            namespace: text("/metadata/namespace"),
        }
    }

    fn is_secret(&self) -> bool {
        self.group.is_empty() && self.kind == "Secret"
    }
}

/// Shown on both sides for context, never compared.
fn identity_paths() -> Vec<FieldPath> {
    use crate::field_set::PathElement::Field;
    let f = |parts: &[&str]| FieldPath(parts.iter().map(|s| Field(s.to_string())).collect());
    vec![f(&["apiVersion"]), f(&["kind"]), f(&["metadata", "name"]), f(&["metadata", "namespace"])]
}

#[cfg(test)]
mod tests;
