//! Every suite under testdata/policy/library passes; a suite with wrong assertions fails with
//! the reasons.

use std::path::{Path, PathBuf};

use ferry_gates::policy::suite::{Outcome, verify_dir, verify_suite};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/policy").join(rel)
}

#[test]
fn every_library_suite_passes() {
    let reports = verify_dir(&testdata("library")).unwrap();
    assert!(reports.len() >= 10, "found {} suites", reports.len());
    let failures: Vec<String> = reports.iter().flat_map(|r| r.failures()).collect();
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    let cases: usize = reports.iter().flat_map(|r| &r.tests).map(|t| t.cases.len()).sum();
    assert!(cases >= 40, "only {cases} cases ran");
    assert!(reports.iter().flat_map(|r| &r.tests).flat_map(|t| &t.cases).all(|c| c.outcome == Outcome::Pass));
}

#[test]
fn a_wrong_assertion_is_reported_with_its_reason() {
    let report = verify_suite(&testdata("broken/wrong-assertion/suite.yaml"));
    assert!(!report.passed());
    let wrong = &report.tests[0];
    let outcome = |name: &str| wrong.cases.iter().find(|c| c.name == name).map(|c| c.outcome.clone()).unwrap();
    match outcome("allowed-said-to-violate") {
        Outcome::Fail(reason) => assert!(reason.contains("got 0 violations but want at least 1"), "{reason}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    match outcome("wrong-message") {
        Outcome::Fail(reason) => {
            assert!(
                reason.contains("got 0 violations matching message \"^LoadBalancer\" but want exactly 1"),
                "{reason}"
            );
            assert!(reason.contains("NodePort"), "the actual message is shown: {reason}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(outcome("right"), Outcome::Pass);
    let missing = &report.tests[1];
    assert!(missing.error.as_deref().is_some_and(|e| e.contains("nowhere.yaml")), "{:?}", missing.error);
    let text = report.to_string();
    assert!(text.contains("--- FAIL: allowed-said-to-violate") && text.contains("--- PASS: right"), "{text}");
    assert!(text.trim_end().ends_with(&format!("FAIL\t{}", report.path.display())), "{text}");
}

#[test]
fn a_file_that_is_not_a_suite_is_a_failed_suite() {
    let report = verify_suite(&testdata("broken/runaway/constraint.yaml"));
    assert!(!report.passed());
    assert!(report.error.as_deref().is_some_and(|e| e.contains("kind Suite")), "{:?}", report.error);
}
