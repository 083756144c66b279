use super::*;
use crate::kustomize::config::TransformerConfig;
use crate::kustomize::transform::oracle;

const RESOURCES: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
      containers:
      - name: a
        image: nginx
      - name: b
        image: nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      - name: c
        image: nginx-other:1.0
      - name: d
        image: docker.io/library/nginx:1.0
      - name: e
        image: localhost:5000/app:v1
---
apiVersion: example.com/v1
kind: Workflow
metadata:
  name: wf
spec:
  steps:
  - containers:
    - name: s
      image: busybox
";

#[test]
fn images_match_kustomize() {
    let kustomization = "resources: [resources.yaml]
images:
- name: nginx
  newTag: '1.27'
- name: busybox
  newName: registry.example.com/busybox
  digest: sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
- name: localhost:5000/app
  newName: localhost:5000/app2
  newTag: v2
  digest: sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
";
    let expected = oracle::kustomize(RESOURCES, kustomization).unwrap();
    let mut res = oracle::resources(RESOURCES);
    let images = vec![
        Image { name: "nginx".into(), new_tag: "1.27".into(), ..Image::default() },
        Image {
            name: "busybox".into(),
            new_name: "registry.example.com/busybox".into(),
            digest: format!("sha256:{}", "a".repeat(64)),
            ..Image::default()
        },
        Image {
            name: "localhost:5000/app".into(),
            new_name: "localhost:5000/app2".into(),
            new_tag: "v2".into(),
            digest: format!("sha256:{}", "b".repeat(64)),
        },
    ];
    apply(&mut res, &images, &TransformerConfig::builtin().images, "kustomization.yaml").unwrap();
    oracle::assert_same(&res, &expected);
}

#[test]
fn split_separates_port_tag_and_digest() {
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(split("nginx"), s("nginx", "", ""));
    assert_eq!(split("localhost:5000/app:v1"), s("localhost:5000/app", "v1", ""));
    assert_eq!(split("app@sha256:abc"), s("app", "", "sha256:abc"));
    assert_eq!(split("r.io/app:1@sha256:abc"), s("r.io/app", "1", "sha256:abc"));
}
