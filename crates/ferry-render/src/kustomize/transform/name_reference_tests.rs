use super::*;
use crate::kustomize::config::TransformerConfig;
use crate::kustomize::transform::{namespace, oracle, prefix_suffix};

const RESOURCES: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: config
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
---
apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: admin
rules:
- apiGroups: ['']
  resources: [configmaps]
  resourceNames: [config, unrelated]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
- kind: ServiceAccount
  name: runner
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: admins
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: admin
subjects:
- kind: ServiceAccount
  name: runner
  namespace: default
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: runner
      volumes:
      - name: c
        configMap:
          name: config
      - name: d
        persistentVolumeClaim:
          claimName: data
      - name: p
        projected:
          sources:
          - secret:
              name: creds
      containers:
      - name: c
        image: nginx
        envFrom:
        - configMapRef:
            name: config
        env:
        - name: X
          valueFrom:
            secretKeyRef:
              name: creds
              key: k
        - name: Y
          valueFrom:
            configMapKeyRef:
              name: not-ours
              key: k
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
  - secretName: creds
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
";

fn build(prefix: &str, ns: Option<&str>) -> ResMap {
    let cfg = TransformerConfig::builtin();
    let mut res = oracle::resources(RESOURCES);
    if let Some(ns) = ns {
        namespace::apply(&mut res, ns, &cfg.namespace, "kustomization.yaml").unwrap();
    }
    prefix_suffix::apply(&mut res, prefix, "", &cfg.name_prefix, "kustomization.yaml").unwrap();
    prefix_suffix::apply(&mut res, "", "-v1", &cfg.name_suffix, "kustomization.yaml").unwrap();
    fix(&mut res, &cfg.name_reference, "kustomization.yaml").unwrap();
    res
}

#[test]
fn references_follow_prefix_and_suffix_like_kustomize() {
    let expected =
        oracle::kustomize(RESOURCES, "resources: [resources.yaml]\nnamePrefix: p-\nnameSuffix: -v1\n").unwrap();
    oracle::assert_same(&build("p-", None), &expected);
}

#[test]
fn references_follow_namespace_and_prefix_like_kustomize() {
    let expected =
        oracle::kustomize(RESOURCES, "resources: [resources.yaml]\nnamespace: prod\nnamePrefix: p-\nnameSuffix: -v1\n")
            .unwrap();
    oracle::assert_same(&build("p-", Some("prod")), &expected);
}

#[test]
fn references_to_another_namespace_are_left_alone() {
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: b\nspec:\n  volumes:\n  - name: v\n    configMap:\n      name: cm\n";
    let expected = oracle::kustomize(yaml, "resources: [resources.yaml]\nnamePrefix: x-\n").unwrap();
    let cfg = TransformerConfig::builtin();
    let mut res = oracle::resources(yaml);
    prefix_suffix::apply(&mut res, "x-", "", &cfg.name_prefix, "k.yaml").unwrap();
    fix(&mut res, &cfg.name_reference, "k.yaml").unwrap();
    oracle::assert_same(&res, &expected);
    assert_eq!(res[1].obj["spec"]["volumes"][0]["configMap"]["name"], "cm");
}
