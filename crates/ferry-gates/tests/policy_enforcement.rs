//! Enforcement points and failures of single constraints: a scoped constraint runs only where
//! its `scopedEnforcementActions` say, with the actions they give; one constraint that errors
//! or runs away is reported on its own while the others are still evaluated, at the gator point
//! (`evaluate_at`) and at the admission webhook.

use std::time::Duration;

use ferry_gates::admission::{FailurePolicy, Validator};
use ferry_gates::policy::{
    EnforcementAction, EnforcementPoint, Inventory, Operation, PolicyError, PolicySet, ReviewRequest,
};
use serde_json::{Value, json};

/// A template of kind `kind` whose violation rule is `rego_body` (Rego v0, one body).
fn template(kind: &str, rego_body: &str) -> Value {
    let package = kind.to_lowercase();
    json!({
        "apiVersion": "templates.gatekeeper.sh/v1",
        "kind": "ConstraintTemplate",
        "metadata": {"name": package},
        "spec": {
            "crd": {"spec": {"names": {"kind": kind}}},
            "targets": [{"target": "admission.k8s.gatekeeper.sh", "rego": format!("package {package}\n{rego_body}\n")}]
        }
    })
}

fn constraint(kind: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": kind, "metadata": {"name": name}, "spec": spec})
}

/// Flags every Pod whose name starts with `bad`.
fn bad_name_template() -> Value {
    template(
        "K8sBadName",
        "violation[{\"msg\": msg}] {\n  startswith(input.review.object.metadata.name, \"bad\")\n  msg := \"bad name\"\n}",
    )
}

/// A function with two different results for one argument: an evaluation error in OPA and in
/// regorus, whatever the object.
fn conflicting_template() -> Value {
    template(
        "K8sConflict",
        "f(x) = 1 { x }\nf(x) = 2 { x }\nviolation[{\"msg\": msg}] {\n  f(true) > 0\n  msg := \"unreachable\"\n}",
    )
}

fn pod(name: &str) -> ReviewRequest {
    ReviewRequest::from_object(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}}),
        Operation::Create,
    )
}

fn scoped_set() -> PolicySet {
    let scoped = constraint(
        "K8sBadName",
        "scoped",
        json!({
            "enforcementAction": "scoped",
            "scopedEnforcementActions": [
                {"action": "warn", "enforcementPoints": [{"name": "validation.gatekeeper.sh"}]},
                {"action": "deny", "enforcementPoints": [{"name": "validation.gatekeeper.sh"}, {"name": "gator.gatekeeper.sh"}]}
            ]
        }),
    );
    PolicySet::from_objects(&[bad_name_template(), scoped]).unwrap()
}

#[test]
fn a_scoped_constraint_runs_only_at_the_points_it_names_with_their_actions() {
    let set = scoped_set();
    let review = pod("bad-pod");
    let inventory = Inventory::default();

    let at_webhook = set.evaluate_at(&review, &inventory, EnforcementPoint::Validation);
    assert_eq!(at_webhook.violations.len(), 1);
    let violation = &at_webhook.violations[0];
    assert_eq!(violation.enforcement_action, EnforcementAction::Deny);
    assert_eq!(violation.enforcement_actions, vec![EnforcementAction::Deny, EnforcementAction::Warn]);
    assert!(violation.has_action(EnforcementAction::Warn));

    let at_gator = set.evaluate(&review, &inventory).unwrap();
    assert_eq!(at_gator.len(), 1);
    assert_eq!(at_gator[0].enforcement_actions, vec![EnforcementAction::Deny]);

    let at_audit = set.evaluate_at(&review, &inventory, EnforcementPoint::Audit);
    assert!(at_audit.violations.is_empty() && at_audit.errors.is_empty(), "not enforced at audit");
}

#[test]
fn the_webhook_denies_and_warns_for_a_scoped_constraint_with_both_actions() {
    let validator = Validator::new(scoped_set(), Inventory::default());
    let answer = validator.review(&admission_review("bad-pod")).unwrap();
    assert_eq!(answer["response"]["allowed"], false, "{answer}");
    assert_eq!(answer["response"]["status"]["code"], 403);
    assert_eq!(answer["response"]["warnings"], json!(["[scoped] bad name"]), "{answer}");
}

