use super::*;
use crate::kustomize::config::TransformerConfig;
use crate::kustomize::transform::{oracle, prefix_suffix};

const RESOURCES: &str = "apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - port: 5432
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: c
        image: app
        command: [run, --db=$(DB_HOST):$(DB_PORT), '$$(LITERAL)', $(UNKNOWN)]
        env:
        - name: PORT
          value: $(DB_PORT)
        - name: HOST
          value: $(DB_HOST).svc
";

const VARS: &str = "vars:
- name: DB_HOST
  objref:
    apiVersion: v1
    kind: Service
    name: db
- name: DB_PORT
  objref:
    apiVersion: v1
    kind: Service
    name: db
  fieldref:
    fieldpath: spec.ports[0].port
";

fn vars() -> Vec<Var> {
    let objref = ObjRef { api_version: "v1".into(), kind: "Service".into(), name: "db".into(), ..ObjRef::default() };
    vec![
        Var { name: "DB_HOST".into(), objref: objref.clone(), fieldref: FieldRef::default() },
        Var { name: "DB_PORT".into(), objref, fieldref: FieldRef { fieldpath: "spec.ports[0].port".into() } },
    ]
}

#[test]
fn vars_match_kustomize_after_a_prefix() {
    let expected =
        oracle::kustomize(RESOURCES, &format!("resources: [resources.yaml]\nnamePrefix: p-\n{VARS}")).unwrap();
    let cfg = TransformerConfig::builtin();
    let mut res = oracle::resources(RESOURCES);
    prefix_suffix::apply(&mut res, "p-", "", &cfg.name_prefix, "kustomization.yaml").unwrap();
    bind(&mut res, &vars(), "kustomization.yaml").unwrap();
    resolve(&mut res, &vars(), &cfg.var_reference, "kustomization.yaml").unwrap();
    oracle::assert_same(&res, &expected);
}

#[test]
fn unresolvable_and_duplicate_vars_are_errors() {
    let cfg = TransformerConfig::builtin();
    let mut bad = vars();
    bad[0].objref.name = "missing".into();
    let mut res = oracle::resources(RESOURCES);
    bind(&mut res, &bad, "k.yaml").unwrap();
    let err = resolve(&mut res, &bad, &cfg.var_reference, "k.yaml").unwrap_err();
    assert!(err.to_string().contains("cannot be mapped"), "{err}");
    let mut dup = vars();
    dup[1].name = "DB_HOST".into();
    let mut res = oracle::resources(RESOURCES);
    bind(&mut res, &dup, "k.yaml").unwrap();
    let err = resolve(&mut res, &dup, &cfg.var_reference, "k.yaml").unwrap_err();
    assert!(err.to_string().contains("already encountered"), "{err}");
}

/// Two Services named alike in two namespaces: ambiguous unless the objref names the namespace.
#[test]
fn vars_bind_by_namespace_when_the_objref_has_one() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: b\n";
    let objref = |ns: &str| ObjRef {
        api_version: "v1".into(),
        kind: "Service".into(),
        name: "s".into(),
        namespace: ns.into(),
        ..ObjRef::default()
    };
    let var = |ns: &str| Var { name: format!("V{ns}"), objref: objref(ns), fieldref: FieldRef::default() };
    let mut res = oracle::resources(yaml);
    let err = bind(&mut res, &[var("")], "k.yaml").unwrap_err();
    assert!(err.to_string().contains("unable to disambiguate"), "{err}");
    bind(&mut res, &[var("b")], "k.yaml").unwrap();
    assert!(res[0].var_names.is_empty());
    assert_eq!(res[1].var_names, ["Vb"]);
}

#[test]
fn expansion_follows_kubernetes_rules() {
    let values: BTreeMap<String, Value> = [("A".to_string(), Value::from("x"))].into_iter().collect();
    assert_eq!(expand("$(A)-$(B)-$$(A)-$-$(", &values), "x-$(B)-$(A)-$-$(");
}
