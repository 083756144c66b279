//! What running a suite found, per test and per case, printed the way `gator verify -v` does.

use std::fmt;
use std::path::PathBuf;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every assertion held.
    Pass,
    /// An assertion failed, or the case could not run; the reason says which.
    Fail(String),
    /// The case (or its test) is marked `skip: true`.
    Skip,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// Its outcome.
    pub outcome: Outcome,
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestReport {
    /// The test's name.
    pub name: String,
    /// Why the test could not run (its template or constraint did not load), if it could not.
    pub error: Option<String>,
    /// Its cases.
    pub cases: Vec<CaseReport>,
}

/// One suite's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteReport {
    /// The suite file.
    pub path: PathBuf,
    /// Why the suite could not run (unreadable, not a Suite), if it could not.
    pub error: Option<String>,
    /// Its tests.
    pub tests: Vec<TestReport>,
}

impl TestReport {
    /// Whether the test ran and no case failed.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.cases.iter().all(|c| !matches!(c.outcome, Outcome::Fail(_)))
    }
}

impl SuiteReport {
    /// Whether the suite ran and every test passed.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.tests.iter().all(TestReport::passed)
    }

    /// Every failure as `test/case: reason` (or `test: reason`).
    pub fn failures(&self) -> Vec<String> {
        let mut out: Vec<String> = self.error.iter().map(|e| format!("{}: {e}", self.path.display())).collect();
        for test in &self.tests {
            out.extend(test.error.iter().map(|e| format!("{}: {e}", test.name)));
            for case in &test.cases {
                if let Outcome::Fail(reason) = &case.outcome {
                    out.push(format!("{}/{}: {reason}", test.name, case.name));
                }
            }
        }
        out
    }
}

impl fmt::Display for SuiteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(error) = &self.error {
            writeln!(f, "FAIL\t{}\t{error}", self.path.display())?;
            return Ok(());
        }
        for test in &self.tests {
            writeln!(f, "=== RUN   {}", test.name)?;
            for case in &test.cases {
                writeln!(f, "    === RUN   {}", case.name)?;
                match &case.outcome {
                    Outcome::Pass => writeln!(f, "    --- PASS: {}", case.name)?,
                    Outcome::Skip => writeln!(f, "    --- SKIP: {}", case.name)?,
                    Outcome::Fail(reason) => writeln!(f, "    --- FAIL: {}\n        {reason}", case.name)?,
                }
            }
            match &test.error {
                Some(error) => writeln!(f, "--- FAIL: {}\n    {error}", test.name)?,
                None if test.passed() => writeln!(f, "--- PASS: {}", test.name)?,
                None => writeln!(f, "--- FAIL: {}", test.name)?,
            }
        }
        let verdict = if self.passed() { "ok" } else { "FAIL" };
        writeln!(f, "{verdict}\t{}", self.path.display())
    }
}
