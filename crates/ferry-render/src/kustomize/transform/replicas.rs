//! `replicas:` (kustomize's ReplicaCountTransformer): sets the replica count of the objects
//! with that name (current or earlier) at the replicas field specs of their kind; a name that
//! matches no object of those kinds is an error.

use serde::Deserialize;
use serde_json::Value;

use super::super::fieldspec::{self, Create, FieldSpec, Gvk};
use super::super::{KustomizeError, ResMap};
use super::setters::node_kind;

/// One entry of `replicas:`.
#[derive(Debug, Deserialize, Clone, PartialEq, Eq)]
pub struct Replica {
    pub name: String,
    pub count: i64,
}

/// Sets each replica count.
pub fn apply(res: &mut ResMap, replicas: &[Replica], fs: &[FieldSpec], file: &str) -> Result<(), KustomizeError> {
    for replica in replicas {
        apply_one(res, replica, fs, file)?;
    }
    Ok(())
}

fn apply_one(res: &mut ResMap, replica: &Replica, fs: &[FieldSpec], file: &str) -> Result<(), KustomizeError> {
    let mut found = false;
    for spec in fs {
        for r in res.iter_mut() {
            let matches = r.all_ids().any(|id| {
                id.name == replica.name && spec.selects(&Gvk { group: id.group, version: id.version, kind: id.kind })
            });
            if !matches {
                continue;
            }
            found = true;
            let mut set = |node: &mut Value| match node {
                Value::Object(_) | Value::Array(_) => {
                    Err(format!("wrong node kind: expected ScalarNode but got {}", node_kind(node)))
                }
                _ => {
                    *node = Value::from(replica.count);
                    Ok(())
                }
            };
            fieldspec::apply(&mut r.obj, spec, Create::Scalar, file, &mut set)?;
        }
    }
    if found {
        return Ok(());
    }
    let gvks: Vec<String> = fs.iter().map(gvk_string).collect();
    Err(KustomizeError::Invalid {
        file: file.to_owned(),
        field: "replicas".to_owned(),
        message: format!(
            "resource with name {} does not match a config with the following GVK [{}]",
            replica.name,
            gvks.join(" ")
        ),
    })
}

/// kustomize's `Gvk.String()`: `Kind.version.group` with placeholders for empty parts.
fn gvk_string(spec: &FieldSpec) -> String {
    let or = |v: &Option<String>, empty: &str| v.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| empty.to_owned());
    format!("{}.{}.{}", or(&spec.kind, "[noKind]"), or(&spec.version, "[noVer]"), or(&spec.group, "[noGrp]"))
}

#[cfg(test)]
#[path = "replicas_tests.rs"]
mod tests;
