use super::*;
use crate::kustomize::config::TransformerConfig;
use crate::kustomize::transform::oracle;

const RESOURCES: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
---
apiVersion: v1
kind: Secret
metadata:
  name: s
  namespace: other
---
apiVersion: v1
kind: Namespace
metadata:
  name: old
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cr
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: r
subjects:
- kind: ServiceAccount
  name: default
- kind: ServiceAccount
  name: app
  namespace: elsewhere
- kind: User
  name: jane
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1.example.com
spec:
  service:
    name: api
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: hook
webhooks:
- name: a.example.com
  clientConfig:
    service:
      name: svc
      namespace: system
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
";

#[test]
fn namespace_matches_kustomize() {
    let expected = oracle::kustomize(RESOURCES, "resources: [resources.yaml]\nnamespace: prod\n").unwrap();
    let mut res = oracle::resources(RESOURCES);
    apply(&mut res, "prod", &TransformerConfig::builtin().namespace, "kustomization.yaml").unwrap();
    oracle::assert_same(&res, &expected);
    let cm = &res[0];
    assert_eq!(cm.previous.first().map(|id| id.namespace.as_str()), Some(""));
}

#[test]
fn namespace_transformer_options_match_kustomize() {
    for (mode, unset_only, subjects) in [
        ("allServiceAccounts", false, SubjectMode::AllServiceAccounts),
        ("none", true, SubjectMode::None),
        ("defaultOnly", true, SubjectMode::DefaultOnly),
    ] {
        let plugin = format!(
            "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: ns\n  namespace: prod\nunsetOnly: {unset_only}\nsetRoleBindingSubjects: {mode}\nfieldSpecs:\n- path: metadata/namespace\n  create: true\n"
        );
        let expected = oracle::kustomize_files(&[
            ("resources.yaml", RESOURCES),
            ("ns.yaml", &plugin),
            ("kustomization.yaml", "resources: [resources.yaml]\ntransformers: [ns.yaml]\n"),
        ])
        .unwrap();
        let mut res = oracle::resources(RESOURCES);
        let fs = vec![FieldSpec::any("metadata/namespace", true)];
        apply_with(&mut res, "prod", &fs, Options { unset_only, subjects }, "ns.yaml").unwrap();
        oracle::assert_same(&res, &expected);
    }
}

#[test]
fn namespace_conflict_is_an_error() {
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: b\n";
    assert!(oracle::kustomize(yaml, "resources: [resources.yaml]\nnamespace: prod\n").is_err());
    let mut res = oracle::resources(yaml);
    let err = apply(&mut res, "prod", &TransformerConfig::builtin().namespace, "kustomization.yaml").unwrap_err();
    assert!(matches!(err, KustomizeError::Conflict { .. }), "{err}");
}

#[test]
fn bad_subject_mode_names_the_field() {
    let err = SubjectMode::parse("ns.yaml", "some").unwrap_err();
    assert!(err.to_string().contains("setRoleBindingSubjects"), "{err}");
}
