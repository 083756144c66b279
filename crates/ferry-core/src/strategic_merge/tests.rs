//! Strategic merge patch cases modelled on what `kubectl patch` and `kubectl apply` send.

use serde_json::{Value, json};

use super::{PatchError, strategic_merge};
use crate::schema::{TypeRef, builtin};

fn deploy() -> Option<TypeRef<'static>> {
    builtin().root("apps", "v1", "Deployment")
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"},
                     "finalizers": ["a", "b"]},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [
                    {"name": "web", "image": "nginx:1.25", "args": ["-x", "-y"],
                     "ports": [{"containerPort": 80, "protocol": "TCP"}],
                     "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
                    {"name": "sidecar", "image": "envoy:1"}],
                    "volumes": [{"name": "data", "emptyDir": {}}]}}}
    })
}

fn patch(p: Value) -> Value {
    strategic_merge(&deployment(), &p, deploy()).unwrap()
}

fn containers(v: &Value) -> &Vec<Value> {
    v["spec"]["template"]["spec"]["containers"].as_array().unwrap()
}

fn names(list: &[Value]) -> Vec<&str> {
    list.iter().map(|c| c["name"].as_str().unwrap()).collect()
}

#[test]
fn maps_merge_and_null_deletes() {
    let out = patch(json!({"metadata": {"labels": {"tier": null, "env": "prod"}}}));
    assert_eq!(out["metadata"]["labels"], json!({"app": "web", "env": "prod"}));
    assert_eq!(out["spec"]["replicas"], 2);
}

#[test]
fn container_merged_by_name_keeps_other_fields() {
    let out = patch(json!({"spec": {"template": {"spec": {"containers": [
        {"name": "web", "image": "nginx:1.26"}]}}}}));
    let c = containers(&out);
    assert_eq!(names(c), ["web", "sidecar"]);
    assert_eq!(c[0]["image"], "nginx:1.26");
    assert_eq!(c[0]["ports"][0]["containerPort"], 80);
    assert_eq!(c[1]["image"], "envoy:1");
}

#[test]
fn new_container_goes_first_like_kubectl_patch() {
    // kubernetes.io "Update API objects in place using kubectl patch": the patched
    // container appears before the existing one.
    let out = patch(json!({"spec": {"template": {"spec": {"containers": [
        {"name": "redis", "image": "redis"}]}}}}));
    assert_eq!(names(containers(&out)), ["redis", "web", "sidecar"]);
}

#[test]
fn env_and_ports_merge_by_their_keys() {
    let out = patch(json!({"spec": {"template": {"spec": {"containers": [
        {"name": "web", "env": [{"name": "B", "value": "3"}],
         "ports": [{"containerPort": 443}]}]}}}}));
    let c = &containers(&out)[0];
    // Live-only A came before B in the live list, so it stays first.
    assert_eq!(c["env"], json!([{"name": "A", "value": "1"}, {"name": "B", "value": "3"}]));
    let ports: Vec<i64> = c["ports"].as_array().unwrap().iter().map(|p| p["containerPort"].as_i64().unwrap()).collect();
    assert_eq!(ports, [443, 80]);
}

#[test]
fn list_without_merge_strategy_is_replaced() {
    let out = patch(json!({"spec": {"template": {"spec": {"containers": [
        {"name": "web", "args": ["-z"]}]}}}}));
    assert_eq!(containers(&out)[0]["args"], json!(["-z"]));
}

#[test]
fn primitive_merge_list_is_unioned() {
    let out = patch(json!({"metadata": {"finalizers": ["b", "c"]}}));
    assert_eq!(out["metadata"]["finalizers"], json!(["a", "b", "c"]));
}

#[test]
fn delete_from_primitive_list() {
    let out = patch(json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}));
    assert_eq!(out["metadata"]["finalizers"], json!(["b"]));
}

#[test]
fn delete_list_element_by_merge_key() {
    let out = patch(json!({"spec": {"template": {"spec": {"containers": [
        {"name": "sidecar", "$patch": "delete"}]}}}}));
    assert_eq!(names(containers(&out)), ["web"]);
}

#[test]
fn replace_directive_in_list() {
    let out = patch(json!({"spec": {"template": {"spec": {"containers": [
        {"$patch": "replace"}, {"name": "only", "image": "busybox"}]}}}}));
    assert_eq!(containers(&out), &vec![json!({"name": "only", "image": "busybox"})]);
}

#[test]
fn replace_directive_on_map() {
    let out = patch(json!({"metadata": {"labels": {"$patch": "replace", "new": "x"}}}));
    assert_eq!(out["metadata"]["labels"], json!({"new": "x"}));
}

#[test]
fn delete_directive_on_map_empties_it() {
    let out = patch(json!({"spec": {"selector": {"$patch": "delete"}}}));
    assert_eq!(out["spec"]["selector"], json!({}));
}

#[test]
fn merge_directive_is_a_no_op() {
    let out = patch(json!({"metadata": {"labels": {"$patch": "merge", "new": "x"}}}));
    assert_eq!(out["metadata"]["labels"]["app"], "web");
    assert_eq!(out["metadata"]["labels"]["new"], "x");
}

#[test]
fn kubectl_three_way_apply_patch() {
    let p = json!({"metadata": {"annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"kind\":\"Deployment\"}"}},
        "spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "web"}],
            "containers": [{"image": "nginx:1.26", "name": "web"}]}}}});
    let out = patch(p);
    let c = containers(&out);
    assert_eq!(names(c), ["web", "sidecar"]);
    assert_eq!(c[0]["image"], "nginx:1.26");
    assert!(out["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"].is_string());
    assert!(!out.to_string().contains('$'));
}

