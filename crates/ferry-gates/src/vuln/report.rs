//! Reading one vulnerability report: the format is detected from the content, then the format's
//! reader turns it into normalised findings.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::VulnError;
use super::finding::{Finding, ReportFormat};
use super::{cyclonedx, grype, trivy};

/// The findings of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The report's file (or other origin).
    pub origin: String,
    /// Its format.
    pub format: ReportFormat,
    /// What was scanned.
    pub artifact: String,
    /// Its findings, as the report lists them (not yet merged, see [`super::dedupe`]).
    pub findings: Vec<Finding>,
}

/// Reads the report at `path`.
pub fn read_report(path: &Path) -> Result<Report, VulnError> {
    let text = std::fs::read_to_string(path).map_err(|source| VulnError::Read { path: path.to_path_buf(), source })?;
    parse_report(&path.display().to_string(), &text)
}

/// Reads the reports at `paths` and merges their findings (see [`super::dedupe`]).
pub fn read_reports(paths: &[impl AsRef<Path>]) -> Result<Vec<Finding>, VulnError> {
    let mut findings = Vec::new();
    for path in paths {
        findings.extend(read_report(path.as_ref())?.findings);
    }
    Ok(super::dedupe(findings))
}

/// Reads a report from `text`; `origin` names it in errors and in the findings' sources.
pub fn parse_report(origin: &str, text: &str) -> Result<Report, VulnError> {
    report_from_value(origin, &parse_json(origin, text)?)
}

/// A report's text as JSON, or an error naming `origin`, line and column.
pub fn parse_json(origin: &str, text: &str) -> Result<Value, VulnError> {
    serde_json::from_str(text).map_err(|e| VulnError::NotJson {
        origin: origin.to_owned(),
        line: e.line(),
        column: e.column(),
        message: first_line(&e.to_string()),
    })
}

/// Reads a report already parsed as JSON (for callers that also look at the JSON itself).
pub fn report_from_value(origin: &str, value: &Value) -> Result<Report, VulnError> {
    match detect(origin, value)? {
        ReportFormat::Trivy => trivy::read(origin, value),
        ReportFormat::Grype => grype::read(origin, value),
        ReportFormat::CycloneDx => cyclonedx::read(origin, value),
    }
}

/// The format of a parsed report, judged by the keys only that format writes at the top level.
pub fn detect(origin: &str, value: &Value) -> Result<ReportFormat, VulnError> {
    let unknown = || VulnError::UnknownFormat { origin: origin.to_owned() };
    let object = value.as_object().ok_or_else(unknown)?;
    if object.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        Ok(ReportFormat::CycloneDx)
    } else if object.contains_key("SchemaVersion") {
        Ok(ReportFormat::Trivy)
    } else if object.contains_key("matches") {
        Ok(ReportFormat::Grype)
    } else {
        Err(unknown())
    }
}

/// Deserialises `value` into a reader's types; an error names the JSON path of the bad field.
pub(super) fn typed<T: DeserializeOwned>(origin: &str, value: &Value) -> Result<T, VulnError> {
    typed_at(origin, "", value)
}

/// Like [`typed`] for a value found at the JSON path `at` of the report.
pub(super) fn typed_at<T: DeserializeOwned>(origin: &str, at: &str, value: &Value) -> Result<T, VulnError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let path = match (at, inner.as_str()) {
            ("", inner) => inner.to_owned(),
            (at, ".") => at.to_owned(),
            (at, inner) => format!("{at}.{inner}"),
        };
        VulnError::Field { origin: origin.to_owned(), path, problem: first_line(&e.inner().to_string()) }
    })
}

/// The first line of a message (serde's messages can carry context on later lines).
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}
