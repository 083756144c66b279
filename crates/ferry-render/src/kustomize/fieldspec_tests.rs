use serde_json::{Value, json};

use super::*;

fn spec(path: &str, create: bool) -> FieldSpec {
    FieldSpec::any(path, create)
}

fn set_x(node: &mut Value) -> Result<(), String> {
    *node = Value::String("x".into());
    Ok(())
}

#[test]
fn steps_keep_escaped_slashes() {
    let s = spec(r"metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret", false);
    assert_eq!(s.steps(), vec!["metadata", "annotations", "nginx.ingress.kubernetes.io/auth-secret"]);
}

#[test]
fn walks_lists_with_and_without_brackets() {
    let mut obj = json!({"kind": "Pod", "spec": {"containers": [{"image": "a"}, {"image": "b"}, {"name": "c"}]}});
    apply(&mut obj, &spec("spec/containers/image", false), Create::Scalar, "k", &mut set_x).unwrap();
    assert_eq!(obj["spec"]["containers"], json!([{"image": "x"}, {"image": "x"}, {"name": "c"}]));
    let mut obj = json!({"kind": "Pod", "spec": {"containers": [{"image": "a"}, {"name": "c"}]}});
    apply(&mut obj, &spec("spec/containers[]/image", true), Create::Scalar, "k", &mut set_x).unwrap();
    assert_eq!(obj["spec"]["containers"], json!([{"image": "x"}, {"name": "c", "image": "x"}]));
}

#[test]
fn creates_only_when_asked_and_never_a_bracketed_list() {
    let mut obj = json!({"kind": "Pod"});
    apply(&mut obj, &spec("spec/a/b", false), Create::Scalar, "k", &mut set_x).unwrap();
    assert_eq!(obj, json!({"kind": "Pod"}));
    // As in kustomize, the maps on the way are created, the bracketed list is not.
    apply(&mut obj, &spec("spec/list[]/b", true), Create::Scalar, "k", &mut set_x).unwrap();
    assert_eq!(obj, json!({"kind": "Pod", "spec": {}}));
    apply(&mut obj, &spec("spec/a/b", true), Create::Scalar, "k", &mut set_x).unwrap();
    assert_eq!(obj, json!({"kind": "Pod", "spec": {"a": {"b": "x"}}}));
}

#[test]
fn nulls_become_what_the_walk_needs_only_when_creating() {
    let mut obj = json!({"kind": "Job", "spec": {"selector": null}});
    apply(&mut obj, &spec("spec/selector/matchLabels", false), Create::Map, "k", &mut |_| Ok(())).unwrap();
    assert_eq!(obj["spec"]["selector"], Value::Null);
    apply(&mut obj, &spec("spec/selector/matchLabels", true), Create::Map, "k", &mut |_| Ok(())).unwrap();
    assert_eq!(obj["spec"]["selector"], json!({"matchLabels": {}}));
}

#[test]
fn a_scalar_in_the_way_is_an_error_naming_file_and_path() {
    let mut obj = json!({"kind": "Deployment", "metadata": {"name": "d"}, "spec": "oops"});
    let err =
        apply(&mut obj, &spec("spec/template/metadata/labels", true), Create::Map, "kustomization.yaml", &mut set_x)
            .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("kustomization.yaml: spec/template/metadata/labels:"), "{text}");
    assert!(text.contains("expected sequence or mapping node"), "{text}");
}

#[test]
fn gvk_filter_selects_by_non_empty_parts() {
    let s = FieldSpec { group: Some("apps".into()), kind: Some("Deployment".into()), ..spec("spec/x", true) };
    let mut deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment"});
    let mut ext = json!({"apiVersion": "extensions/v1beta1", "kind": "Deployment"});
    apply(&mut deploy, &s, Create::Scalar, "k", &mut set_x).unwrap();
    apply(&mut ext, &s, Create::Scalar, "k", &mut set_x).unwrap();
    assert_eq!(deploy["spec"]["x"], "x");
    assert!(ext.get("spec").is_none());
}

#[test]
fn merge_all_dedups_and_detects_conflicts() {
    let mut specs = vec![spec("metadata/labels", true)];
    merge_all(&mut specs, vec![spec("metadata/labels", true), spec("spec/x", false)]).unwrap();
    assert_eq!(specs.len(), 2);
    assert!(merge_all(&mut specs, vec![spec("metadata/labels", false)]).is_err());
}
