use std::collections::BTreeMap;

use super::*;
use crate::kustomize::config::TransformerConfig;
use crate::kustomize::transform::oracle;

const RESOURCES: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    keep: me
spec:
  template:
    spec:
      containers:
      - name: c
        image: nginx
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cj
spec:
  jobTemplate:
    spec:
      template:
        spec: {}
---
apiVersion: v1
kind: Service
metadata:
  name: s
";

#[test]
fn common_annotations_match_kustomize() {
    let expected = oracle::kustomize(
        RESOURCES,
        "resources: [resources.yaml]\ncommonAnnotations:\n  note: hello\n  count: \"3\"\n",
    )
    .unwrap();
    let mut res = oracle::resources(RESOURCES);
    let annotations: BTreeMap<String, String> =
        [("note", "hello"), ("count", "3")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    apply(&mut res, &annotations, &TransformerConfig::builtin().common_annotations, "kustomization.yaml").unwrap();
    oracle::assert_same(&res, &expected);
}
