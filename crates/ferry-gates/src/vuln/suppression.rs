//! Suppressions a policy grants: a vulnerability (optionally in one package or version, optionally in
//! some environments) that does not count until a date.

use serde::{Deserialize, Serialize};

use super::date::Date;
use super::finding::Finding;

/// One suppression from a policy's `spec.suppressions`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Suppression {
    /// The vulnerability id (compared case-insensitively).
    pub id: String,
    /// Only in this package, as the scanner or its ecosystem spells it (any package when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Only at this installed version (any version when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The last day the suppression holds.
    pub expires: Date,
    /// Why the vulnerability does not matter here (kept for the audit trail).
    pub reason: String,
    /// Only in these environments (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<String>,
}

/// A suppression that has expired, and how many findings it would otherwise have suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiredSuppression {
    /// The suppression.
    #[serde(flatten)]
    pub suppression: Suppression,
    /// How many findings it matches (and now count again).
    pub matched: usize,
}

impl Suppression {
    /// Whether it applies to `environment`.
    pub fn applies_to(&self, environment: &str) -> bool {
        self.environments.is_empty() || self.environments.iter().any(|e| e == environment)
    }

    /// Whether it still holds on `today` (it holds through its `expires` day).
    pub fn is_active(&self, today: Date) -> bool {
        today <= self.expires
    }

    /// Whether it names `finding`.
    pub fn matches(&self, finding: &Finding) -> bool {
        self.id.eq_ignore_ascii_case(&finding.id)
            && self.package.as_ref().is_none_or(|p| *p == finding.package || *p == finding.package_key())
            && self.version.as_ref().is_none_or(|v| *v == finding.installed_version)
    }

    /// The reason a suppressed finding carries.
    pub fn describe(&self) -> String {
        format!("policy: {} (until {})", self.reason, self.expires)
    }
}
