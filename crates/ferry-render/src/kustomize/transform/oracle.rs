//! Test support: `kubectl kustomize` (kustomize v5.5) as the oracle for a transformer.
//!
//! A test writes a tiny kustomization (the resources plus one feature) to a temp dir, runs
//! `kubectl kustomize` on it, and compares its objects with the transformer applied to the same
//! resources. Objects are compared as JSON with sorted keys (kustomize prints keys sorted).

use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use crate::kustomize::{ResMap, Resource};

/// The documents of a YAML stream.
pub(crate) fn parse(yaml: &str) -> Vec<Value> {
    yaml_serde::Deserializer::from_str(yaml)
        .map(|doc| Value::deserialize(doc).expect("valid YAML"))
        .filter(|v| !v.is_null())
        .collect()
}

/// The resources of a YAML stream, as a build would hold them.
pub(crate) fn resources(yaml: &str) -> ResMap {
    parse(yaml).into_iter().map(|obj| Resource::new(obj, "resources.yaml")).collect()
}

/// What `kubectl kustomize` prints for `kustomization` over `resources.yaml`, or its error.
pub(crate) fn kustomize(resources_yaml: &str, kustomization: &str) -> Result<Vec<Value>, String> {
    kustomize_files(&[("resources.yaml", resources_yaml), ("kustomization.yaml", kustomization)])
}

/// `kubectl kustomize` over the given files.
pub(crate) fn kustomize_files(files: &[(&str, &str)]) -> Result<Vec<Value>, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    let out = Command::new("kubectl").arg("kustomize").arg(dir.path()).output().expect("kubectl runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(parse(&String::from_utf8_lossy(&out.stdout)))
}

/// A value with its map keys sorted (kustomize prints keys sorted; order is the emitter's job).
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: std::collections::BTreeMap<_, _> = map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect();
            Value::Object(sorted.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Asserts that the transformed resources equal kustomize's output (order of objects aside).
pub(crate) fn assert_same(ours: &ResMap, oracle: &[Value]) {
    let text = |v: &Value| serde_json::to_string_pretty(&canonical(v)).unwrap();
    let mut a: Vec<String> = ours.iter().map(|r| text(&r.obj)).collect();
    let mut b: Vec<String> = oracle.iter().map(text).collect();
    a.sort();
    b.sort();
    assert_eq!(a.join("\n---\n"), b.join("\n---\n"));
}
