//! The normalised vulnerability finding every report format is read into.

use std::fmt;

use serde::Serialize;

use super::purl::Purl;
use super::severity::Severity;

/// The report formats this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// Trivy JSON, `SchemaVersion` 2.
    Trivy,
    /// Grype JSON.
    Grype,
    /// CycloneDX JSON 1.4 or later, with `vulnerabilities` and VEX `analysis`.
    CycloneDx,
}

impl ReportFormat {
    /// The wire string: `trivy`, `grype`, `cyclonedx`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Trivy => "trivy",
            ReportFormat::Grype => "grype",
            ReportFormat::CycloneDx => "cyclonedx",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether and how a finding can be fixed, or why it does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum Status {
    /// A fixed version exists.
    Fixable,
    /// No fix is known yet.
    NotFixed,
    /// The vendor will not fix it (or the release is end of life).
    WontFix,
    /// Does not count: a VEX statement, a scanner's ignore rule or a policy suppression, with the reason.
    Suppressed(String),
}

impl Status {
    /// The wire string of the state: `fixable`, `not_fixed`, `wont_fix`, `suppressed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Fixable => "fixable",
            Status::NotFixed => "not_fixed",
            Status::WontFix => "wont_fix",
            Status::Suppressed(_) => "suppressed",
        }
    }

    /// Whether the finding is suppressed.
    pub fn is_suppressed(&self) -> bool {
        matches!(self, Status::Suppressed(_))
    }

    /// Which of two statuses for the same vulnerability wins when reports are merged: a suppression
    /// (an explicit statement) over a known fix, a known fix over none, no fix yet over "won't fix".
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Status::Suppressed(_) => 3,
            Status::Fixable => 2,
            Status::NotFixed => 1,
            Status::WontFix => 0,
        }
    }
}

/// Where a finding was reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The report's file (or other origin).
    pub report: String,
    /// The report's format.
    pub format: ReportFormat,
    /// What was scanned: Trivy's `ArtifactName`, Grype's `source.target`, the BOM's `metadata.component`.
    pub artifact: String,
}

/// One vulnerability in one package version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The vulnerability id (`CVE-…`, `GHSA-…`).
    pub id: String,
    /// The affected package's name, as the scanner spells it.
    pub package: String,
    /// The package URL, when the report gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// The version found.
    pub installed_version: String,
    /// The version (or versions, as the scanner wrote them) that fix it.
    pub fixed_version: Option<String>,
    /// How severe it is.
    pub severity: Severity,
    /// Whether it can be fixed, or why it does not count.
    pub status: Status,
    /// Every report that lists it (one unless merged from several reports).
    pub sources: Vec<Source>,
}

impl Finding {
    /// Whether a fixed version exists (and the finding is not suppressed).
    pub fn is_fixable(&self) -> bool {
        self.status == Status::Fixable
    }

    /// The package's name as its ecosystem spells it (from the package URL when there is one), which
    /// is the same whichever scanner reported it: Grype's `snakeyaml` is Trivy's `org.yaml:snakeyaml`.
    pub fn package_key(&self) -> String {
        self.purl
            .as_deref()
            .and_then(Purl::parse)
            .map(|purl| purl.package_name())
            .unwrap_or_else(|| self.package.clone())
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}@{}", self.severity.as_str().to_uppercase(), self.id, self.package, self.installed_version)?;
        match (&self.status, &self.fixed_version) {
            (Status::Fixable, Some(fixed)) => write!(f, " (fixed in {fixed})"),
            (Status::Suppressed(reason), _) => write!(f, " (suppressed: {reason})"),
            (status, _) => write!(f, " ({})", status.as_str().replace('_', " ")),
        }
    }
}
