//! Trivy JSON reports (`SchemaVersion` 2): `Results[].Vulnerabilities[]`, and the findings a VEX
//! document or an ignore file suppressed, which `--show-suppressed` lists in
//! `Results[].ExperimentalModifiedFindings[]`.

use serde::Deserialize;
use serde_json::Value;

use super::error::VulnError;
use super::finding::{Finding, ReportFormat, Source, Status};
use super::report::{Report, typed, typed_at};
use super::severity::Severity;

/// The one schema version read; Trivy has written it since v0.20.
const SCHEMA_VERSION: u64 = 2;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyReport {
    schema_version: u64,
    #[serde(default)]
    artifact_name: String,
    #[serde(default)]
    results: Option<Vec<TrivyResult>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyResult {
    #[serde(default)]
    vulnerabilities: Option<Vec<TrivyVulnerability>>,
    #[serde(default)]
    experimental_modified_findings: Option<Vec<ModifiedFinding>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ModifiedFinding {
    #[serde(default, rename = "Type")]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    statement: String,
    #[serde(default)]
    source: String,
    /// Read as a vulnerability only when `Type` says it is one (misconfigurations look different).
    #[serde(default)]
    finding: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyVulnerability {
    #[serde(rename = "VulnerabilityID")]
    vulnerability_id: String,
    pkg_name: String,
    #[serde(default)]
    pkg_identifier: Option<TrivyPkgIdentifier>,
    #[serde(default)]
    installed_version: String,
    #[serde(default)]
    fixed_version: Option<String>,
    severity: Severity,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct TrivyPkgIdentifier {
    #[serde(default, rename = "PURL")]
    purl: Option<String>,
}

/// Reads a Trivy report already parsed into `value`.
pub fn read(origin: &str, value: &Value) -> Result<Report, VulnError> {
    let report: TrivyReport = typed(origin, value)?;
    if report.schema_version != SCHEMA_VERSION {
        return Err(VulnError::Unsupported {
            origin: origin.to_owned(),
            problem: format!("Trivy SchemaVersion {} is not supported (only {SCHEMA_VERSION})", report.schema_version),
        });
    }
    let source = Source { report: origin.to_owned(), format: ReportFormat::Trivy, artifact: report.artifact_name };
    let mut findings = Vec::new();
    for (at, result) in report.results.unwrap_or_default().into_iter().enumerate() {
        findings.extend(result.vulnerabilities.unwrap_or_default().into_iter().map(|v| finding(v, &source)));
        for (index, modified) in result.experimental_modified_findings.unwrap_or_default().iter().enumerate() {
            if modified.kind == "vulnerability" {
                let path = format!("Results[{at}].ExperimentalModifiedFindings[{index}].Finding");
                let mut suppressed = finding(typed_at(origin, &path, &modified.finding)?, &source);
                suppressed.status = Status::Suppressed(modified_reason(modified));
                findings.push(suppressed);
            }
        }
    }
    Ok(Report { origin: origin.to_owned(), format: ReportFormat::Trivy, artifact: source.artifact, findings })
}

fn finding(vulnerability: TrivyVulnerability, source: &Source) -> Finding {
    let fixed_version = vulnerability.fixed_version.filter(|v| !v.trim().is_empty());
    let status = status(fixed_version.is_some(), vulnerability.status.as_deref());
    Finding {
        id: vulnerability.vulnerability_id,
        package: vulnerability.pkg_name,
        purl: vulnerability.pkg_identifier.and_then(|id| id.purl),
        installed_version: vulnerability.installed_version,
        fixed_version,
        severity: vulnerability.severity,
        status,
        sources: vec![source.clone()],
    }
}

/// Why Trivy suppressed a finding: `trivy not_affected: <statement> (<source>)`.
fn modified_reason(modified: &ModifiedFinding) -> String {
    let mut reason = format!("trivy {}", if modified.status.is_empty() { "ignored" } else { &modified.status });
    if !modified.statement.is_empty() {
        reason = format!("{reason}: {}", modified.statement);
    }
    if !modified.source.is_empty() {
        reason = format!("{reason} ({})", modified.source);
    }
    reason
}

/// Trivy's `Status` (absent in older reports): a fixed version makes a finding fixable whatever it says.
fn status(has_fix: bool, status: Option<&str>) -> Status {
    match status {
        _ if has_fix => Status::Fixable,
        Some("will_not_fix" | "end_of_life") => Status::WontFix,
        Some("not_affected") => Status::Suppressed("trivy: not_affected".to_owned()),
        _ => Status::NotFixed,
    }
}