#[test]
fn set_element_order_reorders() {
    let p = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "web"}]}}}});
    assert_eq!(names(containers(&patch(p))), ["sidecar", "web"]);
}

#[test]
fn set_element_order_interleaves_server_only_items() {
    let live = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "a"}, {"name": "injected"}, {"name": "b"}]}}}});
    let p = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
        "containers": [{"name": "c", "image": "x"}]}}}});
    let out = strategic_merge(&live, &p, deploy()).unwrap();
    assert_eq!(names(containers(&out)), ["a", "injected", "b", "c"]);
}

#[test]
fn three_way_removal_of_container_and_env() {
    let p = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "web"}],
        "containers": [{"name": "web",
            "$setElementOrder/env": [{"name": "A"}],
            "env": [{"name": "B", "$patch": "delete"}]},
            {"name": "sidecar", "$patch": "delete"}]}}}});
    let out = patch(p);
    assert_eq!(names(containers(&out)), ["web"]);
    assert_eq!(containers(&out)[0]["env"], json!([{"name": "A", "value": "1"}]));
}

#[test]
fn retain_keys_drops_unlisted_fields() {
    let live = json!({"spec": {"strategy": {"type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1}}}});
    let p = json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}});
    let out = strategic_merge(&live, &p, deploy()).unwrap();
    assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn retain_keys_rejects_unlisted_patch_field() {
    let p = json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}});
    let err = strategic_merge(&deployment(), &p, deploy()).unwrap_err();
    assert!(matches!(err, PatchError::NotRetained { .. }), "{err}");
}

#[test]
fn volumes_merge_by_name() {
    let out = patch(json!({"spec": {"template": {"spec": {"volumes": [
        {"name": "cache", "emptyDir": {"medium": "Memory"}}]}}}}));
    let vols = out["spec"]["template"]["spec"]["volumes"].as_array().unwrap();
    assert_eq!(names(vols), ["cache", "data"]);
}

#[test]
fn missing_merge_key_names_the_path() {
    let err = strategic_merge(
        &deployment(),
        &json!({"spec": {"template": {"spec": {
        "containers": [{"name": "web"}, {"image": "x"}]}}}}),
        deploy(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "spec.template.spec.containers[1]: missing merge key \"name\"");
}

#[test]
fn unknown_directives_are_errors() {
    let err = strategic_merge(&deployment(), &json!({"metadata": {"$bogus": 1}}), deploy());
    assert!(matches!(err, Err(PatchError::UnknownDirective { .. })));
    let err = strategic_merge(&deployment(), &json!({"$patch": "explode"}), deploy());
    assert!(matches!(err, Err(PatchError::UnknownDirective { .. })));
}

#[test]
fn patch_must_be_an_object() {
    assert!(matches!(strategic_merge(&deployment(), &json!([1]), deploy()), Err(PatchError::PatchNotAnObject { .. })));
    assert!(matches!(strategic_merge(&json!("x"), &json!({}), deploy()), Err(PatchError::OriginalNotAnObject { .. })));
}

#[test]
fn untyped_merges_maps_and_replaces_lists() {
    let live = json!({"spec": {"a": {"b": 1}, "items": [{"name": "x", "v": 1}]}});
    let p = json!({"spec": {"a": {"c": 2}, "items": [{"name": "y"}]}});
    let out = strategic_merge(&live, &p, None).unwrap();
    assert_eq!(out, json!({"spec": {"a": {"b": 1, "c": 2}, "items": [{"name": "y"}]}}));
}

#[test]
fn new_values_are_stripped_of_directives_and_nulls() {
    let p = json!({"spec": {"template": {"spec": {"affinity": {
        "nodeAffinity": null, "podAffinity": {"$patch": "merge"}}}}}});
    let out = patch(p);
    assert_eq!(out["spec"]["template"]["spec"]["affinity"], json!({"podAffinity": {}}));
}

#[test]
fn service_ports_merge_by_port() {
    let svc = builtin().root("", "v1", "Service");
    let live = json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}],
        "selector": {"app": "web", "old": "x"}}});
    let p = json!({"spec": {"ports": [{"port": 80, "targetPort": 9090}]}});
    let out = strategic_merge(&live, &p, svc).unwrap();
    assert_eq!(out["spec"]["ports"], json!([{"port": 80, "targetPort": 9090}]));
}

#[test]
fn type_mismatch_replaces() {
    let live = json!({"metadata": {"labels": "oops"}});
    let out = strategic_merge(&live, &json!({"metadata": {"labels": {"a": "b"}}}), deploy());
    assert_eq!(out.unwrap()["metadata"]["labels"], json!({"a": "b"}));
}

#[test]
fn arbitrary_input_does_not_panic() {
    let odd = [
        json!(null),
        json!(1),
        json!([]),
        json!({"$patch": 3}),
        json!({"metadata": {"$setElementOrder/finalizers": 1}}),
        json!({"metadata": {"$setElementOrder/finalizers": [{"a": 1}]}}),
        json!({"metadata": {"finalizers": [{"a": 1}, "x"]}}),
        json!({"spec": {"template": {"spec": {"containers": [1, 2]}}}}),
        json!({"spec": {"template": {"spec": {"containers": [[1]]}}}}),
        json!({"metadata": {"$retainKeys": "x"}}),
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": {}}}),
    ];
    for p in odd {
        let _ = strategic_merge(&deployment(), &p, deploy());
        let _ = strategic_merge(&p, &deployment(), deploy());
    }
}
