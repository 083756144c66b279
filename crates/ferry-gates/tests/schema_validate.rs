//! Schema validation against the embedded Kubernetes schemas and CRDs: objects that a real API
//! server accepts pass, and each kind of mistake is reported at its field.

use ferry_gates::schema::{SchemaError, SchemaOptions, SchemaProblem, SchemaValidator, SchemaViolation};
use serde_json::{Value, json};

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("test YAML parses")
}

fn validator(version: &str, strict: bool) -> SchemaValidator {
    SchemaValidator::new(version, SchemaOptions { strict, ..SchemaOptions::default() }).expect("version embedded")
}

/// `field: message` for each violation, to compare whole results.
fn lines(violations: &[SchemaViolation]) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

const DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app.kubernetes.io/name: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80, name: http}]
        resources: {limits: {cpu: 500m, memory: 128Mi}, requests: {cpu: 0.25}}
        readinessProbe: {httpGet: {path: /, port: http}}
"#;

#[test]
fn common_kinds_are_valid_in_strict_mode() {
    let v = validator("1.32", true);
    let objects = [
        DEPLOYMENT,
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: '0 3 * * *'\n  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: job, image: busybox, args: [date]}]}}}}",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {password: aHVudGVyMg==}\nstringData: {token: abc}",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 5}",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, creationTimestamp: '2024-05-01T10:00:00Z'}",
    ];
    for text in objects {
        let found = v.validate(&yaml(text));
        assert!(found.is_empty(), "{text}\n{:?}", lines(&found));
    }
}

#[test]
fn a_wrong_type_names_the_field_and_both_types() {
    let mut object = yaml(DEPLOYMENT);
    object["spec"]["replicas"] = json!("3");
    let found = validator("1.32", false).validate(&object);
    assert_eq!(lines(&found), ["spec.replicas: expected integer, got string"]);
    assert_eq!(found[0].problem, SchemaProblem::WrongType { expected: "integer".into(), found: "string".into() });
}

#[test]
fn unknown_fields_fail_only_in_strict_mode() {
    let mut object = yaml(DEPLOYMENT);
    object["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = json!("Always");
    assert!(validator("1.32", false).validate(&object).is_empty());
    let found = validator("1.32", true).validate(&object);
    assert_eq!(lines(&found), ["spec.template.spec.containers[0].imagePullPolicyy: unknown field"]);
    assert_eq!(found[0].problem, SchemaProblem::UnknownField);
}

#[test]
fn a_container_without_a_name_misses_a_required_field() {
    let mut object = yaml(DEPLOYMENT);
    object["spec"]["template"]["spec"]["containers"][0].as_object_mut().expect("a map").remove("name");
    let found = validator("1.32", false).validate(&object);
    assert_eq!(lines(&found), ["spec.template.spec.containers[0].name: required field is missing"]);
}

#[test]
fn int32_overflow_and_int_or_string() {
    let mut object = yaml(DEPLOYMENT);
    object["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = json!(4_294_967_296_i64);
    object["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = json!(true);
    let found = validator("1.32", false).validate(&object);
    assert_eq!(
        lines(&found),
        [
            "spec.strategy.rollingUpdate.maxSurge: expected string or integer, got boolean",
            "spec.template.spec.containers[0].ports[0].containerPort: expected a 32-bit integer (-2147483648 to 2147483647)",
        ]
    );
    assert_eq!(found[1].problem, SchemaProblem::OutOfRange);
}

#[test]
fn secret_values_never_appear_in_messages() {
    let object = yaml(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: 'hunter2 not base64!'}\nstringData: {token: [s3cr3t-value]}",
    );
    let found = validator("1.32", true).validate(&object);
    assert_eq!(found.len(), 2, "{:?}", lines(&found));
    for text in lines(&found) {
        assert!(!text.contains("hunter2") && !text.contains("s3cr3t"), "{text}");
    }
    assert_eq!(found[0].field, "data.password");
    assert_eq!(found[0].problem, SchemaProblem::Format);
}

#[test]
fn removed_apis_are_missing_in_later_versions() {
    let hpa = yaml(
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}",
    );
    assert!(validator("1.25", true).validate(&hpa).is_empty());
    let found = validator("v1.26.0", true).validate(&hpa);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].problem, SchemaProblem::MissingSchema);
    assert!(found[0].message.contains("autoscaling/v2beta2 HorizontalPodAutoscaler"), "{}", found[0].message);
    let cronjob = yaml(
        "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec: {schedule: '@daily', jobTemplate: {}}",
    );
    assert_eq!(validator("1.25", false).validate(&cronjob)[0].problem, SchemaProblem::MissingSchema);
    let ignoring = SchemaOptions { ignore_missing_schemas: true, ..SchemaOptions::default() };
    assert!(SchemaValidator::new("1.30", ignoring).expect("1.30").validate(&cronjob).is_empty());
}

