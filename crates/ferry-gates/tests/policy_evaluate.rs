//! PolicySet evaluation end to end: loading a directory, match criteria, parameters, enforcement
//! actions, operations and the inventory.

use std::path::{Path, PathBuf};

use ferry_gates::policy::{EnforcementAction, Inventory, Operation, PolicySet, RegoVersion, ReviewRequest};
use serde_json::{Value, json};

fn library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/policy/library")
}

/// The first twelve library folders, the ones these expectations were written for (the library
/// grows; its own suites check the others).
const BASE: [&str; 12] = [
    "allowedrepos",
    "blocknodeport",
    "blockwildcardingress",
    "containerlimits",
    "disallowedtags",
    "hostnamespace",
    "httpsonly",
    "privilegedcontainer",
    "replicalimits",
    "requiredlabels",
    "reservednamespace",
    "uniqueingresshost",
];

fn base_library() -> PolicySet {
    let mut set = PolicySet::default();
    for folder in BASE {
        let part = PolicySet::load_dir(&library().join(folder)).unwrap();
        part.templates().for_each(|t| set.add_template(t.clone()).unwrap());
        part.constraints().iter().for_each(|c| set.add_constraint(c.clone()).unwrap());
    }
    set
}

fn pod(name: &str, namespace: &str, image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace},
           "spec": {"containers": [{"name": "app", "image": image, "securityContext": {"privileged": true}}]}})
}

#[test]
fn a_directory_loads_every_template_and_constraint() {
    let set = PolicySet::load_dir(&library()).unwrap();
    assert!(set.templates().count() >= 12);
    let set = base_library();
    assert_eq!(set.templates().count(), 12);
    assert!(set.constraints().len() >= 13);
    let v1: Vec<&str> = set.templates().filter(|t| t.rego_version() == RegoVersion::V1).map(|t| t.name()).collect();
    assert_eq!(v1, ["k8spsphostnamespace"]);
}

#[test]
fn a_pod_is_judged_by_every_matching_constraint_with_its_action() {
    let set = base_library();
    let review = ReviewRequest::from_object(pod("web", "default", "docker.io/nginx:latest"), Operation::Create);
    let violations = set.evaluate(&review, &Inventory::default()).unwrap();
    let mut constraints: Vec<&str> = violations.iter().map(|v| v.constraint.as_str()).collect();
    constraints.sort_unstable();
    constraints.dedup();
    assert_eq!(
        constraints,
        [
            "container-image-must-not-have-latest-tag",
            "container-must-have-limits",
            "psp-privileged-container",
            "repo-is-registry",
            "team-label"
        ]
    );
    assert!(violations.iter().all(|v| v.enforcement_action == EnforcementAction::Deny));
    let labels = violations.iter().find(|v| v.constraint == "team-label").unwrap();
    assert_eq!(labels.details, Some(json!({"missing_labels": ["team"]})));
    assert_eq!(labels.template_kind, "K8sRequiredLabels");
}

#[test]
fn excluded_namespaces_and_cluster_scope_select_what_is_judged() {
    let set = base_library();
    let review = ReviewRequest::from_object(pod("web", "kube-system", "docker.io/nginx:latest"), Operation::Create);
    let violations = set.evaluate(&review, &Inventory::default()).unwrap();
    assert!(
        violations.iter().all(|v| v.constraint != "psp-privileged-container" && v.constraint != "repo-is-registry")
    );

    let namespace =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-new", "labels": {"team": "a"}}});
    let review = ReviewRequest::from_object(namespace, Operation::Create);
    let violations = set.evaluate(&review, &Inventory::default()).unwrap();
    let reserved: Vec<_> = violations.iter().filter(|v| v.constraint == "reserved-prefixes").collect();
    assert_eq!(reserved.len(), 1);
    assert_eq!(reserved[0].enforcement_action, EnforcementAction::Warn);
    assert!(violations.iter().any(|v| v.constraint == "all-must-have-owner"));
}

#[test]
fn a_delete_is_reviewed_with_the_old_object() {
    let set = base_library();
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"}, "spec": {"type": "NodePort"}});
    let review = ReviewRequest::from_object(service, Operation::Delete);
    assert_eq!(review.to_input()["operation"], "DELETE");
    assert_eq!(review.to_input()["oldObject"]["spec"]["type"], "NodePort");
    let violations = set.evaluate(&review, &Inventory::default()).unwrap();
    assert!(violations.iter().any(|v| v.constraint == "block-node-port"));
}

#[test]
fn the_inventory_is_what_unique_host_checks_against() {
    let set = PolicySet::load_dir(&library().join("uniqueingresshost")).unwrap();
    let ingress = |name: &str, ns: &str| {
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name, "namespace": ns},
               "spec": {"rules": [{"host": "shop.example.com"}]}})
    };
    let review = ReviewRequest::from_object(ingress("new", "a"), Operation::Create);
    assert!(set.evaluate(&review, &Inventory::default()).unwrap().is_empty());
    let inventory = Inventory::from_objects(&[ingress("old", "b")]);
    let violations = set.evaluate(&review, &inventory).unwrap();
    assert_eq!(violations.len(), 1);
    assert!(violations[0].msg.contains("shop.example.com"), "{}", violations[0]);
}
