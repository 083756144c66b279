//! A check's report in the forms CI systems read: Markdown for a pull-request comment, SARIF
//! 2.1.0 for code-scanning views, JUnit XML for test tabs, and a terminal summary.

pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use super::finding::Finding;

/// Where a finding is, as `file:line`, or empty.
fn place(finding: &Finding) -> String {
    finding.location.as_ref().map(|l| format!("{}:{}", l.file, l.line)).unwrap_or_default()
}
