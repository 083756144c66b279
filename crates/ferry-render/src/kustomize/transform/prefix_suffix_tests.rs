use super::*;
use crate::kustomize::config::TransformerConfig;
use crate::kustomize::transform::oracle;

const RESOURCES: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.example.com
---
apiVersion: v1
kind: Namespace
metadata:
  name: team
";

#[test]
fn prefix_and_suffix_match_kustomize() {
    let expected =
        oracle::kustomize(RESOURCES, "resources: [resources.yaml]\nnamePrefix: p-\nnameSuffix: -s\n").unwrap();
    let mut res = oracle::resources(RESOURCES);
    let cfg = TransformerConfig::builtin();
    apply(&mut res, "p-", "", &cfg.name_prefix, "kustomization.yaml").unwrap();
    apply(&mut res, "", "-s", &cfg.name_suffix, "kustomization.yaml").unwrap();
    oracle::assert_same(&res, &expected);
    assert_eq!(res[0].previous.first().map(|id| id.name.as_str()), Some("cm"));
    assert!(res[1].previous.is_empty(), "CRDs keep their name and id");
}
