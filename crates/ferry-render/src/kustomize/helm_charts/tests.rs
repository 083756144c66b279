//! `helmCharts` against the oracle: `kubectl kustomize --enable-helm --helm-command <wrapper>`
//! on the same directory must produce the same objects.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::*;
use crate::kustomize::loader::{FsLoader, LoadRestrictor};

fn wrapper() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm-wrapper/helm")
}

const VALUES: &str = "greeting: hello\nenabled: true\nlist: [a, b]\nnested:\n  keep: 1\n  change: old\n";

const TEMPLATE: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-values
  namespace: {{ .Release.Namespace }}
data:
  values: {{ toJson .Values | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  hasFoo: {{ .Capabilities.APIVersions.Has "foo.example.com/v1" | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web, version: "1.10"}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
"#;

const TEST_HOOK: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n";
const CRD: &str =
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\n";

/// A kustomization directory with the chart `charts/demo` and `kustomization` as its file.
fn tree(kustomization: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("kustomization.yaml", kustomization),
        ("charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
        ("charts/demo/values.yaml", VALUES),
        ("charts/demo/templates/all.yaml", TEMPLATE),
        ("charts/demo/templates/tests/t.yaml", TEST_HOOK),
        ("charts/demo/crds/foo.yaml", CRD),
        ("extra-values.yaml", "nested:\n  extra: from-additional\n"),
        ("broken-values.yaml", "a: [1,\n"),
    ];
    for (path, text) in files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
    dir
}

fn ferry(dir: &Path, enabled: bool) -> Result<Vec<Value>, KustomizeError> {
    let loader = FsLoader::new(dir);
    let text = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap();
    let k = parse_documents("kustomization.yaml", &text).unwrap().remove(0).value;
    let kd = KustDir { loader: &loader, dir: "", file: "kustomization.yaml", restrictor: LoadRestrictor::RootOnly };
    let opts = HelmOptions { enabled, command: wrapper().to_string_lossy().into_owned() };
    let charts = k["helmCharts"].as_array().cloned().unwrap_or_default();
    Ok(inflate(&kd, k.get("helmGlobals"), &charts, &opts)?.into_iter().map(|r| r.obj).collect())
}

fn kubectl(dir: &Path) -> Vec<Value> {
    let out = Command::new("kubectl")
        .args(["kustomize", "--enable-helm", "--helm-command"])
        .arg(wrapper())
        .arg(dir)
        .output()
        .expect("kubectl");
    assert!(out.status.success(), "kubectl kustomize: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    parse_documents("kubectl output", &text).unwrap().into_iter().map(|d| d.value).collect()
}

/// The same objects, whatever the order of objects and keys (kustomize sorts both).
fn same_objects(ours: Vec<Value>, theirs: Vec<Value>) {
    let canonical = |objects: Vec<Value>| {
        let mut texts: Vec<String> = objects.iter().map(|o| sorted(o).to_string()).collect();
        texts.sort();
        texts
    };
    assert_eq!(canonical(ours), canonical(theirs));
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by_key(|(k, _)| k.as_str());
            Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn values_seen(objects: &[Value]) -> Value {
    let cm = objects.iter().find(|o| o["kind"] == "ConfigMap").expect("the values ConfigMap");
    serde_json::from_str(cm["data"]["values"].as_str().unwrap()).unwrap()
}

#[test]
fn a_local_chart_inflates_as_kubectl_kustomize_does() {
    let dir = tree(
        "helmCharts:\n- name: demo\n  releaseName: shop\n  namespace: prod\n  includeCRDs: true\n  skipTests: true\n  \
         kubeVersion: 1.29.3\n  apiVersions: [foo.example.com/v1]\n  additionalValuesFiles: [extra-values.yaml]\n  \
         valuesInline:\n    greeting: inline\n    enabled: false\n    list: [c]\n    nested: {change: new}\n",
    );
    let ours = ferry(dir.path(), true).unwrap();
    same_objects(ours.clone(), kubectl(dir.path()));
    let kinds: Vec<&str> = ours.iter().filter_map(|o| o["kind"].as_str()).collect();
    assert_eq!(kinds, ["CustomResourceDefinition", "ConfigMap", "Deployment"], "CRDs in, tests out");
    let values = values_seen(&ours);
    assert_eq!(values["greeting"], "inline");
    assert_eq!(values["nested"]["extra"], "from-additional");
}

#[test]
fn values_merge_modes_match_kustomize() {
    for mode in ["merge", "override", "replace"] {
        let dir = tree(&format!(
            "helmCharts:\n- name: demo\n  valuesMerge: {mode}\n  valuesInline:\n    greeting: inline\n    \
             enabled: false\n    list: [c]\n    nested: {{change: new, added: 2}}\n"
        ));
        let ours = ferry(dir.path(), true).unwrap();
        let theirs = kubectl(dir.path());
        assert_eq!(values_seen(&ours), values_seen(&theirs), "valuesMerge: {mode}");
        same_objects(ours, theirs);
    }
}

#[test]
fn without_enable_helm_the_chart_is_refused() {
    let dir = tree("helmCharts:\n- name: demo\n");
    let err = ferry(dir.path(), false).unwrap_err();
    assert!(err.to_string().contains("must specify --enable-helm"), "{err}");
}

#[test]
fn bad_charts_are_errors_naming_what_failed() {
    let missing = tree("helmCharts:\n- name: nochart\n");
    let err = ferry(missing.path(), true).unwrap_err();
    assert!(err.to_string().contains("no repo specified for pull"), "{err}");

    let bad_merge = tree("helmCharts:\n- name: demo\n  valuesMerge: sideways\n  valuesInline: {a: 1}\n");
    let err = ferry(bad_merge.path(), true).unwrap_err();
    assert!(err.to_string().contains("valuesMerge must be one of"), "{err}");

    let broken = tree("helmCharts:\n- name: demo\n  valuesFile: broken-values.yaml\n");
    let err = ferry(broken.path(), true).unwrap_err();
    assert!(err.to_string().contains("broken-values.yaml"), "{err}");

    let failing = tree("helmCharts:\n- name: demo\n");
    std::fs::write(failing.path().join("charts/demo/templates/bad.yaml"), "{{ required \"need x\" .Values.x }}\n")
        .unwrap();
    let err = ferry(failing.path(), true).unwrap_err();
    assert!(matches!(&err, KustomizeError::Helm { message, .. } if message.contains("need x")), "{err}");
}

#[test]
fn a_symlink_out_of_the_root_in_a_chart_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n").unwrap();
    let dir = tree("helmCharts:\n- name: demo\n");
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), dir.path().join("charts/demo/templates/leak.yaml"))
        .unwrap();
    let err = ferry(dir.path(), true).unwrap_err();
    // The loader refuses to see a file whose real path leaves the root.
    assert!(matches!(err, KustomizeError::Restricted { .. } | KustomizeError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("leak.yaml"), "{err}");
}
