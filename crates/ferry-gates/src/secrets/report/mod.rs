//! Report formats for findings: gitleaks JSON, SARIF 2.1.0, JUnit XML.

pub mod json;
pub mod junit;
pub mod sarif;

/// The formats a report can be written in; names as gitleaks' `--report-format` spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Sarif,
    Junit,
}

impl ReportFormat {
    /// Parses `json`, `sarif` or `junit` (case-insensitive).
    pub fn parse(name: &str) -> Option<ReportFormat> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(ReportFormat::Json),
            "sarif" => Some(ReportFormat::Sarif),
            "junit" => Some(ReportFormat::Junit),
            _ => None,
        }
    }

    /// Renders `findings` in this format; SARIF lists the rules of `config`.
    pub fn render(self, config: &super::Config, findings: &[super::Finding]) -> String {
        match self {
            ReportFormat::Json => json::render(findings),
            ReportFormat::Sarif => sarif::render(config, findings),
            ReportFormat::Junit => junit::render(findings),
        }
    }
}
