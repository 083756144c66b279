//! FieldSet: `fieldsV1` round trips, set algebra, `fields_of` on real kinds.

use serde_json::json;

use super::*;
use crate::schema::builtin;

fn deploy_ty() -> Option<TypeRef<'static>> {
    builtin().root("apps", "v1", "Deployment")
}

fn apply_sample() -> Value {
    // managedFields[0].fieldsV1 of `kubectl apply --server-side` on the nginx example.
    json!({"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},
        "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{
        "k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{
        "k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}})
}

fn controller_sample() -> Value {
    json!({"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},
        "f:status":{"f:availableReplicas":{},"f:conditions":{".":{},
        "k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},
        "f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{},
        "f:readyReplicas":{},"f:replicas":{},"f:updatedReplicas":{}}})
}

#[test]
fn fields_v1_round_trips_real_samples() {
    for sample in [apply_sample(), controller_sample()] {
        let set = FieldSet::from_fields_v1(&sample).unwrap();
        assert_eq!(set.to_fields_v1(), sample);
    }
}

#[test]
fn renders_kubernetes_style_paths() {
    let set = FieldSet::from_fields_v1(&apply_sample()).unwrap();
    let rendered: Vec<String> = set.leaves().iter().map(ToString::to_string).collect();
    assert!(rendered.contains(&".spec.replicas".to_string()));
    assert!(rendered.contains(&".spec.template.spec.containers[name=\"nginx\"].image".to_string()));
    assert!(
        rendered.contains(
            &".spec.template.spec.containers[name=\"nginx\"].ports[containerPort=80,protocol=\"TCP\"].containerPort"
                .to_string()
        )
    );
    let set_list = FieldPath(vec![
        PathElement::Field("metadata".into()),
        PathElement::Field("finalizers".into()),
        PathElement::Value(json!("x")),
    ]);
    assert_eq!(set_list.to_string(), ".metadata.finalizers[=\"x\"]");
}

#[test]
fn malformed_fields_v1_is_an_error() {
    assert!(FieldSet::from_fields_v1(&json!([])).is_err());
    assert!(FieldSet::from_fields_v1(&json!({"x:y": {}})).is_err());
    assert!(FieldSet::from_fields_v1(&json!({"f:a": 1})).is_err());
    assert!(FieldSet::from_fields_v1(&json!({"k:[1]": {}})).is_err());
    assert!(FieldSet::from_fields_v1(&json!({"i:x": {}})).is_err());
}

#[test]
fn fields_of_a_deployment() {
    let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "u",
            "labels": {"app": "web"}, "finalizers": ["x"]},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "web", "image": "nginx",
                "args": ["a"], "ports": [{"containerPort": 80}]}]}}},
        "status": {"replicas": 2}});
    let set = fields_of(&obj, deploy_ty());
    let expected = json!({"f:metadata": {"f:finalizers": {"v:\"x\"": {}}, "f:labels": {"f:app": {}}},
        "f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {"f:spec": {"f:containers": {
            "k:{\"name\":\"web\"}": {".": {}, "f:args": {}, "f:image": {}, "f:name": {},
                "f:ports": {"k:{\"containerPort\":80}": {".": {}, "f:containerPort": {}}}}}}}}});
    assert_eq!(set.to_fields_v1(), expected);
}

#[test]
fn fields_of_untyped_objects_tracks_map_keys_and_atomic_lists() {
    let obj = json!({"apiVersion": "x/v1", "kind": "W", "spec": {"a": {"b": 1}, "l": [1, 2], "e": {}}});
    let set = fields_of(&obj, None);
    assert_eq!(set.to_fields_v1(), json!({"f:spec": {"f:a": {"f:b": {}}, "f:e": {}, "f:l": {}}}));
}

#[test]
fn set_algebra() {
    let a = FieldSet::from_fields_v1(&json!({"f:a": {}, "f:b": {"f:c": {}}})).unwrap();
    let b = FieldSet::from_fields_v1(&json!({"f:b": {"f:c": {}, "f:d": {}}})).unwrap();
    assert_eq!(a.union(&b).to_fields_v1(), json!({"f:a": {}, "f:b": {"f:c": {}, "f:d": {}}}));
    assert_eq!(a.difference(&b).to_fields_v1(), json!({"f:a": {}}));
    assert_eq!(a.intersection(&b).to_fields_v1(), json!({"f:b": {"f:c": {}}}));
    assert!(a.difference(&a).is_empty());
}

#[test]
fn lookup_follows_keys_and_values() {
    let obj = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
    let path = FieldPath(vec![
        PathElement::Field("spec".into()),
        PathElement::Field("containers".into()),
        PathElement::from_key("k:{\"name\":\"b\"}").unwrap(),
        PathElement::Field("image".into()),
    ]);
    assert_eq!(path.lookup(&obj), Some(&json!("y")));
}
