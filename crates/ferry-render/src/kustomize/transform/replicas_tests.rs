use super::*;
use crate::kustomize::config::TransformerConfig;
use crate::kustomize::transform::{oracle, prefix_suffix};

const RESOURCES: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
";

#[test]
fn replicas_match_kustomize_after_a_prefix() {
    let expected = oracle::kustomize(
        RESOURCES,
        "resources: [resources.yaml]\nnamePrefix: p-\nreplicas:\n- name: web\n  count: 3\n- name: db\n  count: 2\n",
    )
    .unwrap();
    let mut res = oracle::resources(RESOURCES);
    let cfg = TransformerConfig::builtin();
    prefix_suffix::apply(&mut res, "p-", "", &cfg.name_prefix, "kustomization.yaml").unwrap();
    let replicas = vec![Replica { name: "web".into(), count: 3 }, Replica { name: "db".into(), count: 2 }];
    apply(&mut res, &replicas, &cfg.replicas, "kustomization.yaml").unwrap();
    oracle::assert_same(&res, &expected);
}

#[test]
fn a_name_matching_nothing_is_an_error() {
    let kustomization = "resources: [resources.yaml]\nreplicas:\n- name: nope\n  count: 3\n";
    assert!(oracle::kustomize(RESOURCES, kustomization).is_err());
    let mut res = oracle::resources(RESOURCES);
    let err =
        apply(&mut res, &[Replica { name: "nope".into(), count: 3 }], &TransformerConfig::builtin().replicas, "k.yaml")
            .unwrap_err();
    assert!(err.to_string().contains("resource with name nope does not match"), "{err}");
}
