//! The secrets gate: the change's files scanned with gitleaks rules. With a base, every commit
//! of the change is scanned (`git log BASE..HEAD`, plus the uncommitted working tree as one more
//! commit), so a secret added and removed again within the change is still found, as gitleaks
//! does in CI; without a base, the files of the working tree. Secrets are always redacted: a
//! check's output ends up in pull-request comments.

use std::path::Path;

use ferry_gates::secrets::{ScanOptions, ScanReport, Scanner, SecretsError};
use ferry_source::CommitId;

use super::super::finding::{Finding, Gate, Level, Location};

/// Scans the change; `base` and `head` are the sides' commits when a base was given.
pub fn scan(
    scanner: &Scanner,
    root: &Path,
    range: Option<(CommitId, CommitId)>,
) -> Result<(ScanReport, Vec<Finding>), SecretsError> {
    let options = ScanOptions { redact: 100, ..ScanOptions::default() };
    let report = match range {
        Some((base, head)) => scanner.scan_git(root, Some(&format!("{base}..{head}")), &options)?,
        None => scanner.scan_dir(root, &options)?,
    };
    let findings = report.findings.iter().map(finding_of).collect();
    Ok((report, findings))
}

pub(crate) fn finding_of(leak: &ferry_gates::secrets::Finding) -> Finding {
    let commit = if leak.commit.is_empty() {
        String::new()
    } else {
        format!(" in commit {}", &leak.commit[..leak.commit.len().min(12)])
    };
    Finding {
        gate: Gate::Secrets,
        rule: leak.rule_id.clone(),
        level: Level::Error,
        application: None,
        object: None,
        location: Some(Location { file: leak.file.clone(), line: leak.start_line.max(1) }),
        message: format!("{}{commit} (fingerprint {})", leak.description, leak.fingerprint),
    }
}
