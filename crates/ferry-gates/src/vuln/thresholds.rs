//! The limits one environment puts on the findings that count, and the violations of those limits.

use serde::{Deserialize, Serialize};

use super::finding::Finding;
use super::severity::Severity;
use super::verdict::{SeverityCounts, Violation};

/// How many findings of each severity an environment allows; an absent limit allows any number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Thresholds {
    /// At most this many CRITICAL findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_critical: Option<u32>,
    /// At most this many HIGH findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_high: Option<u32>,
    /// At most this many MEDIUM findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_medium: Option<u32>,
    /// At most this many LOW findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_low: Option<u32>,
    /// Count only findings with a fixed version against the limits.
    #[serde(default)]
    pub fixable_only: bool,
    /// Fail on any finding of unknown severity (counted like the limits are).
    #[serde(default)]
    pub fail_on_unknown: bool,
}

/// A limit of [`Thresholds`], named as in the policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Threshold {
    /// `maxCritical`.
    MaxCritical,
    /// `maxHigh`.
    MaxHigh,
    /// `maxMedium`.
    MaxMedium,
    /// `maxLow`.
    MaxLow,
    /// `failOnUnknown`.
    FailOnUnknown,
}

impl Threshold {
    /// The policy field's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Threshold::MaxCritical => "maxCritical",
            Threshold::MaxHigh => "maxHigh",
            Threshold::MaxMedium => "maxMedium",
            Threshold::MaxLow => "maxLow",
            Threshold::FailOnUnknown => "failOnUnknown",
        }
    }

    /// The severity the limit counts.
    pub fn severity(self) -> Severity {
        match self {
            Threshold::MaxCritical => Severity::Critical,
            Threshold::MaxHigh => Severity::High,
            Threshold::MaxMedium => Severity::Medium,
            Threshold::MaxLow => Severity::Low,
            Threshold::FailOnUnknown => Severity::Unknown,
        }
    }
}

impl Thresholds {
    /// The limits that are set, with the number each allows.
    pub fn limits(&self) -> Vec<(Threshold, u32)> {
        let unknown = self.fail_on_unknown.then_some(0);
        [
            (Threshold::MaxCritical, self.max_critical),
            (Threshold::MaxHigh, self.max_high),
            (Threshold::MaxMedium, self.max_medium),
            (Threshold::MaxLow, self.max_low),
            (Threshold::FailOnUnknown, unknown),
        ]
        .into_iter()
        .filter_map(|(threshold, allowed)| allowed.map(|allowed| (threshold, allowed)))
        .collect()
    }

    /// The limits `findings` (unsuppressed) exceed; `counted` are their counts under `fixable_only`.
    pub fn violations(&self, findings: &[Finding], counted: &SeverityCounts) -> Vec<Violation> {
        self.limits()
            .into_iter()
            .filter(|&(threshold, allowed)| counted.get(threshold.severity()) > allowed)
            .map(|(threshold, allowed)| Violation {
                threshold,
                severity: threshold.severity(),
                found: counted.get(threshold.severity()),
                allowed,
                findings: findings
                    .iter()
                    .filter(|f| f.severity == threshold.severity() && (!self.fixable_only || f.is_fixable()))
                    .map(|f| format!("{} {}@{}", f.id, f.package, f.installed_version))
                    .collect(),
            })
            .collect()
    }
}
