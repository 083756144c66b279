//! The outcome of applying a policy to findings for one environment: counts, violated limits,
//! what was suppressed, and suppressions that have expired; readable by people and as JSON.

use std::fmt;

use serde::Serialize;

use super::finding::Finding;
use super::severity::Severity;
use super::suppression::ExpiredSuppression;
use super::thresholds::Threshold;

/// How many findings there are of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// CRITICAL.
    pub critical: u32,
    /// HIGH.
    pub high: u32,
    /// MEDIUM.
    pub medium: u32,
    /// LOW.
    pub low: u32,
    /// NEGLIGIBLE.
    pub negligible: u32,
    /// UNKNOWN.
    pub unknown: u32,
}

impl SeverityCounts {
    /// The count for `severity`.
    pub fn get(&self, severity: Severity) -> u32 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Negligible => self.negligible,
            Severity::Unknown => self.unknown,
        }
    }

    /// Counts `findings`.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> SeverityCounts {
        let mut counts = SeverityCounts::default();
        for finding in findings {
            let slot = match finding.severity {
                Severity::Critical => &mut counts.critical,
                Severity::High => &mut counts.high,
                Severity::Medium => &mut counts.medium,
                Severity::Low => &mut counts.low,
                Severity::Negligible => &mut counts.negligible,
                Severity::Unknown => &mut counts.unknown,
            };
            *slot += 1;
        }
        counts
    }

    /// The total.
    pub fn total(&self) -> u32 {
        Severity::ALL.iter().map(|&severity| self.get(severity)).sum()
    }
}

/// Counts of the findings that are not suppressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Those with a fixed version.
    pub fixable: SeverityCounts,
    /// All of them.
    pub all: SeverityCounts,
}

/// A limit the findings exceed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Which limit.
    pub threshold: Threshold,
    /// The severity it counts.
    pub severity: Severity,
    /// How many findings count against it.
    pub found: u32,
    /// How many it allows.
    pub allowed: u32,
    /// The findings counted, as `ID package@version`.
    pub findings: Vec<String>,
}

/// The vulnerability gate's verdict for one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The environment judged.
    pub environment: String,
    /// Whether no limit is exceeded.
    pub passed: bool,
    /// Whether only fixable findings counted against the limits.
    pub fixable_only: bool,
    /// Counts of the findings that are not suppressed.
    pub counts: Counts,
    /// The limits exceeded.
    pub violations: Vec<Violation>,
    /// The findings that are not suppressed, most severe first.
    pub findings: Vec<Finding>,
    /// The suppressed findings (by a report's VEX or ignore rule, or by the policy), each with its reason.
    pub suppressed: Vec<Finding>,
    /// Suppressions of the policy that have expired and no longer suppress.
    pub expired_suppressions: Vec<ExpiredSuppression>,
}

impl fmt::Display for Verdict {
    /// A summary for a terminal or a pull-request comment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = if self.passed { "passed" } else { "FAILED" };
        let scope = if self.fixable_only { " (fixable findings only)" } else { "" };
        writeln!(f, "vulnerabilities in {}: {outcome}{scope}", self.environment)?;
        let counts: Vec<String> = Severity::ALL
            .iter()
            .filter(|&&s| self.counts.all.get(s) > 0)
            .map(|&s| format!("{} {} ({} fixable)", self.counts.all.get(s), s, self.counts.fixable.get(s)))
            .collect();
        let counts = if counts.is_empty() { "none".to_owned() } else { counts.join(", ") };
        writeln!(f, "  findings: {counts}")?;
        for violation in &self.violations {
            writeln!(
                f,
                "  violation: {}: {} found, {} allowed: {}",
                violation.threshold.as_str(),
                violation.found,
                violation.allowed,
                violation.findings.join(", ")
            )?;
        }
        for finding in &self.suppressed {
            writeln!(f, "  suppressed: {finding}")?;
        }
        for expired in &self.expired_suppressions {
            let s = &expired.suppression;
            let package = s.package.as_deref().map(|p| format!(" in {p}")).unwrap_or_default();
            writeln!(
                f,
                "  expired suppression: {}{package} expired {} ({} finding(s) count again): {}",
                s.id, s.expires, expired.matched, s.reason
            )?;
        }
        Ok(())
    }
}