#[test]
fn skipped_kinds_are_not_validated() {
    let bad = yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: many}");
    for skip in ["Deployment", "apps/v1/Deployment"] {
        let options = SchemaOptions { skip_kinds: vec![skip.into()], ..SchemaOptions::default() };
        assert!(SchemaValidator::new("1.32", options).expect("1.32").validate(&bad).is_empty(), "{skip}");
    }
    assert!(!validator("1.32", false).validate(&bad).is_empty());
}

#[test]
fn objects_without_apiversion_or_kind_are_violations() {
    let found = validator("1.32", false).validate(&json!({"metadata": {"name": "x"}}));
    assert_eq!(lines(&found), ["apiVersion: required field is missing", "kind: required field is missing"]);
    let found = validator("1.32", false).validate(&json!(["not", "an", "object"]));
    assert_eq!(lines(&found), ["expected a Kubernetes object, got array"]);
}

#[test]
fn unknown_versions_list_the_available_ones() {
    let error = SchemaValidator::new("1.19", SchemaOptions::default()).expect_err("1.19 is not embedded");
    assert!(matches!(error, SchemaError::UnknownVersion { .. }));
    let text = error.to_string();
    assert!(text.contains("\"1.19\"") && text.contains("1.25") && text.contains("1.37"), "{text}");
    assert_eq!(SchemaValidator::available_versions().len(), 13);
    assert_eq!(validator("v1.37.2", false).kubernetes_version(), "1.37");
}

#[test]
fn deeply_nested_values_stop_at_the_depth_limit() {
    // A value 10,000 levels deep where the schema does not follow it: one type error.
    let nested = nest(json!("leaf"), |inner| map([("a", inner)]));
    let mut config_map = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "deep"}});
    config_map["metadata"]["annotations"] = nested;
    let found = validator("1.32", true).validate(&config_map);
    assert_eq!(lines(&found), ["metadata.annotations.a: expected string, got object"]);
    // A CRD whose schema nests 10,000 levels: JSONSchemaProps is recursive, so the walk follows
    // it until the depth limit; registering it fails on the schema depth limit.
    let schema =
        nest(json!({"type": "string"}), |inner| map([("type", json!("object")), ("properties", map([("a", inner)]))]));
    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = schema;
    let mut v = validator("1.32", true);
    let found = v.validate(&crd);
    assert_eq!(found.len(), 1, "{:?}", found.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert_eq!(found[0].problem, SchemaProblem::TooDeep);
    let error = v.add_crd(&crd).expect_err("too deep to register").to_string();
    assert!(error.contains("schema nested deeper than"), "{error}");
    // Dropping a 10,000-level value recurses in serde_json; keep both off the test's stack.
    std::mem::forget(crd);
    std::mem::forget(config_map);
}

/// `leaf` wrapped 10,000 times by `wrap`, built by moving values (`json!` would re-serialize
/// the inner value at every level, recursively).
fn nest(leaf: Value, wrap: impl Fn(Value) -> Value) -> Value {
    (0..10_000).fold(leaf, |inner, _| wrap(inner))
}

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn widget_crd() -> Value {
    yaml(
        r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: string, enum: [small, large]}
              replicas: {type: integer, minimum: 1, maximum: 10}
              port: {x-kubernetes-int-or-string: true}
              name: {type: string, pattern: '^[a-z]+$', maxLength: 8}
              tags: {type: array, items: {type: string}, uniqueItems: true, maxItems: 3}
              limits: {type: object, additionalProperties: {type: integer}}
              cores: {type: number, multipleOf: 0.5}
              hosts: {type: array, items: {type: string}, x-kubernetes-list-type: set}
              routes:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items: {type: object, properties: {name: {type: string}, weight: {type: integer}}}
              nested:
                type: object
                properties:
                  inner: {type: object, properties: {flag: {type: boolean}}}
              free: {type: object, x-kubernetes-preserve-unknown-fields: true}
              template: {type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}
  - name: v0
    served: false
    storage: false
"#,
    )
}

