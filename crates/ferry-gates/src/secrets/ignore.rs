//! Suppression after detection: `.gitleaksignore` fingerprints and baseline reports.

use std::collections::HashSet;
use std::path::Path;

use super::error::SecretsError;
use super::finding::Finding;

/// Fingerprints from `.gitleaksignore` files: `file:rule:line` or `commit:file:rule:line`.
#[derive(Debug, Clone, Default)]
pub struct IgnoreList {
    fingerprints: HashSet<String>,
}

impl IgnoreList {
    /// Parses `.gitleaksignore` text: one fingerprint a line, `#` comments and blank lines skipped.
    pub fn parse(text: &str) -> IgnoreList {
        let mut list = IgnoreList::default();
        list.add(text);
        list
    }

    /// Adds the fingerprints of a `.gitleaksignore` file; a missing file adds nothing.
    pub fn add_file(&mut self, path: &Path) -> Result<(), SecretsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                self.add(&text);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SecretsError::io(path, e)),
        }
    }

    fn add(&mut self, text: &str) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            // Windows paths are accepted as gitleaks accepts them: with either separator.
            self.fingerprints.insert(line.replace('\\', "/"));
        }
    }

    /// Whether the finding's global (`file:rule:line`) or commit fingerprint is listed.
    pub fn ignores(&self, finding: &Finding) -> bool {
        self.fingerprints.contains(&finding.global_fingerprint())
            || (!finding.commit.is_empty() && self.fingerprints.contains(&finding.compute_fingerprint()))
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}

/// The findings of an earlier gitleaks JSON report: a finding equal to one of them is not new.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    findings: Vec<Finding>,
}

impl Baseline {
    /// Reads a gitleaks JSON report file.
    pub fn load(path: &Path) -> Result<Baseline, SecretsError> {
        let text = std::fs::read_to_string(path).map_err(|e| SecretsError::io(path, e))?;
        Baseline::parse(&text, &path.display().to_string())
    }

    /// Reads gitleaks JSON report text (an array of findings; `null` or empty means none).
    pub fn parse(text: &str, origin: &str) -> Result<Baseline, SecretsError> {
        if text.trim().is_empty() {
            return Ok(Baseline::default());
        }
        let findings: Option<Vec<Finding>> =
            serde_json::from_str(text).map_err(|source| SecretsError::Baseline { path: origin.into(), source })?;
        Ok(Baseline { findings: findings.unwrap_or_default() })
    }

    /// A baseline made of findings already in hand.
    pub fn from_findings(findings: Vec<Finding>) -> Baseline {
        Baseline { findings }
    }

    /// Whether `finding` is in the baseline, compared field by field as gitleaks does (not by
    /// fingerprint); with redaction on, `Match` and `Secret` are not compared.
    pub fn contains(&self, finding: &Finding, redacted: bool) -> bool {
        self.findings.iter().any(|b| {
            finding.rule_id == b.rule_id
                && finding.description == b.description
                && finding.start_line == b.start_line
                && finding.end_line == b.end_line
                && finding.start_column == b.start_column
                && finding.end_column == b.end_column
                && (redacted || (finding.matched == b.matched && finding.secret == b.secret))
                && finding.file == b.file
                && finding.commit == b.commit
                && finding.author == b.author
                && finding.email == b.email
                && finding.date == b.date
                && finding.message == b.message
                && finding.entropy == b.entropy
        })
    }

    pub fn len(&self) -> usize {
        self.findings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}
