//! Grype JSON reports: `matches[]` (and `ignoredMatches[]`, which Grype's ignore rules suppressed).

use serde::Deserialize;
use serde_json::Value;

use super::error::VulnError;
use super::finding::{Finding, ReportFormat, Source, Status};
use super::report::{Report, typed};
use super::severity::Severity;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GrypeReport {
    #[serde(default)]
    matches: Option<Vec<GrypeMatch>>,
    #[serde(default)]
    ignored_matches: Option<Vec<GrypeIgnoredMatch>>,
    #[serde(default)]
    source: Option<GrypeSource>,
}

#[derive(Deserialize)]
struct GrypeMatch {
    vulnerability: GrypeVulnerability,
    artifact: GrypeArtifact,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GrypeIgnoredMatch {
    vulnerability: GrypeVulnerability,
    artifact: GrypeArtifact,
    #[serde(default)]
    applied_ignore_rules: Vec<GrypeIgnoreRule>,
}

#[derive(Deserialize)]
struct GrypeVulnerability {
    id: String,
    severity: Severity,
    #[serde(default)]
    fix: Option<GrypeFix>,
}

#[derive(Deserialize)]
struct GrypeFix {
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    state: String,
}

#[derive(Deserialize)]
struct GrypeArtifact {
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct GrypeIgnoreRule {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "vex-status")]
    vex_status: String,
}

#[derive(Deserialize)]
struct GrypeSource {
    #[serde(default)]
    target: Value,
}

/// Reads a Grype report already parsed into `value`.
pub fn read(origin: &str, value: &Value) -> Result<Report, VulnError> {
    let report: GrypeReport = typed(origin, value)?;
    let artifact = report.source.map(|source| target_name(&source.target)).unwrap_or_default();
    let source = Source { report: origin.to_owned(), format: ReportFormat::Grype, artifact };
    let mut findings: Vec<Finding> = report
        .matches
        .unwrap_or_default()
        .into_iter()
        .map(|m| finding(m.vulnerability, m.artifact, None, &source))
        .collect();
    for ignored in report.ignored_matches.unwrap_or_default() {
        let reason = ignore_reason(&ignored.applied_ignore_rules);
        findings.push(finding(ignored.vulnerability, ignored.artifact, Some(reason), &source));
    }
    Ok(Report { origin: origin.to_owned(), format: ReportFormat::Grype, artifact: source.artifact, findings })
}

fn finding(
    vulnerability: GrypeVulnerability,
    artifact: GrypeArtifact,
    ignored: Option<String>,
    source: &Source,
) -> Finding {
    let (fixed_version, state) = match vulnerability.fix {
        Some(fix) => (Some(fix.versions.join(", ")).filter(|v| !v.is_empty()), fix.state),
        None => (None, String::new()),
    };
    let status = match (ignored, state.as_str()) {
        (Some(reason), _) => Status::Suppressed(reason),
        (None, "fixed") => Status::Fixable,
        (None, "wont-fix") => Status::WontFix,
        (None, _) => Status::NotFixed,
    };
    Finding {
        id: vulnerability.id,
        package: artifact.name,
        purl: artifact.purl.filter(|p| !p.is_empty()),
        installed_version: artifact.version,
        fixed_version,
        severity: vulnerability.severity,
        status,
        sources: vec![source.clone()],
    }
}

/// `source.target` is the scanned path (a string) or, for an image, an object with `userInput`.
fn target_name(target: &Value) -> String {
    match target {
        Value::String(name) => name.clone(),
        other => other.get("userInput").and_then(Value::as_str).unwrap_or_default().to_owned(),
    }
}

/// Why Grype ignored a match: the first rule's reason, else its VEX status.
fn ignore_reason(rules: &[GrypeIgnoreRule]) -> String {
    let why = rules.iter().find_map(|rule| {
        [&rule.reason, &rule.vex_status].into_iter().find(|text| !text.is_empty()).map(String::as_str)
    });
    format!("grype ignore rule: {}", why.unwrap_or("no reason given"))
}
