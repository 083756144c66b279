//! Server-side apply ownership scenarios, as `kubectl apply --server-side` exercises them.

use serde_json::{Value, json};

use super::*;
use crate::field_set::FieldSet;
use crate::schema::{TypeRef, builtin};

const NOW: &str = "2025-01-01T00:00:00Z";

fn ty() -> Option<TypeRef<'static>> {
    builtin().root("apps", "v1", "Deployment")
}

fn config(replicas: i64, image: &str, labels: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": labels},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": image}]}}}})
}

fn run(
    live: Option<&Value>,
    cfg: &Value,
    managed: &[ManagedFieldsEntry],
    who: &str,
    force: bool,
) -> Result<Applied, ApplyError> {
    apply(live, cfg, managed, who, force, "apps/v1", ty(), NOW)
}

fn owners_of(managed: &[ManagedFieldsEntry], path: &str) -> Vec<String> {
    managed
        .iter()
        .filter(|e| e.fields.paths().iter().any(|p| p.to_string() == path))
        .map(|e| e.manager.clone())
        .collect()
}

#[test]
fn create_records_apply_entry() {
    let cfg = config(2, "nginx:1.25", json!({"app": "web"}));
    let out = run(None, &cfg, &[], "ferry", false).unwrap();
    assert_eq!(out.object, cfg);
    assert_eq!(out.managed.len(), 1);
    let e = &out.managed[0];
    assert_eq!((e.manager.as_str(), e.operation), ("ferry", Operation::Apply));
    assert_eq!(
        e.fields.to_fields_v1(),
        json!({"f:metadata": {"f:labels": {"f:app": {}}},
        "f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {
            "f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:containers": {
                "k:{\"name\":\"web\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}})
    );
}

#[test]
fn equal_values_are_shared_without_conflict() {
    let cfg = config(2, "nginx:1.25", json!({"app": "web"}));
    let first = run(None, &cfg, &[], "a", false).unwrap();
    let second = run(Some(&first.object), &cfg, &first.managed, "b", false).unwrap();
    assert_eq!(owners_of(&second.managed, ".spec.replicas"), ["a", "b"]);
}

#[test]
fn conflict_names_the_other_manager() {
    let first = run(None, &config(2, "nginx:1.25", json!({"app": "web"})), &[], "kubectl", false).unwrap();
    let err = run(Some(&first.object), &config(3, "nginx:1.25", json!({"app": "web"})), &first.managed, "ferry", false)
        .unwrap_err();
    let ApplyError::Conflicts(conflicts) = &err else { panic!("{err}") };
    assert_eq!(
        conflicts,
        &vec![Conflict { manager: "kubectl".into(), api_version: "apps/v1".into(), field: ".spec.replicas".into() }]
    );
    assert_eq!(err.to_string(), "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
}

#[test]
fn conflict_on_container_image_is_keyed_by_name() {
    let first = run(None, &config(2, "nginx:1.25", json!({"app": "web"})), &[], "kubectl", false).unwrap();
    let err = run(Some(&first.object), &config(2, "nginx:1.26", json!({"app": "web"})), &first.managed, "ferry", false)
        .unwrap_err();
    let ApplyError::Conflicts(c) = err else { panic!() };
    assert_eq!(c[0].field, ".spec.template.spec.containers[name=\"web\"].image");
}

#[test]
fn force_takes_ownership() {
    let first = run(None, &config(2, "nginx:1.25", json!({"app": "web"})), &[], "kubectl", false).unwrap();
    let out = run(Some(&first.object), &config(3, "nginx:1.25", json!({"app": "web"})), &first.managed, "ferry", true)
        .unwrap();
    assert_eq!(out.object["spec"]["replicas"], 3);
    assert_eq!(owners_of(&out.managed, ".spec.replicas"), ["ferry"]);
    assert_eq!(owners_of(&out.managed, ".metadata.labels.app"), ["kubectl", "ferry"]);
}

#[test]
fn dropped_label_is_removed_when_nobody_else_owns_it() {
    let cfg = config(2, "nginx:1.25", json!({"app": "web", "tier": "front"}));
    let first = run(None, &cfg, &[], "ferry", false).unwrap();
    let out = run(Some(&first.object), &config(2, "nginx:1.25", json!({"app": "web"})), &first.managed, "ferry", false)
        .unwrap();
    assert_eq!(out.object["metadata"]["labels"], json!({"app": "web"}));
}

#[test]
fn dropped_label_stays_when_another_manager_owns_it() {
    let cfg = config(2, "nginx:1.25", json!({"app": "web", "tier": "front"}));
    let first = run(None, &cfg, &[], "ferry", false).unwrap();
    let shared = run(Some(&first.object), &cfg, &first.managed, "other", false).unwrap();
    let out =
        run(Some(&shared.object), &config(2, "nginx:1.25", json!({"app": "web"})), &shared.managed, "ferry", false)
            .unwrap();
    assert_eq!(out.object["metadata"]["labels"]["tier"], "front");
    assert_eq!(owners_of(&out.managed, ".metadata.labels.tier"), ["other"]);
}

#[test]
fn removing_last_label_drops_the_map() {
    let first = run(None, &config(2, "x", json!({"tier": "front"})), &[], "ferry", false).unwrap();
    let mut cfg = config(2, "x", json!({}));
    cfg["metadata"].as_object_mut().unwrap().remove("labels");
    let out = run(Some(&first.object), &cfg, &first.managed, "ferry", false).unwrap();
    assert!(out.object["metadata"].get("labels").is_none(), "{}", out.object);
}

#[test]
fn containers_merge_by_name_and_dropped_container_is_removed() {
    let mut two = config(2, "nginx", json!({"app": "web"}));
    two["spec"]["template"]["spec"]["containers"] =
        json!([{"name": "web", "image": "nginx"}, {"name": "log", "image": "fluent"}]);
    let first = run(None, &two, &[], "ferry", false).unwrap();
    // Another writer adds a container; the live order is kept on re-apply.
    let mut live = first.object.clone();
    live["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!({"name": "mesh", "image": "envoy"}));
    let managed = record_update(Some(&first.object), &live, &first.managed, "injector", "apps/v1", ty(), NOW, None);
    let out = run(Some(&live), &config(2, "nginx:2", json!({"app": "web"})), &managed, "ferry", false).unwrap();
    let names: Vec<&str> = out.object["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mesh", "web"]);
    assert_eq!(out.object["spec"]["template"]["spec"]["containers"][1]["image"], "nginx:2");
}

#[test]
fn record_update_takes_changed_fields() {
    let first = run(None, &config(2, "nginx", json!({"app": "web"})), &[], "ferry", false).unwrap();
    let mut scaled = first.object.clone();
    scaled["spec"]["replicas"] = json!(5);
    let managed =
        record_update(Some(&first.object), &scaled, &first.managed, "kubectl-scale", "apps/v1", ty(), NOW, None);
    assert_eq!(owners_of(&managed, ".spec.replicas"), ["kubectl-scale"]);
    assert_eq!(managed[1].fields.to_fields_v1(), json!({"f:spec": {"f:replicas": {}}}));
    assert_eq!(managed[1].operation, Operation::Update);
    // Applying the old value now conflicts with the scaler.
    let err = run(Some(&scaled), &config(2, "nginx", json!({"app": "web"})), &managed, "ferry", false);
    assert!(matches!(err, Err(ApplyError::Conflicts(c)) if c[0].manager == "kubectl-scale"));
}

#[test]
fn record_update_drops_vanished_fields_everywhere() {
    let first = run(None, &config(2, "nginx", json!({"app": "web", "x": "y"})), &[], "ferry", false).unwrap();
    let mut edited = first.object.clone();
    edited["metadata"]["labels"].as_object_mut().unwrap().remove("x");
    let managed =
        record_update(Some(&first.object), &edited, &first.managed, "kubectl-edit", "apps/v1", ty(), NOW, None);
    assert!(owners_of(&managed, ".metadata.labels.x").is_empty());
    assert_eq!(managed.len(), 1, "nothing changed by the editor, so no entry for it");
}

#[test]
fn record_create_owns_everything_with_subresource() {
    let obj = config(1, "x", json!({"app": "web"}));
    let managed = record_update(None, &obj, &[], "kubectl-create", "apps/v1", ty(), NOW, Some("status"));
    assert_eq!(managed.len(), 1);
    assert_eq!(managed[0].subresource.as_deref(), Some("status"));
    assert_eq!(managed[0].to_json()["subresource"], "status");
}

#[test]
fn bad_configs_are_errors() {
    assert!(matches!(run(None, &json!([]), &[], "m", false), Err(ApplyError::NotAnObject { .. })));
    assert!(matches!(
        run(None, &json!({"kind": "Deployment"}), &[], "m", false),
        Err(ApplyError::MissingField { field: "apiVersion" })
    ));
}

#[test]
fn managed_fields_json_round_trip() {
    let list = json!([{"manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1",
        "time": NOW, "fieldsType": "FieldsV1",
        "fieldsV1": {"f:spec": {"f:replicas": {}}}},
        {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1",
        "time": NOW, "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:replicas": {}}},
        "subresource": "status"}]);
    let entries = ManagedFieldsEntry::list_from_json(&list).unwrap();
    assert_eq!(entries[1].subresource.as_deref(), Some("status"));
    assert_eq!(ManagedFieldsEntry::list_to_json(&entries), list);
    assert!(ManagedFieldsEntry::from_json(&json!({"operation": "Nope"})).is_err());
    assert!(ManagedFieldsEntry::list_from_json(&json!({})).is_err());
    assert!(ManagedFieldsEntry::list_from_json(&json!([{"operation": "Apply", "fieldsV1": 1}])).is_err());
}

#[test]
fn untyped_custom_resources_merge_maps_and_replace_lists() {
    let cr = json!({"apiVersion": "x.io/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"size": 1, "tags": ["a"], "nested": {"a": 1}}});
    let first = apply(None, &cr, &[], "a", false, "x.io/v1", None, NOW).unwrap();
    let cfg = json!({"apiVersion": "x.io/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"tags": ["b"], "nested": {"b": 2}}});
    let out = apply(Some(&first.object), &cfg, &first.managed, "b", true, "x.io/v1", None, NOW).unwrap();
    assert_eq!(out.object["spec"], json!({"size": 1, "tags": ["b"], "nested": {"a": 1, "b": 2}}));
    assert_eq!(owners_of(&out.managed, ".spec.tags"), ["b"]);
    let _ = FieldSet::new();
}

#[test]
fn status_subresource_writes_own_status_fields() {
    let obj = config(1, "x", json!({"app": "web"}));
    let mut with_status = obj.clone();
    with_status["status"] = json!({"replicas": 1, "conditions": [{"type": "Available", "status": "True"}]});
    let managed =
        record_update(Some(&obj), &with_status, &[], "kube-controller-manager", "apps/v1", ty(), NOW, Some("status"));
    assert_eq!(
        managed[0].fields.to_fields_v1(),
        json!({"f:status": {"f:conditions": {
        "k:{\"type\":\"Available\"}": {".": {}, "f:status": {}, "f:type": {}}}, "f:replicas": {}}})
    );
}
