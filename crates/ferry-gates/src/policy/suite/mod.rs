//! `gator verify` for Ferry: finds Suite files, runs each test's template and constraint on each
//! case's object (with its inventory), and checks the assertions.
//!
//! Paths in a suite are relative to the suite's file. A case's object file holds one object or
//! one AdmissionReview; inventory files may hold several objects each.

mod report;
mod spec;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use report::{CaseReport, Outcome, SuiteReport, TestReport};
pub use spec::{Assertion, CaseSpec, Expected, SUITE_GROUP, SuiteSpec, TestSpec, is_suite};

use super::error::PolicyError;
use super::inventory::Inventory;
use super::policy_set::{PolicySet, yaml_files};
use super::review::{Operation, ReviewRequest};
use super::violation::Violation;
use super::yaml::{read_documents, read_single};
use super::{Constraint, Template};

/// Runs every suite under `dir` (files holding a `kind: Suite` document), in path order.
pub fn verify_dir(dir: &Path) -> Result<Vec<SuiteReport>, PolicyError> {
    let mut reports = Vec::new();
    for path in yaml_files(dir)? {
        // A file that is not YAML cannot be a suite; only a file named like one is reported.
        let is_suite_file = match read_documents(&path) {
            Ok(docs) => docs.iter().any(is_suite),
            Err(_) => path.file_name().is_some_and(|n| n == "suite.yaml"),
        };
        if is_suite_file {
            reports.push(verify_suite(&path));
        }
    }
    Ok(reports)
}

/// Runs the suite in the file at `path`. Problems are reported, not returned: a suite that does
/// not load is a failed suite.
pub fn verify_suite(path: &Path) -> SuiteReport {
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let origin = path.display().to_string();
    let spec = read_documents(path).and_then(|docs| match docs.iter().find(|d| is_suite(d)) {
        Some(doc) => SuiteSpec::parse(doc, &origin),
        None => Err(PolicyError::field(&origin, "kind", "no document with kind Suite (test.gatekeeper.sh/v1alpha1)")),
    });
    match spec {
        Ok(spec) => {
            let tests = spec.tests.iter().map(|test| run_test(&base, test)).collect();
            SuiteReport { path: path.to_path_buf(), error: None, tests }
        }
        Err(error) => SuiteReport { path: path.to_path_buf(), error: Some(error.to_string()), tests: Vec::new() },
    }
}

fn run_test(base: &Path, test: &TestSpec) -> TestReport {
    let skipped = |case: &CaseSpec| CaseReport { name: case.name.clone(), outcome: Outcome::Skip };
    if test.skip {
        return TestReport { name: test.name.clone(), error: None, cases: test.cases.iter().map(skipped).collect() };
    }
    let set = match load_policy(base, test) {
        Ok(set) => set,
        Err(error) => return TestReport { name: test.name.clone(), error: Some(error.to_string()), cases: Vec::new() },
    };
    let cases = test
        .cases
        .iter()
        .map(|case| match case.skip {
            true => skipped(case),
            false => CaseReport { name: case.name.clone(), outcome: run_case(base, &set, case) },
        })
        .collect();
    TestReport { name: test.name.clone(), error: None, cases }
}

fn load_policy(base: &Path, test: &TestSpec) -> Result<PolicySet, PolicyError> {
    let template_path = base.join(&test.template);
    let template = Template::parse(&read_single(&template_path)?, &template_path.display().to_string())?;
    let constraint_path = base.join(&test.constraint);
    let constraint = Constraint::parse(&read_single(&constraint_path)?, &constraint_path.display().to_string())?;
    let mut set = PolicySet::default();
    set.add_template(template)?;
    set.add_constraint(constraint)?;
    Ok(set)
}

fn run_case(base: &Path, set: &PolicySet, case: &CaseSpec) -> Outcome {
    let violations = match review_case(base, set, case) {
        Ok(violations) => violations,
        Err(error) => return Outcome::Fail(error.to_string()),
    };
    for assertion in &case.assertions {
        if let Some(reason) = check(assertion, &violations) {
            return Outcome::Fail(reason);
        }
    }
    Outcome::Pass
}

fn review_case(base: &Path, set: &PolicySet, case: &CaseSpec) -> Result<Vec<Violation>, PolicyError> {
    let object = read_single(&base.join(&case.object))?;
    let review = if object.get("kind").and_then(Value::as_str) == Some("AdmissionReview") {
        ReviewRequest::from_admission_review(&object)?
    } else {
        ReviewRequest::from_object(object, Operation::Create)
    };
    let mut objects = Vec::new();
    for file in &case.inventory {
        objects.extend(read_documents(&base.join(file))?);
    }
    set.evaluate(&review, &Inventory::from_objects(&objects))
}

/// Why `assertion` fails on `violations`, or `None` when it holds.
pub fn check(assertion: &Assertion, violations: &[Violation]) -> Option<String> {
    let counted = violations.iter().filter(|v| assertion.message.as_ref().is_none_or(|re| re.is_match(&v.msg))).count();
    let holds = match assertion.violations {
        Expected::AtLeastOne => counted > 0,
        Expected::None => counted == 0,
        Expected::Exactly(n) => counted == n,
    };
    if holds {
        return None;
    }
    let want = match assertion.violations {
        Expected::AtLeastOne => "at least 1".to_owned(),
        Expected::None => "none".to_owned(),
        Expected::Exactly(n) => format!("exactly {n}"),
    };
    let filter =
        assertion.message.as_ref().map(|re| format!(" matching message {:?}", re.as_str())).unwrap_or_default();
    let messages: Vec<&str> = violations.iter().map(|v| v.msg.as_str()).collect();
    Some(format!("got {counted} violations{filter} but want {want}; messages: {messages:?}"))
}

/// The suite files under `dir`, for callers that list before running.
pub fn suite_files(dir: &Path) -> Result<Vec<PathBuf>, PolicyError> {
    Ok(yaml_files(dir)?.into_iter().filter(|p| read_documents(p).is_ok_and(|docs| docs.iter().any(is_suite))).collect())
}
