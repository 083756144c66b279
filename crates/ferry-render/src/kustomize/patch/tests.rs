//! Patches compared with `kubectl kustomize` (kustomize v5.5) on tiny kustomizations that use
//! only the feature under test, plus the errors kustomize gives for bad patches.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

use super::*;
use crate::kustomize::{FsLoader, LoadRestrictor, Resource};

/// Writes `files` into a temp dir and returns it.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// What `kubectl kustomize` prints, as values sorted by kind and name; `Err(stderr)` on failure.
fn oracle(dir: &Path) -> Result<Vec<Value>, String> {
    let out = Command::new("kubectl").arg("kustomize").arg(dir).output().expect("kubectl runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut docs = Vec::new();
    for doc in yaml_serde::Deserializer::from_str(&text) {
        docs.push(Value::deserialize(doc).expect("kustomize output parses"));
    }
    Ok(sorted(docs))
}

fn sorted(mut docs: Vec<Value>) -> Vec<Value> {
    let key = |v: &Value| (v["kind"].to_string(), v["metadata"]["name"].to_string());
    docs.sort_by_key(key);
    docs
}

/// The resources of `files` with `step` applied, sorted like [`oracle`].
fn ours(
    dir: &Path,
    resources: &[&str],
    step: impl FnOnce(&mut ResMap, &KustDir) -> Result<(), KustomizeError>,
) -> Result<Vec<Value>, KustomizeError> {
    let loader = FsLoader::new(dir);
    let kd = KustDir { loader: &loader, dir: "", file: "kustomization.yaml", restrictor: LoadRestrictor::RootOnly };
    let mut res: ResMap = Vec::new();
    for file in resources {
        let text = std::fs::read_to_string(dir.join(file)).expect("read");
        for doc in documents(file, &text)? {
            res.push(Resource::new(doc, *file));
        }
    }
    step(&mut res, &kd)?;
    Ok(sorted(res.into_iter().map(|r| r.obj).collect()))
}

/// Builds `kustomization` over `files` with kubectl and with `step`, and compares.
fn same_as_kustomize(
    files: &[(&str, &str)],
    kustomization: &str,
    step: impl FnOnce(&mut ResMap, &KustDir) -> Result<(), KustomizeError>,
) {
    let resources: Vec<&str> = files.iter().map(|(n, _)| *n).filter(|n| n.starts_with("res")).collect();
    let kust = format!("resources: [{}]\n{kustomization}", resources.join(", "));
    let mut all = files.to_vec();
    all.push(("kustomization.yaml", &kust));
    let dir = tree(&all);
    let want = oracle(dir.path()).expect("kubectl kustomize succeeds");
    let got = ours(dir.path(), &resources, step).expect("our patch applies");
    assert_eq!(got, want, "differs from kubectl kustomize");
}

/// Asserts kubectl fails and so do we, with `ours_says` in our message.
fn both_fail(
    files: &[(&str, &str)],
    kustomization: &str,
    step: impl FnOnce(&mut ResMap, &KustDir) -> Result<(), KustomizeError>,
    ours_says: &str,
) {
    let resources: Vec<&str> = files.iter().map(|(n, _)| *n).filter(|n| n.starts_with("res")).collect();
    let kust = format!("resources: [{}]\n{kustomization}", resources.join(", "));
    let mut all = files.to_vec();
    all.push(("kustomization.yaml", &kust));
    let dir = tree(&all);
    assert!(oracle(dir.path()).is_err(), "kubectl kustomize should fail");
    let err = ours(dir.path(), &resources, step).expect_err("should fail").to_string();
    assert!(err.contains(ours_says), "{err}");
}

fn patches(kustomization: &str) -> Vec<Patch> {
    #[derive(Deserialize)]
    struct K {
        patches: Vec<Patch>,
    }
    let k: K = yaml_serde::from_str(kustomization).expect("kustomization parses");
    k.patches
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {z: \"1\", gone: x}
spec:
  replicas: 1
  template:
    spec:
      nodeSelector: {a: b}
      containers:
      - name: a
        image: a
        args: [x, w]
        ports:
        - containerPort: 80
          protocol: TCP
        - containerPort: 81
        env:
        - {name: A, value: '1'}
        - {name: B, value: '2'}
      - name: b
        image: b
      volumes:
      - {name: v1, emptyDir: {}}
      - {name: v2, emptyDir: {}}
";

const CRD_OBJECT: &str = "apiVersion: ex.com/v1
kind: Foo
metadata:
  name: f
spec:
  items:
  - {name: a, v: 1}
  - {name: b, v: 2}
  map: {x: 1}
";

fn check_patches(files: &[(&str, &str)], kustomization: &str) {
    let list = patches(kustomization);
    same_as_kustomize(files, kustomization, |res, kd| apply_patches(res, &list, kd));
}

#[test]
fn strategic_merge_lists_prepend_new_items_and_replace_plain_lists() {
    let patch = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {b: \"2\", gone: null}
spec:
  template:
    spec:
      containers:
      - name: c
        image: c
      - name: a
        image: a2
        args: [z]
        ports:
        - {containerPort: 80, protocol: TCP, name: http}
        - containerPort: 82
        env:
        - {name: C, value: '3'}
        - {name: A, $patch: delete}
      $setElementOrder/containers: [{name: c}, {name: a}, {name: b}]
";
    check_patches(&[("res.yaml", DEPLOYMENT), ("p.yaml", patch)], "patches:\n- path: p.yaml\n");
}

#[test]
fn strategic_merge_directives_replace_delete_and_retain_keys() {
    let patch = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    $retainKeys: [type]
    type: RollingUpdate
  template:
    spec:
      nodeSelector:
        $patch: replace
        c: d
      containers:
      - name: b
        $patch: delete
      volumes:
      - $patch: replace
      - {name: v3, emptyDir: {}}
";
    check_patches(&[("res.yaml", DEPLOYMENT), ("p.yaml", patch)], "patches:\n- path: p.yaml\n");
}

#[test]
fn strategic_merge_on_a_kind_without_schema_replaces_lists() {
    let patch = "apiVersion: ex.com/v1
kind: Foo
metadata:
  name: f
spec:
  items:
  - {name: b, w: 3}
  map: {y: 2}
";
    check_patches(&[("res.yaml", CRD_OBJECT), ("p.yaml", patch)], "patches:\n- path: p.yaml\n");
}

#[test]
fn patch_deleting_the_whole_resource_removes_it() {
    let kust = "patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    $patch: delete\n";
    check_patches(&[("res.yaml", DEPLOYMENT), ("res2.yaml", CRD_OBJECT)], kust);
}

#[test]
fn targeted_patch_applies_to_every_selected_resource_and_keeps_names() {
    let two =
        format!("{DEPLOYMENT}---\n{}", DEPLOYMENT.replace("name: web", "name: api").replace("z: \"1\"", "tier: back"));
    let kust = "patches:
- target: {kind: Deploy.*, labelSelector: \"tier notin (front), !missing\"}
  patch: |-
    apiVersion: v1
    kind: Deployment
    metadata: {name: ignored, namespace: other}
    spec: {replicas: 5}
- target: {name: we., annotationSelector: \"\"}
  patch: |-
    - op: add
      path: /metadata/annotations
      value: {a: b}
";
    check_patches(&[("res.yaml", &two)], kust);
}

#[test]
fn name_change_only_when_allowed() {
    let kust = "patches:
- target: {name: web}
  options: {allowNameChange: true}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web2}
    spec: {replicas: 4}
";
    check_patches(&[("res.yaml", DEPLOYMENT)], kust);
}

#[test]
fn several_documents_in_one_patch_all_apply() {
    let kust = "patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec: {replicas: 4}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec: {paused: true}
";
    check_patches(&[("res.yaml", DEPLOYMENT)], kust);
}

#[test]
fn json6902_ops_from_yaml_and_json() {
    let ops_yaml = "- op: replace\n  path: /spec/replicas\n  value: 3\n- op: copy\n  from: /metadata/name\n  path: /metadata/labels/copied\n- op: move\n  from: /metadata/labels/z\n  path: /metadata/labels/moved\n- op: test\n  path: /spec/replicas\n  value: 3\n";
    let ops_json = r#"[{"op": "remove", "path": "/spec/template/spec/containers/1"}, {"op": "add", "path": "/spec/template/spec/volumes/-", "value": {"name": "v9"}}]"#;
    let files = [("res.yaml", DEPLOYMENT), ("ops.yaml", ops_yaml), ("ops.json", ops_json)];
    let kust = "patchesJson6902:
- target: {group: apps, version: v1, kind: Deployment, name: web}
  path: ops.yaml
- target: {group: apps, version: v1, kind: Deployment, name: web}
  path: ops.json
";
    #[derive(Deserialize)]
    struct K {
        #[serde(rename = "patchesJson6902")]
        entries: Vec<Json6902>,
    }
    let k: K = yaml_serde::from_str(kust).expect("parses");
    same_as_kustomize(&files, kust, |res, kd| apply_json6902(res, &k.entries, kd));
}

#[test]
fn patches_strategic_merge_entries_from_files_and_inline() {
    let file_patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 7}\n";
    let inline = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations: {x: v}\n";
    let kust = format!(
        "patchesStrategicMerge:\n- p.yaml\n- |-\n{}\n",
        inline.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
    );
    let entries = vec!["p.yaml".to_owned(), inline.to_owned()];
    same_as_kustomize(&[("res.yaml", DEPLOYMENT), ("p.yaml", file_patch)], &kust, |res, kd| {
        apply_strategic_merge(res, &entries, kd)
    });
}

#[test]
fn targets_that_select_nothing_are_not_errors() {
    let kust = "patches:
- target: {kind: Service}
  patch: |-
    apiVersion: v1
    kind: Service
    metadata: {name: x}
    spec: {a: 1}
- target: {kind: Service}
  patch: |-
    - {op: add, path: /a, value: 1}
";
    check_patches(&[("res.yaml", DEPLOYMENT)], kust);
}

#[test]
fn strategic_patch_without_target_that_matches_nothing_is_an_error() {
    let kust = "patches:\n- patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata: {name: x}\n";
    let list = patches(kust);
    both_fail(
        &[("res.yaml", DEPLOYMENT)],
        kust,
        |res, kd| apply_patches(res, &list, kd),
        "no matches for Id Service.v1.[noGrp]/x.[noNs]",
    );
}

#[test]
fn json_patch_errors_name_the_file_and_operation() {
    let bad_op = "patches:\n- target: {kind: Deployment}\n  path: ops.yaml\n";
    let list = patches(bad_op);
    let files = [("res.yaml", DEPLOYMENT), ("ops.yaml", "- {op: add, path: /a, value: 1}\n- {op: frob, path: /a}\n")];
    both_fail(
        &files,
        bad_op,
        |res, kd| apply_patches(res, &list, kd),
        "ops.yaml: JSON patch operation 1: Unexpected kind: \"frob\"",
    );
    let files = [("res.yaml", DEPLOYMENT), ("ops.yaml", "- {op: replace, path: /nope/x, value: 1}\n")];
    both_fail(
        &files,
        bad_op,
        |res, kd| apply_patches(res, &list, kd),
        "ops.yaml: JSON patch operation 0 (/nope/x) does not apply",
    );
    let no_target = "patches:\n- path: ops.yaml\n";
    let list = patches(no_target);
    both_fail(&files, no_target, |res, kd| apply_patches(res, &list, kd), "must specify a target for JSON patch");
}

#[test]
fn bad_targets_and_patch_sources_are_errors() {
    let bad_regex = "patches:\n- target: {kind: \"Dep(\"}\n  patch: |-\n    - {op: add, path: /a, value: 1}\n";
    let list = patches(bad_regex);
    both_fail(
        &[("res.yaml", DEPLOYMENT)],
        bad_regex,
        |res, kd| apply_patches(res, &list, kd),
        "error parsing regexp \"^(?:Dep()$\"",
    );
    let both = "patches:\n- path: p.yaml\n  patch: 'a: b'\n";
    let list = patches(both);
    both_fail(
        &[("res.yaml", DEPLOYMENT), ("p.yaml", "a: b\n")],
        both,
        |res, kd| apply_patches(res, &list, kd),
        "patch and path can't be set at the same time",
    );
    let kind_clash = "patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec: {replicas: {a: 1}}\n";
    let list = patches(kind_clash);
    both_fail(
        &[("res.yaml", DEPLOYMENT)],
        kind_clash,
        |res, kd| apply_patches(res, &list, kd),
        "wrong node kind: expected ScalarNode but got MappingNode",
    );
    let outside = "patches:\n- path: ../p.yaml\n";
    let list = patches(outside);
    both_fail(&[("res.yaml", DEPLOYMENT)], outside, |res, kd| apply_patches(res, &list, kd), "p.yaml");
}

#[test]
fn label_selectors_parse_kubernetes_syntax() {
    let res: ResMap = vec![
        Resource::new(
            serde_json::json!({"kind": "A", "metadata": {"name": "a", "labels": {"env": "prod", "tier": "web"}}}),
            "x",
        ),
        Resource::new(serde_json::json!({"kind": "A", "metadata": {"name": "b", "labels": {"env": "dev"}}}), "x"),
    ];
    let sel = |s: &str| Selector { label_selector: Some(s.to_owned()), ..Selector::default() };
    assert_eq!(select(&res, &sel("env=prod")).unwrap(), [0]);
    assert_eq!(select(&res, &sel("env==dev")).unwrap(), [1]);
    assert_eq!(select(&res, &sel("env!=prod")).unwrap(), [1]);
    assert_eq!(select(&res, &sel("env in (prod, dev),tier")).unwrap(), [0]);
    assert_eq!(select(&res, &sel("!tier")).unwrap(), [1]);
    assert_eq!(select(&res, &sel("env notin (prod)")).unwrap(), [1]);
    assert!(select(&res, &sel("env in prod")).is_err());
}

#[test]
fn selectors_match_original_names_after_a_rename() {
    let mut r = Resource::new(serde_json::json!({"apiVersion": "v1", "kind": "A", "metadata": {"name": "a"}}), "x");
    r.remember_id();
    r.obj["metadata"]["name"] = "pre-a".into();
    let sel = |n: &str| Selector { name: Some(n.to_owned()), ..Selector::default() };
    assert_eq!(select(&vec![r.clone()], &sel("a")).unwrap(), [0]);
    assert_eq!(select(&vec![r.clone()], &sel("pre-a")).unwrap(), [0]);
    assert!(select(&vec![r], &sel("pre")).unwrap().is_empty(), "anchored");
}