#[test]
fn custom_resources_follow_their_crd() {
    let mut v = validator("1.32", true);
    assert!(SchemaValidator::is_crd(&widget_crd()));
    assert!(v.validate(&widget_crd()).is_empty(), "the CRD itself is a valid object");
    v.add_crd(&widget_crd()).expect("the Widget CRD registers");
    let good = yaml(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {a: b}}\nspec:\n  size: small\n  replicas: 3\n  port: http\n  name: abc\n  tags: [a, b]\n  limits: {cpu: 2}\n  cores: 1.5\n  hosts: [a, b]\n  routes: [{name: a, weight: 1}, {name: b, weight: 1}]\n  nested: {inner: {flag: true}}\n  free: {anything: [1, {goes: here}]}\n  template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {}}",
    );
    assert!(v.validate(&good).is_empty(), "{:?}", lines(&v.validate(&good)));
    let bad = yaml(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labelz: {}}\nspec:\n  size: medium\n  replicas: 0\n  port: 1.5\n  name: ABCDEFGHIJ\n  tags: [a, a, b, c]\n  limits: {cpu: two}\n  cores: 0.7\n  hosts: [a, b, a]\n  routes: [{name: a, weight: 1}, {name: a, weight: 2}]\n  nested: {inner: {flag: 'true', extra: 1}}\n  template: {spec: {}}",
    );
    let mut found = lines(&v.validate(&bad));
    found.sort();
    assert_eq!(
        found,
        [
            "metadata.labelz: unknown field",
            "spec.cores: expected a multiple of 0.5",
            "spec.hosts: expected unique items; item [2] repeats an earlier one",
            "spec.limits.cpu: expected integer, got string",
            "spec.name: expected a string matching ^[a-z]+$",
            "spec.name: expected at most 8 characters",
            "spec.nested.inner.extra: unknown field",
            "spec.nested.inner.flag: expected boolean, got string",
            "spec.port: expected string or integer, got number",
            "spec.replicas: expected at least 1",
            "spec.routes: expected unique items; item [1] repeats an earlier one",
            "spec.size: expected one of \"small\" or \"large\"",
            "spec.tags: expected at most 3 items, got 4",
            "spec.tags: expected unique items; item [1] repeats an earlier one",
            "spec.template.apiVersion: required field is missing",
            "spec.template.kind: required field is missing",
        ]
    );
    let unserved = yaml("apiVersion: example.com/v0\nkind: Widget\nmetadata: {name: w}");
    assert_eq!(v.validate(&unserved)[0].problem, SchemaProblem::MissingSchema);
}

#[test]
fn a_crd_with_a_bad_schema_is_an_error_naming_it_and_the_field() {
    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["size"]["type"] =
        json!("text");
    let error = validator("1.32", false).add_crd(&crd).expect_err("`text` is not a type").to_string();
    assert_eq!(
        error,
        "CustomResourceDefinition widgets.example.com: spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.size.type: expected one of object, array, string, integer, number, boolean, null"
    );
    let mut crd = widget_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["name"]["pattern"] =
        json!("([a-z]");
    let error = validator("1.32", false).add_crd(&crd).expect_err("an unclosed group").to_string();
    assert!(error.contains("properties.name.pattern: not a valid regular expression"), "{error}");
    let error = validator("1.32", false).add_crd(&json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "x.example.com"}, "spec": {"group": "example.com", "names": {"kind": "X"}, "versions": [{"name": "v1", "served": true}]}})).expect_err("no schema").to_string();
    assert!(
        error.contains("x.example.com: spec.versions[0].schema.openAPIV3Schema: a served version needs a schema"),
        "{error}"
    );
}
