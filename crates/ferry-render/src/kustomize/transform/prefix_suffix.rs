//! `namePrefix` / `nameSuffix` (kustomize's PrefixTransformer and SuffixTransformer).
//!
//! Every object's name gets the prefix and suffix, except Namespaces, CustomResourceDefinitions
//! and `apiregistration.k8s.io` APIServices (whose names are fixed by their content), judged by
//! the object's original id as kustomize v5.5 does. The object's id before the change is remembered so
//! that [`super::name_reference`] can fix references to it.

use serde_json::Value;

use super::super::fieldspec::{self, Create, FieldSpec, Gvk};
use super::super::{KustomizeError, ResMap, Resource};
use super::setters::{node_kind, scalar_text};

/// Adds `prefix` and `suffix` at the name field specs `fs` (for a kustomization: the prefix with
/// `cfg.name_prefix`, the suffix with `cfg.name_suffix`; call once per side when they differ).
pub fn apply(res: &mut ResMap, prefix: &str, suffix: &str, fs: &[FieldSpec], file: &str) -> Result<(), KustomizeError> {
    for r in res.iter_mut() {
        let original = original_gvk(r);
        if skipped(&original) {
            continue;
        }
        for spec in fs {
            if !spec.selects(&original) {
                continue;
            }
            if spec.path == "metadata/name" {
                if !prefix.is_empty() {
                    r.prefixes.push(prefix.to_owned());
                }
                if !suffix.is_empty() {
                    r.suffixes.push(suffix.to_owned());
                }
                if !prefix.is_empty() || !suffix.is_empty() {
                    r.remember_id();
                }
            }
            let mut set = |node: &mut Value| match scalar_text(node) {
                Some(name) => {
                    *node = Value::String(format!("{prefix}{name}{suffix}"));
                    Ok(())
                }
                None => Err(format!("wrong node kind: expected ScalarNode but got {}", node_kind(node))),
            };
            fieldspec::apply(&mut r.obj, spec, Create::Scalar, file, &mut set)?;
        }
    }
    Ok(())
}

/// The group/version/kind of a resource's first id.
fn original_gvk(r: &Resource) -> Gvk {
    let id = r.previous.first().cloned().unwrap_or_else(|| r.id());
    Gvk { group: id.group, version: id.version, kind: id.kind }
}

fn skipped(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

#[cfg(test)]
#[path = "prefix_suffix_tests.rs"]
mod tests;
