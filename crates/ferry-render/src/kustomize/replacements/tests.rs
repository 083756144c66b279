//! Replacements compared with `kubectl kustomize`, and kustomize's errors for bad ones.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use super::*;
use crate::kustomize::{FsLoader, LoadRestrictor};

const RESOURCES: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: src
  annotations: {config.k8s.io/x: hello, n: \"5\"}
data: {img: \"repo/app:v1.2\", count: \"3\"}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {a.b/c: old}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.0
        ports: [{containerPort: 80}]
      - name: side
        image: side:1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: other
  labels: {skip: \"yes\"}
spec:
  replicas: 2
";

fn sorted(mut docs: Vec<Value>) -> Vec<Value> {
    docs.sort_by_key(|v| (v["kind"].to_string(), v["metadata"]["name"].to_string()));
    docs
}

fn setup(kustomization: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("res.yaml"), RESOURCES).expect("write");
    std::fs::write(dir.path().join("kustomization.yaml"), format!("resources: [res.yaml]\n{kustomization}"))
        .expect("write");
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn oracle(dir: &Path) -> Result<Vec<Value>, String> {
    let out = Command::new("kubectl").arg("kustomize").arg(dir).output().expect("kubectl runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8(out.stdout).expect("utf-8");
    Ok(sorted(yaml_serde::Deserializer::from_str(&text).map(|d| Value::deserialize(d).expect("parses")).collect()))
}

fn ours(dir: &Path, kustomization: &str) -> Result<Vec<Value>, KustomizeError> {
    #[derive(Deserialize)]
    struct K {
        replacements: Vec<ReplacementEntry>,
    }
    let k: K = yaml_serde::from_str(kustomization).expect("kustomization parses");
    let loader = FsLoader::new(dir);
    let kd = KustDir { loader: &loader, dir: "", file: "kustomization.yaml", restrictor: LoadRestrictor::RootOnly };
    let mut res: ResMap = crate::kustomize::parse::parse_documents("res.yaml", RESOURCES)
        .expect("resources parse")
        .into_iter()
        .map(|d| Resource::new(d.value, "res.yaml"))
        .collect();
    apply(&mut res, &k.replacements, &kd)?;
    Ok(sorted(res.into_iter().map(|r| r.obj).collect()))
}

fn same_as_kustomize(kustomization: &str, extra: &[(&str, &str)]) {
    let dir = setup(kustomization, extra);
    let want = oracle(dir.path()).expect("kubectl kustomize succeeds");
    assert_eq!(ours(dir.path(), kustomization).expect("replacements apply"), want);
}

fn both_fail(kustomization: &str, ours_says: &str) {
    let dir = setup(kustomization, &[]);
    assert!(oracle(dir.path()).is_err(), "kubectl kustomize should fail");
    let err = ours(dir.path(), kustomization).expect_err("should fail").to_string();
    assert!(err.contains(ours_says), "{err}");
}

#[test]
fn dotted_keys_matches_and_indexes() {
    same_as_kustomize(
        "replacements:
- source: {kind: ConfigMap, name: src, fieldPath: \"metadata.annotations.[config.k8s.io/x]\"}
  targets:
  - select: {kind: Deployment, name: web}
    fieldPaths:
    - metadata.annotations.[a.b/c]
    - spec.template.spec.containers.[name=side].image
    - spec.template.spec.containers.0.name
",
        &[],
    );
}

#[test]
fn scalar_targets_keep_their_type_and_create_makes_fields() {
    same_as_kustomize(
        "replacements:
- source: {kind: ConfigMap, name: src, fieldPath: data.count}
  targets:
  - select: {kind: Deployment}
    reject: [{labelSelector: skip=yes}]
    fieldPaths:
    - spec.replicas
    - spec.template.spec.containers.0.ports.0.containerPort
    - metadata.labels.x
    - spec.template.spec.containers.*.workingDir
    options: {create: true}
",
        &[],
    );
}

#[test]
fn delimiters_take_and_put_one_part() {
    same_as_kustomize(
        "replacements:
- path: r.yaml
",
        &[(
            "r.yaml",
            "- source: {kind: ConfigMap, name: src, fieldPath: data.img, options: {delimiter: \":\", index: 1}}
  targets:
  - select: {kind: Deployment, name: web}
    fieldPaths:
    - spec.template.spec.containers.[name=web].image
    options: {delimiter: \":\", index: 1}
  - select: {name: web}
    fieldPaths:
    - spec.template.spec.containers.[name=side].image
    options: {delimiter: \":\", index: -1}
",
        )],
    );
}

#[test]
fn whole_maps_replace_the_target() {
    same_as_kustomize(
        "replacements:
- source: {kind: ConfigMap, fieldPath: data}
  targets:
  - select: {name: other}
    fieldPaths: [metadata.annotations]
    options: {create: true}
",
        &[],
    );
}

#[test]
fn missing_sources_and_fields_are_errors() {
    both_fail(
        "replacements:\n- source: {kind: ConfigMap, name: src, fieldPath: data.nope}\n  targets:\n  - select: {kind: Deployment}\n",
        "fieldPath `data.nope` is missing for replacement source ConfigMap.[noVer].[noGrp]/src.[noNs]",
    );
    both_fail(
        "replacements:\n- source: {kind: ConfigMap, name: nope}\n  targets:\n  - select: {kind: Deployment}\n",
        "nothing selected by ConfigMap.[noVer].[noGrp]/nope.[noNs]",
    );
    both_fail(
        "replacements:\n- source: {kind: Deployment}\n  targets:\n  - select: {kind: ConfigMap}\n",
        "found more than one resources",
    );
    both_fail(
        "replacements:\n- source: {kind: ConfigMap, name: src}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.nope.x]\n",
        "unable to find field \"spec.nope.x\" in replacement target",
    );
}
