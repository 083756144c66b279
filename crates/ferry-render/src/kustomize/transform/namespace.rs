//! The namespace transformer (`namespace:` and the builtin `NamespaceTransformer`).
//!
//! As kustomize v5.5: `metadata.namespace` is set on every object whose kind is not certainly
//! cluster-scoped (see [`super::scope`]); a `v1` Namespace is renamed by the `metadata/name`
//! spec; RoleBinding/ClusterRoleBinding subjects get the namespace per
//! [`SubjectMode`] (by default only subjects named `default`); the other field specs (APIService
//! and CRD conversion webhook services, custom ones) are set where they apply. Two objects that
//! end up with the same id are a conflict.

use serde_json::Value;

use super::super::fieldspec::{self, Create, FieldSpec};
use super::super::{KustomizeError, ResMap};
use super::scope::{effective_namespace, is_cluster_scoped};
use super::setters::{node_kind, set_scalar};

/// Which RoleBinding/ClusterRoleBinding subjects get the namespace (`setRoleBindingSubjects`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectMode {
    /// `defaultOnly`: subjects named `default`.
    #[default]
    DefaultOnly,
    /// `allServiceAccounts`: subjects of kind ServiceAccount.
    AllServiceAccounts,
    /// `none`.
    None,
}

impl SubjectMode {
    /// The mode for a `setRoleBindingSubjects` value (`""` is the default).
    pub fn parse(file: &str, value: &str) -> Result<SubjectMode, KustomizeError> {
        match value {
            "" | "defaultOnly" => Ok(SubjectMode::DefaultOnly),
            "allServiceAccounts" => Ok(SubjectMode::AllServiceAccounts),
            "none" => Ok(SubjectMode::None),
            other => Err(KustomizeError::Invalid {
                file: file.to_owned(),
                field: "setRoleBindingSubjects".to_owned(),
                message: format!(
                    "invalid value {other:?} for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
                ),
            }),
        }
    }
}

/// Options of the builtin NamespaceTransformer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// `unsetOnly`: only empty namespace fields are set.
    pub unset_only: bool,
    pub subjects: SubjectMode,
}

/// Sets `namespace` on every object (the `namespace:` field of a kustomization).
pub fn apply(res: &mut ResMap, namespace: &str, fs: &[FieldSpec], file: &str) -> Result<(), KustomizeError> {
    apply_with(res, namespace, fs, Options::default(), file)
}

/// [`apply`] with the builtin plugin's options.
pub fn apply_with(
    res: &mut ResMap,
    namespace: &str,
    fs: &[FieldSpec],
    options: Options,
    file: &str,
) -> Result<(), KustomizeError> {
    if namespace.is_empty() {
        return Ok(());
    }
    for r in res.iter_mut() {
        if r.obj.as_object().is_none_or(|m| m.is_empty()) {
            continue;
        }
        r.remember_id();
        set_namespace(&mut r.obj, namespace, fs, options, file)?;
    }
    // Two objects that now have the same id (by effective namespace) conflict. Every pair that
    // collides at some step also collides at the end, so one pass over the result suffices.
    let mut seen = std::collections::HashSet::new();
    for r in res.iter().filter(|r| r.obj.as_object().is_some_and(|m| !m.is_empty())) {
        let id = r.id();
        let key = (
            id.group.clone(),
            id.version.clone(),
            id.kind.clone(),
            id.name.clone(),
            effective_namespace(&id).to_owned(),
        );
        if !seen.insert(key) {
            return Err(KustomizeError::Conflict {
                file: file.to_owned(),
                id: format!("{id} (after namespace {namespace:?})"),
            });
        }
    }
    Ok(())
}

fn set_namespace(
    obj: &mut Value,
    namespace: &str,
    fs: &[FieldSpec],
    options: Options,
    file: &str,
) -> Result<(), KustomizeError> {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or_default().to_owned();
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut set = |node: &mut Value| set_scalar(node, namespace, options.unset_only);
    if !is_cluster_scoped(&api_version, &kind) {
        fieldspec::apply(obj, &FieldSpec::any("metadata/namespace", true), Create::Scalar, file, &mut set)?;
    }
    let is_binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
    if is_binding {
        set_subjects(obj, namespace, options).map_err(|message| invalid(file, "subjects", obj, message))?;
    }
    for spec in fs {
        let hardcoded = spec.path == "metadata/namespace"
            || (spec.path == "metadata/name" && api_version != "v1")
            || (is_binding && spec.path == "subjects/namespace" && is_binding_kind(spec.kind.as_deref()));
        if hardcoded {
            continue;
        }
        fieldspec::apply(obj, spec, Create::Scalar, file, &mut set).map_err(|e| scalar_targets_only(e, namespace))?;
    }
    Ok(())
}

fn is_binding_kind(kind: Option<&str>) -> bool {
    matches!(kind, Some("RoleBinding" | "ClusterRoleBinding"))
}

/// kustomize's wording when a namespace spec reaches a map or a list.
fn scalar_targets_only(e: KustomizeError, _namespace: &str) -> KustomizeError {
    match e {
        KustomizeError::Invalid { file, field, message } if message.contains("wrong node kind") => {
            KustomizeError::Invalid {
                file,
                field,
                message: format!("namespace field specs must target scalar nodes: {message}"),
            }
        }
        other => other,
    }
}

fn invalid(file: &str, field: &str, obj: &Value, message: String) -> KustomizeError {
    KustomizeError::Invalid {
        file: file.to_owned(),
        field: field.to_owned(),
        message: format!("{}: {message}", fieldspec::describe(obj)),
    }
}

/// Sets the namespace of the binding's subjects chosen by `options.subjects`.
fn set_subjects(obj: &mut Value, namespace: &str, options: Options) -> Result<(), String> {
    let Some(Value::Array(subjects)) = obj.get_mut("subjects") else {
        return match obj.get("subjects") {
            None | Some(Value::Null) => Ok(()),
            Some(other) => Err(format!("wrong node kind: expected SequenceNode but got {}", node_kind(other))),
        };
    };
    let (key, want) = match options.subjects {
        SubjectMode::None => return Ok(()),
        SubjectMode::DefaultOnly => ("name", "default"),
        SubjectMode::AllServiceAccounts => ("kind", "ServiceAccount"),
    };
    for subject in subjects.iter_mut() {
        let Value::Object(map) = subject else {
            return Err(format!(
                "setting namespace on (cluster)role binding subjects: wrong node kind: expected MappingNode but got {}",
                node_kind(subject)
            ));
        };
        if map.get(key).and_then(Value::as_str) != Some(want) {
            continue;
        }
        let entry = map.entry("namespace").or_insert(Value::String(String::new()));
        if entry.is_null() {
            *entry = Value::String(String::new());
        }
        set_scalar(entry, namespace, options.unset_only)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "namespace_tests.rs"]
mod tests;
