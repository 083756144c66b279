//! The fixture table in `testdata/health/`: each `<kind>-<case>.yaml` is one object with
//! an extra top-level `expect:` key — `{status, message}`, or `null` when the object has no
//! health — which is removed before the object is assessed.

use std::path::Path;

use serde_json::{Value, json};

use super::*;

fn load(path: &Path) -> (Value, Value) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut obj: Value = yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expect = obj.as_object_mut().and_then(|m| m.remove("expect"));
    (obj, expect.unwrap_or_else(|| panic!("{}: no expect key", path.display())))
}

fn actual(obj: &Value) -> Value {
    match assess(obj) {
        None => Value::Null,
        Some(h) => json!({ "status": h.status.as_str(), "message": h.message }),
    }
}

#[test]
fn fixture_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/health");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    paths.sort();
    assert!(paths.len() >= 30, "expected at least 30 health fixtures, found {}", paths.len());
    let mut failures = Vec::new();
    for path in &paths {
        let (obj, mut expect) = load(path);
        if let Some(map) = expect.as_object_mut() {
            map.entry("message").or_insert(json!(""));
        }
        let got = actual(&obj);
        if got != expect {
            failures.push(format!("{}:\n  expected {expect}\n  got      {got}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n{}", failures.len(), paths.len(), failures.join("\n"));
}

#[test]
fn odd_values_are_unknown_never_a_panic() {
    let odd = [json!(null), json!("x"), json!([1, 2]), json!({"a": {"b": [null]}}), json!(7)];
    for kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "Service", "Ingress"] {
        for value in &odd {
            for api_version in ["apps/v1", "v1", "batch/v1", "networking.k8s.io/v1"] {
                let obj = json!({
                    "apiVersion": api_version, "kind": kind,
                    "metadata": {"generation": value}, "spec": value, "status": {"conditions": value, "replicas": value}
                });
                if let Some(health) = assess(&obj) {
                    assert!(!health.status.as_str().is_empty());
                }
            }
        }
    }
    let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment", "status": {"replicas": "three"}});
    let health = assess(&obj).unwrap();
    assert_eq!(health.status, HealthStatus::Unknown);
    assert!(health.message.contains(".status.replicas should be an integer, found a string"), "{}", health.message);
}

#[test]
fn ignore_healthcheck_annotation_means_no_health() {
    let obj = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"annotations": {"argocd.argoproj.io/ignore-healthcheck": "true"}},
        "status": {"phase": "Failed"}
    });
    assert_eq!(assess(&obj), None);
}
