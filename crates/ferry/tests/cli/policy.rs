//! `ferry policy verify` (gator suites) and `ferry policy eval` (objects against a policy
//! directory) through the real binary: output, and exit codes 0 (pass), 1 (a failed assertion,
//! a deny violation), 2 (nothing could be loaded).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry")).args(args).output().expect("running ferry")
}

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-gates/testdata/policy").join(rel)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating a directory");
    std::fs::write(path, text).expect("writing a file");
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Every suite of the policy library passes: one `ok` line per suite, then `PASS`.
#[test]
fn verify_passes_the_policy_library() {
    let out = ferry(&["policy", "verify", arg(&testdata("library"))]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let ok_lines = stdout.lines().filter(|l| l.starts_with("ok\t") && l.ends_with("suite.yaml")).count();
    assert!(ok_lines >= 12, "{stdout}");
    assert!(!stdout.contains("FAIL") && stdout.ends_with("PASS\n"), "{stdout}");
}

/// A suite with wrong assertions fails (exit 1), each failing case printed with its reason, a
/// test whose template is missing names the file; `-v` lists the passing case too.
#[test]
fn verify_reports_failed_assertions_with_their_reasons() {
    let suite = testdata("broken/wrong-assertion/suite.yaml");
    let out = ferry(&["policy", "verify", arg(&suite)]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("    --- FAIL: allowed-said-to-violate\n        got 0 violations but want at least 1"));
    assert!(stdout.contains("--- FAIL: wrong-message") && stdout.contains("^LoadBalancer"), "{stdout}");
    assert!(stdout.contains("--- FAIL: missing-template") && stdout.contains("nowhere.yaml"), "{stdout}");
    assert!(!stdout.contains("--- PASS: right"), "passing cases are listed only with -v: {stdout}");
    assert!(stdout.ends_with("FAIL\n"));

    let verbose = ferry(&["policy", "verify", "-v", arg(&suite)]);
    let stdout = text(&verbose.stdout);
    assert_eq!(verbose.status.code(), Some(1));
    assert!(stdout.contains("=== RUN   node-port-wrong") && stdout.contains("    --- PASS: right"), "{stdout}");
}

/// Nothing to run is not a pass: a directory without suites, or a file that is not one, exits 2.
#[test]
fn verify_without_a_loadable_suite_exits_2() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(&tmp.path().join("empty/readme.yaml"), "kind: ConfigMap\napiVersion: v1\n");
    let out = ferry(&["policy", "verify", arg(&tmp.path().join("empty"))]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("no gator suite found"), "{}", text(&out.stderr));

    let not_suite = ferry(&["policy", "verify", arg(&tmp.path().join("empty/readme.yaml"))]);
    assert_eq!(not_suite.status.code(), Some(2), "{}", text(&not_suite.stdout));
    assert!(text(&not_suite.stdout).contains("kind"), "{}", text(&not_suite.stdout));
}

/// A policy directory with the required-labels template and a constraint on Namespaces.
fn labels_policy(dir: &Path, action: &str) {
    let template = std::fs::read_to_string(testdata("library/requiredlabels/template.yaml")).expect("the template");
    write(&dir.join("templates/requiredlabels.yaml"), &template);
    let constraint = format!(
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n  name: ns-must-have-owner\n\
         spec:\n  enforcementAction: {action}\n  match:\n    kinds:\n    - apiGroups: [\"\"]\n      kinds: [Namespace]\n  \
         parameters:\n    labels:\n    - key: owner\n"
    );
    write(&dir.join("constraints/owner.yaml"), &constraint);
}

const NAMESPACES: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    owner: alice\n\
    ---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-b\n";

/// A deny violation fails the evaluation (exit 1) and names the object and constraint; the
/// same violation under `warn` is printed but passes.
#[test]
fn eval_fails_on_a_deny_violation_only() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let policies = tmp.path().join("policies");
    labels_policy(&policies, "deny");
    let objects = tmp.path().join("namespaces.yaml");
    write(&objects, NAMESPACES);
    let out = ferry(&["policy", "eval", "--policies", arg(&policies), arg(&objects)]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let row = stdout.lines().find(|l| l.starts_with("Namespace/team-b")).expect("a row for team-b");
    assert!(row.contains("ns-must-have-owner") && row.contains("deny") && row.contains("owner"), "{row}");
    assert!(!stdout.contains("team-a"), "{stdout}");

    let json = ferry(&["policy", "eval", "--policies", arg(&policies), arg(&objects), "-o", "json"]);
    let rows: Vec<Value> = serde_json::from_slice(&json.stdout).expect("a JSON array");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["object"], "Namespace/team-b");
    assert_eq!(rows[0]["enforcementAction"], "deny");
    assert_eq!(rows[0]["constraintKind"], "K8sRequiredLabels");

    labels_policy(&policies, "warn");
    let warned = ferry(&["policy", "eval", "--policies", arg(&policies), arg(&objects)]);
    assert_eq!(warned.status.code(), Some(0), "{}", text(&warned.stderr));
    assert!(text(&warned.stdout).contains("warn"));
}

