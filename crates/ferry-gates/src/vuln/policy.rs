//! The vulnerability policy file (`ferry.dev/v1alpha1` `VulnerabilityPolicy`): thresholds per
//! environment and suppressions; evaluating findings against it yields a [`Verdict`].

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::date::Date;
use super::dedupe::dedupe;
use super::error::VulnError;
use super::finding::{Finding, Status};
use super::suppression::{ExpiredSuppression, Suppression};
use super::thresholds::Thresholds;
use super::verdict::{Counts, SeverityCounts, Verdict};

/// The `apiVersion` of a policy file.
pub const API_VERSION: &str = "ferry.dev/v1alpha1";
/// The `kind` of a policy file.
pub const KIND: &str = "VulnerabilityPolicy";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PolicyFile {
    api_version: String,
    kind: String,
    #[serde(default, rename = "metadata")]
    _metadata: Option<serde::de::IgnoredAny>,
    spec: Spec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    #[serde(default)]
    environments: BTreeMap<String, Thresholds>,
    #[serde(default)]
    default: Option<Thresholds>,
    #[serde(default)]
    suppressions: Vec<Suppression>,
}

/// Thresholds per environment and suppressions, as read from a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VulnerabilityPolicy {
    /// The file (or other origin) the policy came from.
    pub origin: String,
    /// Thresholds by environment name.
    pub environments: BTreeMap<String, Thresholds>,
    /// Thresholds for environments not named in `environments`.
    pub default: Option<Thresholds>,
    /// Suppressions.
    pub suppressions: Vec<Suppression>,
}

impl VulnerabilityPolicy {
    /// Reads the policy file at `path`.
    pub fn load(path: &Path) -> Result<VulnerabilityPolicy, VulnError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| VulnError::Read { path: path.to_path_buf(), source })?;
        VulnerabilityPolicy::from_yaml(&path.display().to_string(), &text)
    }

    /// Reads a policy from YAML `text`; `origin` names it in errors.
    pub fn from_yaml(origin: &str, text: &str) -> Result<VulnerabilityPolicy, VulnError> {
        let value: Value = serde_saphyr::from_str(text).map_err(|e| {
            let at = e.location().map(|l| format!("line {}: ", l.line())).unwrap_or_default();
            let first = e.to_string().lines().next().unwrap_or_default().to_owned();
            VulnError::PolicyYaml { origin: origin.to_owned(), problem: format!("{at}{first}") }
        })?;
        let file: PolicyFile = serde_path_to_error::deserialize(&value).map_err(|e| VulnError::PolicyField {
            origin: origin.to_owned(),
            field: e.path().to_string(),
            problem: e.inner().to_string().lines().next().unwrap_or_default().to_owned(),
        })?;
        check_header(origin, &file)?;
        check_suppressions(origin, &file.spec.suppressions)?;
        Ok(VulnerabilityPolicy {
            origin: origin.to_owned(),
            environments: file.spec.environments,
            default: file.spec.default,
            suppressions: file.spec.suppressions,
        })
    }

    /// The thresholds for `environment`: its own entry (which replaces `default` whole), else `default`.
    pub fn thresholds(&self, environment: &str) -> Result<&Thresholds, VulnError> {
        self.environments.get(environment).or(self.default.as_ref()).ok_or_else(|| VulnError::UnknownEnvironment {
            origin: self.origin.clone(),
            environment: environment.to_owned(),
            known: self.environments.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    /// Judges `findings` (merged first, see [`dedupe`]) for `environment` on the date `today`.
    pub fn evaluate(&self, environment: &str, findings: &[Finding], today: Date) -> Result<Verdict, VulnError> {
        let thresholds = self.thresholds(environment)?;
        let applicable: Vec<&Suppression> = self.suppressions.iter().filter(|s| s.applies_to(environment)).collect();
        let (mut counted, mut suppressed) = (Vec::new(), Vec::new());
        for mut finding in dedupe(findings.iter().cloned()) {
            if !finding.status.is_suppressed()
                && let Some(by) = applicable.iter().find(|s| s.is_active(today) && s.matches(&finding))
            {
                finding.status = Status::Suppressed(by.describe());
            }
            if finding.status.is_suppressed() { suppressed.push(finding) } else { counted.push(finding) }
        }
        counted.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let expired_suppressions = applicable
            .iter()
            .filter(|s| !s.is_active(today))
            .map(|s| ExpiredSuppression {
                suppression: (*s).clone(),
                matched: counted.iter().filter(|f| s.matches(f)).count(),
            })
            .collect();
        let counts = Counts {
            fixable: SeverityCounts::of(counted.iter().filter(|f| f.is_fixable())),
            all: SeverityCounts::of(&counted),
        };
        let gated = if thresholds.fixable_only { counts.fixable } else { counts.all };
        let violations = thresholds.violations(&counted, &gated);
        Ok(Verdict {
            environment: environment.to_owned(),
            passed: violations.is_empty(),
            fixable_only: thresholds.fixable_only,
            counts,
            violations,
            findings: counted,
            suppressed,
            expired_suppressions,
        })
    }
}

fn check_header(origin: &str, file: &PolicyFile) -> Result<(), VulnError> {
    let wrong = |field: &str, found: &str, expected: &str| VulnError::PolicyField {
        origin: origin.to_owned(),
        field: field.to_owned(),
        problem: format!("expected `{expected}`, found `{found}`"),
    };
    if file.api_version != API_VERSION {
        return Err(wrong("apiVersion", &file.api_version, API_VERSION));
    }
    if file.kind != KIND {
        return Err(wrong("kind", &file.kind, KIND));
    }
    Ok(())
}

/// A suppression needs an id and a reason (an unexplained exception cannot be reviewed).
fn check_suppressions(origin: &str, suppressions: &[Suppression]) -> Result<(), VulnError> {
    for (at, suppression) in suppressions.iter().enumerate() {
        for (field, value) in [("id", &suppression.id), ("reason", &suppression.reason)] {
            if value.trim().is_empty() {
                return Err(VulnError::PolicyField {
                    origin: origin.to_owned(),
                    field: format!("spec.suppressions[{at}].{field}"),
                    problem: "must not be empty".to_owned(),
                });
            }
        }
    }
    Ok(())
}
