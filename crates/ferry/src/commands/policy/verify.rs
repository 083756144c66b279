//! `ferry policy verify PATH`: gator suites run and printed as `gator verify` prints them — a
//! line per suite (`ok` or `FAIL`), failing tests and cases with their reasons, every test and
//! case with `-v`, and `PASS` or `FAIL` at the end.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ferry_gates::policy::suite::{self, Outcome, SuiteReport, TestReport};

use crate::commands::Exit;

/// Runs the suites under `path` (one file, or a directory searched recursively).
pub fn run(path: &Path, verbose: bool) -> anyhow::Result<Exit> {
    let path = strip_ellipsis(path);
    let reports = if path.is_file() {
        vec![suite::verify_suite(&path)]
    } else if path.is_dir() {
        suite::verify_dir(&path).with_context(|| format!("looking for suites under {}", path.display()))?
    } else {
        bail!("{}: no such file or directory", path.display());
    };
    if reports.is_empty() {
        bail!("{}: no gator suite found (kind: Suite, apiVersion: test.gatekeeper.sh/v1alpha1)", path.display());
    }
    print!("{}", render(&reports, verbose));
    if reports.iter().all(|r| r.error.is_some()) {
        bail!("no suite under {} could be loaded", path.display());
    }
    Ok(if reports.iter().all(SuiteReport::passed) { Exit::Success } else { Exit::Problem })
}

/// gator's `DIR/...` (recursive) is what a directory means here anyway.
fn strip_ellipsis(path: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    match text.strip_suffix("/...") {
        Some("") => PathBuf::from("/"),
        Some(dir) => PathBuf::from(dir),
        None if text == "..." => PathBuf::from("."),
        None => path.to_path_buf(),
    }
}

/// The whole output, in gator's layout.
pub fn render(reports: &[SuiteReport], verbose: bool) -> String {
    let mut out = String::new();
    for report in reports {
        for test in &report.tests {
            render_test(&mut out, test, verbose);
        }
        match (&report.error, report.passed()) {
            (Some(error), _) => _ = writeln!(out, "FAIL\t{}\n  {error}", report.path.display()),
            (None, true) => _ = writeln!(out, "ok\t{}", report.path.display()),
            (None, false) => _ = writeln!(out, "FAIL\t{}", report.path.display()),
        }
    }
    out.push_str(if reports.iter().all(SuiteReport::passed) { "PASS\n" } else { "FAIL\n" });
    out
}

fn render_test(out: &mut String, test: &TestReport, verbose: bool) {
    let skipped = !test.cases.is_empty() && test.cases.iter().all(|c| c.outcome == Outcome::Skip);
    if verbose && skipped {
        _ = writeln!(out, "=== SKIP  {}", test.name);
        return;
    }
    if verbose {
        _ = writeln!(out, "=== RUN   {}", test.name);
    }
    for case in &test.cases {
        match &case.outcome {
            Outcome::Skip if verbose => _ = writeln!(out, "    === SKIP  {}", case.name),
            Outcome::Skip => {}
            Outcome::Pass if verbose => _ = writeln!(out, "    === RUN   {0}\n    --- PASS: {0}", case.name),
            Outcome::Pass => {}
            Outcome::Fail(reason) => {
                if verbose {
                    _ = writeln!(out, "    === RUN   {}", case.name);
                }
                _ = writeln!(out, "    --- FAIL: {}\n        {reason}", case.name);
            }
        }
    }
    match &test.error {
        Some(error) => _ = writeln!(out, "--- FAIL: {}\n  {error}", test.name),
        None if !test.passed() => _ = writeln!(out, "--- FAIL: {}", test.name),
        None if verbose => _ = writeln!(out, "--- PASS: {}", test.name),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use ferry_gates::policy::suite::CaseReport;

    use super::*;

    fn case(name: &str, outcome: Outcome) -> CaseReport {
        CaseReport { name: name.into(), outcome }
    }

    fn sample() -> Vec<SuiteReport> {
        let test = TestReport {
            name: "labels".into(),
            error: None,
            cases: vec![case("allowed", Outcome::Pass), case("denied", Outcome::Fail("got 0 violations".into()))],
        };
        vec![SuiteReport { path: "suite.yaml".into(), error: None, tests: vec![test] }]
    }

    #[test]
    fn failures_are_printed_with_their_reasons_and_passes_only_when_verbose() {
        let quiet = render(&sample(), false);
        assert_eq!(quiet, "    --- FAIL: denied\n        got 0 violations\n--- FAIL: labels\nFAIL\tsuite.yaml\nFAIL\n");
        let verbose = render(&sample(), true);
        assert!(verbose.starts_with("=== RUN   labels\n    === RUN   allowed\n    --- PASS: allowed\n"), "{verbose}");
    }

    #[test]
    fn a_trailing_ellipsis_means_the_directory() {
        assert_eq!(strip_ellipsis(Path::new("policies/...")), PathBuf::from("policies"));
        assert_eq!(strip_ellipsis(Path::new("...")), PathBuf::from("."));
        assert_eq!(strip_ellipsis(Path::new("suite.yaml")), PathBuf::from("suite.yaml"));
    }
}
