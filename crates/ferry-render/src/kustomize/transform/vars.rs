//! `vars:` (kustomize's legacy variables): `$(NAME)` in the varReference fields is replaced by
//! a field of another object.
//!
//! A var names an object by `objref` (apiVersion or group/version, kind, name, optionally
//! namespace; matched against original ids when the kustomization declaring it is built, see
//! [`bind`]) and a field by `fieldref.fieldpath` (default `metadata.name`). Each var must be
//! bound to exactly one object and that field must exist; var names must be unique.
//! Expansion follows Kubernetes' `$(VAR)` rules: `$$` is a literal `$`, an unknown `$(X)` stays
//! as written. A field that is exactly one `$(VAR)` takes the referenced value's type (a port
//! number stays a number).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::super::fieldspec::{self, Create, FieldSpec};
use super::super::{KustomizeError, ResId, ResMap};
use super::scope::{effective_namespace, gvk_is_cluster_scoped};

/// One entry of `vars:`.
#[derive(Debug, Deserialize, Clone, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Var {
    pub name: String,
    pub objref: ObjRef,
    #[serde(default)]
    pub fieldref: FieldRef,
}

/// The object a var reads (kustomize's `objref`).
#[derive(Debug, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjRef {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: String,
}

/// The field a var reads (kustomize's `fieldref`).
#[derive(Debug, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct FieldRef {
    #[serde(default)]
    pub fieldpath: String,
}

impl ObjRef {
    /// Group and version: `apiVersion` when set, else `group`/`version`.
    fn group_version(&self) -> (String, String) {
        if self.api_version.is_empty() {
            return (self.group.clone(), self.version.clone());
        }
        let (g, v) = fieldspec::split_api_version(&self.api_version);
        (g.to_owned(), v.to_owned())
    }
}

/// Resolves every var and substitutes it at the varReference field specs `fs`.
pub fn resolve(res: &mut ResMap, vars: &[Var], fs: &[FieldSpec], file: &str) -> Result<(), KustomizeError> {
    let values = values_of(res, vars, file)?;
    if values.is_empty() {
        return Ok(());
    }
    for r in res.iter_mut() {
        for spec in fs {
            fieldspec::apply(&mut r.obj, spec, Create::Scalar, file, &mut |node| {
                substitute(node, &values);
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// kustomize's `MergeVars`: each of a kustomization's own vars is bound to the one object its
/// `objref` names by original id (namespace too when the objref has one or the kind is
/// cluster-scoped); several matches are an error, none leaves the var unbound (an error when it
/// is resolved). Vars of nested kustomizations were bound when those were built.
pub fn bind(res: &mut ResMap, vars: &[Var], file: &str) -> Result<(), KustomizeError> {
    for var in vars {
        let (group, version) = var.objref.group_version();
        let target = ResId {
            group,
            version,
            kind: var.objref.kind.clone(),
            name: var.objref.name.clone(),
            namespace: var.objref.namespace.clone(),
        };
        let with_namespace =
            !target.namespace.is_empty() || gvk_is_cluster_scoped(&target.group, &target.version, &target.kind);
        let matched: Vec<usize> = (0..res.len())
            .filter(|&i| {
                let r = &res[i];
                let original = r.previous.first().cloned().unwrap_or_else(|| r.id());
                original.group == target.group
                    && original.version == target.version
                    && original.kind == target.kind
                    && original.name == target.name
                    && (!with_namespace || effective_namespace(&original) == effective_namespace(&target))
            })
            .collect();
        match matched.as_slice() {
            [] => {}
            [one] => res[*one].var_names.push(var.name.clone()),
            many => {
                return Err(invalid(
                    file,
                    format!("found {} resId matches for var '{}' (unable to disambiguate)", many.len(), var.name),
                ));
            }
        }
    }
    Ok(())
}

/// The value of each var, read from the object it was bound to.
fn values_of(res: &ResMap, vars: &[Var], file: &str) -> Result<BTreeMap<String, Value>, KustomizeError> {
    let mut seen = BTreeSet::new();
    let mut values = BTreeMap::new();
    for var in vars {
        if !seen.insert(var.name.as_str()) {
            return Err(invalid(file, format!("var '{}' already encountered", var.name)));
        }
        let Some(found) = res.iter().find(|r| r.var_names.contains(&var.name)) else {
            return Err(invalid(
                file,
                format!("var '{}' cannot be mapped to a field in the set of known resources", var.name),
            ));
        };
        let path = if var.fieldref.fieldpath.is_empty() { "metadata.name" } else { &var.fieldref.fieldpath };
        let value = field_value(&found.obj, path).ok_or_else(|| {
            invalid(file, format!("field specified in var '{}' ({path}) not found in corresponding resource", var.name))
        })?;
        values.insert(var.name.clone(), value);
    }
    Ok(values)
}

fn invalid(file: &str, message: String) -> KustomizeError {
    KustomizeError::Invalid { file: file.to_owned(), field: "vars".to_owned(), message }
}

/// A field by a dotted path with `[index]` steps (`spec.ports[0].port`); maps, lists and null
/// are not values a var can take.
fn field_value(obj: &Value, path: &str) -> Option<Value> {
    let mut node = obj;
    for step in path.split('.') {
        let (key, indexes) = match step.find('[') {
            Some(i) => (&step[..i], &step[i..]),
            None => (step, ""),
        };
        if !key.is_empty() {
            node = node.get(key)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.strip_suffix(']')?.parse().ok()?;
            node = node.get(i)?;
        }
    }
    match node {
        Value::Object(_) | Value::Array(_) | Value::Null => None,
        other => Some(other.clone()),
    }
}

/// Expands vars in a string, the strings of a list, or the string values of a map.
fn substitute(node: &mut Value, values: &BTreeMap<String, Value>) {
    match node {
        Value::String(s) => *node = expand_whole(s, values),
        Value::Array(items) => items.iter_mut().for_each(|item| {
            if let Value::String(s) = item {
                *item = expand_whole(s, values);
            }
        }),
        Value::Object(map) => map.values_mut().for_each(|item| {
            if let Value::String(s) = item {
                *item = expand_whole(s, values);
            }
        }),
        _ => {}
    }
}

/// A string that is exactly `$(VAR)` becomes the var's value as is; others are expanded.
fn expand_whole(s: &str, values: &BTreeMap<String, Value>) -> Value {
    let whole = s.strip_prefix("$(").and_then(|r| r.strip_suffix(')')).filter(|n| !n.contains(['(', ')', '$']));
    if let Some(value) = whole.and_then(|name| values.get(name)) {
        return value.clone();
    }
    Value::String(expand(s, values))
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Kubernetes' `$(VAR)` expansion: `$$` → `$`, known `$(VAR)` → value, the rest as written.
pub(crate) fn expand(input: &str, values: &BTreeMap<String, Value>) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(end) => {
                    let name = &inner[..end];
                    match values.get(name) {
                        Some(v) => out.push_str(&text(v)),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[end + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "vars_tests.rs"]
mod tests;
