//! Argo CD's `ignoreDifferences`: rules matched by group and kind (with `*` globs), name and
//! namespace; their JSON pointers are removed from both sides, and fields owned by their
//! `managedFieldsManagers` are left out of the comparison.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::pointer::{self, Pointer};
use super::{DiffError, Identity};
use crate::field_set::FieldSet;
use crate::managed_fields::ManagedFieldsEntry;

/// One `ignoreDifferences` entry of an Application, in Argo CD's JSON shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IgnoreRule {
    /// API group; absent or `""` is the core group; `*` globs allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind; `*` globs allowed.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// RFC 6901 pointers removed from both sides before comparing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json_pointers: Vec<String>,
    /// Fields these managers own in the live object are not compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_fields_managers: Vec<String>,
}

/// A rule with its pointers parsed.
pub(super) struct Compiled<'r> {
    rule: &'r IgnoreRule,
    pointers: Vec<Pointer>,
}

/// Parses every rule's pointers, so a bad pointer is reported even when its rule matches
/// nothing.
pub(super) fn compile(rules: &[IgnoreRule]) -> Result<Vec<Compiled<'_>>, DiffError> {
    rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let pointers = rule
                .json_pointers
                .iter()
                .map(|p| {
                    pointer::parse(p).map_err(|reason| DiffError::InvalidPointer {
                        rule: describe(i, rule),
                        pointer: p.clone(),
                        reason,
                    })
                })
                .collect::<Result<_, _>>()?;
            Ok(Compiled { rule, pointers })
        })
        .collect()
}

/// `ignoreDifferences[1] (apps/Deployment web)`.
fn describe(index: usize, rule: &IgnoreRule) -> String {
    let group = rule.group.as_deref().filter(|g| !g.is_empty()).map(|g| format!("{g}/")).unwrap_or_default();
    let name = rule.name.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
    format!("ignoreDifferences[{index}] ({group}{}{name})", rule.kind)
}

impl Compiled<'_> {
    pub(super) fn matches(&self, id: &Identity) -> bool {
        let optional = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w.is_empty() || w == have);
        glob(self.rule.group.as_deref().unwrap_or(""), &id.group)
            && glob(&self.rule.kind, &id.kind)
            && optional(&self.rule.name, &id.name)
            && optional(&self.rule.namespace, &id.namespace)
    }

    pub(super) fn remove_pointers(&self, obj: &mut Value) {
        for p in &self.pointers {
            pointer::remove(obj, p);
        }
    }

    pub(super) fn managers(&self) -> impl Iterator<Item = &str> {
        self.rule.managed_fields_managers.iter().map(String::as_str)
    }
}

/// The fields the named managers own.
pub(super) fn owned_by<'m>(managed: &[ManagedFieldsEntry], managers: impl Iterator<Item = &'m str>) -> FieldSet {
    let managers: Vec<&str> = managers.collect();
    managed
        .iter()
        .filter(|e| managers.contains(&e.manager.as_str()))
        .fold(FieldSet::new(), |acc, e| acc.union(&e.fields))
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
pub(super) fn glob(pattern: &str, text: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut remaining) = text.strip_prefix(head) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('*').collect();
    let (last, middle) = parts.split_last().unwrap_or((&"", &[]));
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("*", ""));
        assert!(glob("*", "Deployment"));
        assert!(glob("Deploy*", "Deployment"));
        assert!(glob("*.k8s.io", "networking.k8s.io"));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXcYb"));
        assert!(!glob("", "apps"));
        assert!(glob("", ""));
        assert!(!glob("Deployment", "deployment"));
    }
}