/// Every given object is in the inventory: two Ingresses in separate files claiming one host
/// each violate the unique-host policy.
#[test]
fn eval_uses_all_given_objects_as_the_inventory() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let policies = tmp.path().join("policies");
    let template = std::fs::read_to_string(testdata("library/uniqueingresshost/template.yaml")).expect("template");
    write(&policies.join("template.yaml"), &template);
    let constraint = std::fs::read_to_string(testdata("library/uniqueingresshost/samples/unique-host/constraint.yaml"))
        .expect("constraint");
    write(&policies.join("constraint.yaml"), &constraint);
    let ingress = |name: &str, ns: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: {ns}\n\
             spec:\n  rules:\n  - host: shop.example.com\n"
        )
    };
    let (a, b) = (tmp.path().join("a.yaml"), tmp.path().join("b.yaml"));
    write(&a, &ingress("web", "team-a"));
    write(&b, &ingress("shop", "team-b"));
    let alone = ferry(&["policy", "eval", "--policies", arg(&policies), arg(&a)]);
    assert_eq!(alone.status.code(), Some(0), "{}{}", text(&alone.stdout), text(&alone.stderr));
    let both = ferry(&["policy", "eval", "--policies", arg(&policies), arg(&a), arg(&b), "-o", "json"]);
    assert_eq!(both.status.code(), Some(1), "{}", text(&both.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&both.stdout).expect("a JSON array");
    let objects: Vec<&str> = rows.iter().filter_map(|r| r["object"].as_str()).collect();
    assert_eq!(objects, ["Ingress/team-a/web", "Ingress/team-b/shop"]);
}

/// A policy directory without constraints would check nothing: exit 2, saying so.
#[test]
fn eval_without_constraints_exits_2() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let objects = tmp.path().join("ns.yaml");
    write(&objects, NAMESPACES);
    std::fs::create_dir_all(tmp.path().join("policies")).expect("a policy dir");
    let out = ferry(&["policy", "eval", "--policies", arg(&tmp.path().join("policies")), arg(&objects)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no Constraints found"), "{}", text(&out.stderr));
}

/// An AdmissionReview is reviewed as its request: an UPDATE of a Service to NodePort is denied.
#[test]
fn eval_reviews_an_admission_review_as_its_request() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let policies = tmp.path().join("policies");
    let sample = testdata("library/blocknodeport/samples/block-node-port");
    let template = std::fs::read_to_string(testdata("library/blocknodeport/template.yaml")).expect("template");
    write(&policies.join("template.yaml"), &template);
    let constraint = std::fs::read_to_string(sample.join("constraint.yaml")).expect("constraint");
    write(&policies.join("constraint.yaml"), &constraint);
    let review = sample.join("admission_review_update.yaml");
    let out = ferry(&["policy", "eval", "--policies", arg(&policies), arg(&review), "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["object"].as_str().is_some_and(|o| o.starts_with("Service/")), "{rows:?}");
    assert!(rows[0]["message"].as_str().is_some_and(|m| m.contains("NodePort")), "{rows:?}");
}

/// A constraint whose policy fails is a row of its own (`error: true`), the other constraints
/// still report, and a failing `deny` constraint fails the command (exit 1).
#[test]
fn eval_reports_a_failing_constraint_on_its_own_row() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let template = |kind: &str, body: &str| {
        format!(
            "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: {}\nspec:\n  crd:\n    spec:\n      names:\n        kind: {kind}\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package {}\n{body}",
            kind.to_lowercase(),
            kind.to_lowercase()
        )
    };
    let conflict =
        "        f(x) = 1 { x }\n        f(x) = 2 { x }\n        violation[{\"msg\": \"never\"}] { f(true) > 0 }\n";
    let always = "        violation[{\"msg\": \"seen\"}] { input.review.object.kind == \"ConfigMap\" }\n";
    write(&dir.path().join("policies/conflict.yaml"), &template("K8sConflict", conflict));
    write(&dir.path().join("policies/always.yaml"), &template("K8sAlways", always));
    let constraints = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sConflict\nmetadata:\n  name: broken\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAlways\nmetadata:\n  name: seen\nspec:\n  enforcementAction: warn\n";
    write(&dir.path().join("policies/constraints.yaml"), constraints);
    let object = dir.path().join("cm.yaml");
    write(&object, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\n");
    let out = ferry(&["policy", "eval", "--policies", arg(&dir.path().join("policies")), arg(&object), "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}{}", text(&out.stdout), text(&out.stderr));
    let rows: Value = serde_json::from_slice(&out.stdout).expect("JSON rows");
    assert_eq!(rows[0]["constraint"], "seen");
    assert_eq!(rows[0]["message"], "seen");
    assert_eq!(rows[1]["constraint"], "broken");
    assert_eq!(rows[1]["error"], true);
    assert_eq!(rows[1]["enforcementAction"], "deny");
    assert!(rows[1]["message"].as_str().unwrap().starts_with("not evaluated: constraint broken"), "{rows}");
}
