//! Bad input to the policy engine: Rego that does not parse, a policy that runs away, constraints
//! that do not fit their templates, a namespace selector without its Namespace.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ferry_gates::policy::{Constraint, Inventory, Operation, PolicyError, PolicySet, ReviewRequest, Template};
use serde_json::{Value, json};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/policy").join(rel)
}

fn yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(testdata(rel)).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[test]
fn rego_that_does_not_parse_names_the_template_and_line() {
    let error = Template::parse(&yaml("broken/bad-rego/template.yaml"), "template.yaml").unwrap_err();
    match &error {
        PolicyError::RegoParse { template, module, line, .. } => {
            assert_eq!(template, "k8sbroken");
            assert_eq!(module, "rego");
            // The unclosed `sprintf(` on line 5 is found when the body's `}` on line 6 arrives.
            assert!((5..=6).contains(line), "line {line}");
        }
        other => panic!("expected a parse error, got {other}"),
    }
    assert!(error.to_string().starts_with("template k8sbroken: rego does not parse: line "), "{error}");
}

#[test]
fn a_lib_that_does_not_parse_is_named_by_its_index() {
    let mut template = yaml("library/disallowedtags/template.yaml");
    template["spec"]["targets"][0]["libs"] =
        json!(["package lib.ok\nx := 1\n", "package lib.bad\n\nf(x) {\n  x ==\n}\n"]);
    let error = Template::parse(&template, "t.yaml").unwrap_err();
    assert!(matches!(&error, PolicyError::RegoParse { module, line: 3..=5, .. } if module == "libs[1]"), "{error}");
}

#[test]
fn a_runaway_policy_is_stopped_at_its_time_limit_and_reported() {
    let set = PolicySet::from_objects(&[yaml("broken/runaway/template.yaml"), yaml("broken/runaway/constraint.yaml")])
        .unwrap()
        .with_time_limit(Duration::from_millis(200));
    let review = ReviewRequest::from_object(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}),
        Operation::Create,
    );
    let started = Instant::now();
    let error = set.evaluate(&review, &Inventory::default()).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert!(matches!(error, PolicyError::TimeLimit { ref constraint, .. } if constraint == "runaway"), "{error}");
    assert!(error.to_string().contains("stopped at its time limit of 200ms"), "{error}");
}

#[test]
fn a_template_without_the_admission_target_or_a_violation_rule_is_rejected() {
    let mut template = yaml("library/blocknodeport/template.yaml");
    template["spec"]["targets"][0]["target"] = json!("audit.example");
    let error = Template::parse(&template, "t.yaml").unwrap_err().to_string();
    assert!(error.contains("spec.targets") && error.contains("admission.k8s.gatekeeper.sh"), "{error}");

    let mut template = yaml("library/blocknodeport/template.yaml");
    template["spec"]["targets"][0]["rego"] = json!("package k8sblocknodeport\ndeny[msg] { msg := \"x\" }\n");
    let error = Template::parse(&template, "t.yaml").unwrap_err().to_string();
    assert!(error.contains("no `violation` rule"), "{error}");
}

#[test]
fn a_template_name_must_be_its_kind_in_lowercase() {
    let mut template = yaml("library/blocknodeport/template.yaml");
    template["metadata"]["name"] = json!("block-nodeport");
    let error = Template::parse(&template, "t.yaml").unwrap_err().to_string();
    assert!(error.contains("metadata.name") && error.contains("k8sblocknodeport"), "{error}");
}

#[test]
fn a_constraint_without_a_template_or_with_a_bad_field_names_it() {
    let template = yaml("library/blocknodeport/template.yaml");
    let orphan = json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sNothing", "metadata": {"name": "orphan"}});
    let error = PolicySet::from_objects(&[template.clone(), orphan]).unwrap_err().to_string();
    assert_eq!(error, "constraint orphan: no ConstraintTemplate defines kind K8sNothing");

    let bad = json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sBlockNodePort", "metadata": {"name": "c"},
                     "spec": {"enforcementAction": "block", "match": {"scope": "Cluster"}}});
    let error = Constraint::parse(&bad, "c.yaml").unwrap_err().to_string();
    assert!(error.contains("c.yaml (constraint c): field `spec.enforcementAction`"), "{error}");

    let error = PolicySet::from_objects(&[template.clone(), template]).unwrap_err().to_string();
    assert!(error.contains("kind K8sBlockNodePort is already defined"), "{error}");
}

#[test]
fn a_namespace_selector_needs_the_namespace_in_the_inventory() {
    let set = PolicySet::load_dir(&testdata("library/blockwildcardingress")).unwrap();
    let ingress = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "w", "namespace": "ghost"},
                         "spec": {"rules": [{"host": "*.x"}]}});
    let review = ReviewRequest::from_object(ingress, Operation::Create);
    let error = set.evaluate(&review, &Inventory::default()).unwrap_err().to_string();
    assert!(error.contains("needs the Namespace `ghost`"), "{error}");
}

/// Parameters are checked against the template's schema as the API server checks a constraint
/// against the CRD Gatekeeper makes of the template: wrong types and values outside an enum are
/// errors naming the constraint and the field; unknown fields pass (the API server prunes them).
#[test]
fn constraint_parameters_must_match_the_template_schema() {
    let mut set = PolicySet::default();
    set.add_template(Template::parse(&yaml("library/requiredlabels/template.yaml"), "template.yaml").unwrap()).unwrap();
    let constraint = |parameters: Value| {
        let object = json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sRequiredLabels",
            "metadata": {"name": "need-owner"}, "spec": {"parameters": parameters}});
        Constraint::parse(&object, "constraint.yaml").unwrap()
    };
    set.clone().add_constraint(constraint(json!({"labels": [{"key": "owner"}], "extra": true}))).unwrap();
    let error = set.clone().add_constraint(constraint(json!({"labels": "owner"}))).unwrap_err();
    assert!(matches!(&error, PolicyError::Parameters { constraint, .. } if constraint == "need-owner"), "{error}");
    let text = error.to_string();
    assert!(text.contains("spec.parameters.labels") && text.contains("expected array"), "{text}");
    let error = set.add_constraint(constraint(json!({"labels": [{"key": 7}]}))).unwrap_err();
    assert!(error.to_string().contains("spec.parameters.labels[0].key"), "{error}");
}

#[test]
fn a_template_whose_parameter_schema_is_unusable_is_refused() {
    let mut template = yaml("library/requiredlabels/template.yaml");
    template["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"]["properties"]["labels"]["type"] = json!("list");
    let error = PolicySet::default().add_template(Template::parse(&template, "template.yaml").unwrap()).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("template k8srequiredlabels: "), "{text}");
    assert!(text.contains("spec.crd.spec.validation.openAPIV3Schema.properties.labels.type"), "{text}");
}
