//! The vulnerability gate: reads scanners' reports (Trivy JSON `SchemaVersion` 2, Grype JSON,
//! CycloneDX JSON 1.4+ with VEX `analysis`), normalises their findings, merges duplicates across
//! reports, and judges them against per-environment thresholds with suppressions that expire.
//!
//! # Reports
//!
//! The format is detected from the content: `bomFormat: "CycloneDX"`, else `SchemaVersion` (Trivy),
//! else `matches` (Grype). Unknown fields are ignored; a missing or mistyped field is an error
//! naming the file and the JSON path (`Results[0].Vulnerabilities[2].Severity`). Statuses:
//!
//! | report | fixable | won't fix | suppressed |
//! |---|---|---|---|
//! | Trivy | a `FixedVersion` | `Status` `will_not_fix`, `end_of_life` | `Status` `not_affected` |
//! | Grype | `fix.state` `fixed` | `fix.state` `wont-fix` | every entry of `ignoredMatches` |
//! | CycloneDX | an `unaffected` version in `affects[].versions`, or `analysis.response` `update` | `analysis.response` `will_not_fix` | `analysis.state` `not_affected`, `false_positive`, `resolved`, `resolved_with_pedigree` |
//!
//! Anything else is "not fixed". The same id, package and installed version counts once across
//! reports ([`dedupe`]); packages are compared by their package URL when the report has one, so
//! Grype's `snakeyaml` and Trivy's `org.yaml:snakeyaml` are one package. Trivy's
//! `ExperimentalModifiedFindings` (`--show-suppressed`) are read as suppressed findings.
//!
//! # Policy file
//!
//! ```yaml
//! apiVersion: ferry.dev/v1alpha1
//! kind: VulnerabilityPolicy
//! metadata: {name: images}            # optional, not used
//! spec:
//!   environments:                     # an environment's entry replaces `default` whole
//!     production: {maxCritical: 0, maxHigh: 5, fixableOnly: true, failOnUnknown: false}
//!     staging: {maxCritical: 2}
//!   default: {maxCritical: 0}         # for environments not listed; without it they are an error
//!   suppressions:
//!   - id: CVE-2024-1234               # required, compared case-insensitively
//!     package: openssl                # optional: only this package
//!     version: 3.0.9-1                # optional: only this installed version
//!     expires: 2026-12-31             # required: holds through this day
//!     reason: "no exposure"           # required
//!     environments: [staging]         # optional: only these environments
//! ```
//!
//! Limits: `maxCritical`, `maxHigh`, `maxMedium`, `maxLow` (absent: no limit) and `failOnUnknown`
//! (no finding of unknown severity). With `fixableOnly`, only fixable findings count against them.
//! Suppressed findings never count. An expired suppression no longer suppresses and is listed in
//! the verdict's `expired_suppressions`. Unknown fields are errors naming the field.
//!
//! ```no_run
//! use ferry_gates::vuln::{Date, VulnerabilityPolicy, read_reports};
//! # fn main() -> Result<(), ferry_gates::vuln::VulnError> {
//! let findings = read_reports(&["trivy.json", "grype.json"])?;
//! let policy = VulnerabilityPolicy::load(std::path::Path::new("vulnerability-policy.yaml"))?;
//! let today: Date = "2026-03-01".parse().expect("a date");
//! let verdict = policy.evaluate("production", &findings, today)?;
//! print!("{verdict}");
//! println!("{}", serde_json::to_string_pretty(&verdict).expect("serialisable"));
//! # Ok(())
//! # }
//! ```

mod cyclonedx;
mod date;
mod dedupe;
mod error;
mod finding;
mod grype;
mod policy;
mod purl;
mod report;
mod severity;
mod suppression;
mod thresholds;
mod trivy;
mod verdict;

pub use date::{Date, DateParseError};
pub use dedupe::dedupe;
pub use error::VulnError;
pub use finding::{Finding, ReportFormat, Source, Status};
pub use policy::{API_VERSION, KIND, VulnerabilityPolicy};
pub use purl::Purl;
pub use report::{Report, detect, parse_json, parse_report, read_report, read_reports, report_from_value};
pub use severity::{Severity, SeverityParseError};
pub use suppression::{ExpiredSuppression, Suppression};
pub use thresholds::{Threshold, Thresholds};
pub use verdict::{Counts, SeverityCounts, Verdict, Violation};