#[test]
fn a_scoped_constraint_with_a_bad_point_list_is_rejected_naming_file_and_field() {
    let broken = constraint(
        "K8sBadName",
        "broken",
        json!({"enforcementAction": "scoped", "scopedEnforcementActions": [{"action": "deny", "enforcementPoints": []}]}),
    );
    let error = PolicySet::from_objects(&[bad_name_template(), broken]).unwrap_err().to_string();
    assert!(error.contains("object 1 (constraint broken)"), "{error}");
    assert!(error.contains("spec.scopedEnforcementActions[0].enforcementPoints"), "{error}");
}

fn failing_set() -> PolicySet {
    PolicySet::from_objects(&[
        conflicting_template(),
        bad_name_template(),
        constraint("K8sConflict", "conflict", json!({})),
        constraint("K8sBadName", "names", json!({})),
        constraint("K8sBadName", "names-dryrun", json!({"enforcementAction": "dryrun"})),
    ])
    .unwrap()
}

#[test]
fn one_failing_constraint_is_reported_alone_and_the_others_still_run() {
    let set = failing_set();
    let evaluation = set.evaluate_at(&pod("bad-pod"), &Inventory::default(), EnforcementPoint::Gator);
    let reported: Vec<&str> = evaluation.violations.iter().map(|v| v.constraint.as_str()).collect();
    assert_eq!(reported, ["names", "names-dryrun"]);
    assert_eq!(evaluation.errors.len(), 1);
    let failed = &evaluation.errors[0];
    assert_eq!(failed.constraint, "conflict");
    assert!(failed.denies());
    assert!(matches!(&failed.error, PolicyError::Eval { constraint, .. } if constraint == "conflict"), "{failed}");

    // The strict reading still refuses a verdict with a constraint left out.
    let error = set.evaluate(&pod("bad-pod"), &Inventory::default()).unwrap_err();
    assert!(error.to_string().starts_with("constraint conflict (template k8sconflict): evaluation failed"), "{error}");
}

#[test]
fn a_runaway_constraint_stops_at_its_limit_while_the_others_report() {
    let runaway = template(
        "K8sRunaway",
        "violation[{\"msg\": msg}] {\n  pairs := {[a, b] | a := numbers.range(1, 3000)[_]; b := numbers.range(1, 3000)[_]}\n  count(pairs) > 0\n  msg := \"late\"\n}",
    );
    let set = PolicySet::from_objects(&[
        runaway,
        bad_name_template(),
        constraint("K8sRunaway", "runaway", json!({"enforcementAction": "warn"})),
        constraint("K8sBadName", "names", json!({})),
    ])
    .unwrap()
    .with_time_limit(Duration::from_millis(100));
    let evaluation = set.evaluate_at(&pod("bad-pod"), &Inventory::default(), EnforcementPoint::Validation);
    assert_eq!(evaluation.violations.len(), 1);
    assert_eq!(evaluation.violations[0].constraint, "names");
    assert!(matches!(&evaluation.errors[..], [f] if matches!(f.error, PolicyError::TimeLimit { .. }) && !f.denies()));
}

fn admission_review(name: &str) -> Value {
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "CREATE",
                    "name": name, "namespace": "default",
                    "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}}}
    })
}

#[test]
fn the_webhook_fails_closed_for_a_failing_deny_constraint_and_keeps_other_denials() {
    let validator = Validator::new(failing_set(), Inventory::default());
    let answer = validator.review(&admission_review("bad-pod")).unwrap();
    let response = &answer["response"];
    assert_eq!(response["allowed"], false, "{answer}");
    assert_eq!(response["status"]["code"], 500);
    let message = response["status"]["message"].as_str().unwrap();
    assert!(message.starts_with("constraint conflict (template k8sconflict): evaluation failed"), "{message}");
    assert!(message.ends_with("\n[names] bad name"), "the other constraint's denial is kept: {message}");
}

#[test]
fn failing_open_still_denies_what_the_other_constraints_deny() {
    let validator = Validator::new(failing_set(), Inventory::default()).with_failure_policy(FailurePolicy::Ignore);
    let denied = validator.review(&admission_review("bad-pod")).unwrap();
    assert_eq!(denied["response"]["allowed"], false, "{denied}");
    assert_eq!(denied["response"]["status"]["code"], 403);
    assert_eq!(denied["response"]["status"]["message"], "[names] bad name");
    let warning = denied["response"]["warnings"][0].as_str().unwrap();
    assert!(warning.contains("failure policy Ignore") && warning.contains("conflict"), "{warning}");

    let admitted = validator.review(&admission_review("good-pod")).unwrap();
    assert_eq!(admitted["response"]["allowed"], true, "{admitted}");
    assert_eq!(admitted["response"]["status"]["code"], 299);
}
