//! CycloneDX JSON (1.4 and later): `vulnerabilities[]` rated in `ratings[]`, affecting the
//! `components[]` named by `affects[].ref`, with VEX statements in `analysis`.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::error::VulnError;
use super::finding::{Finding, ReportFormat, Source, Status};
use super::report::{Report, typed};
use super::severity::Severity;

/// The first specification version with `vulnerabilities`.
const FIRST_MINOR: u64 = 4;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    spec_version: String,
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default)]
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    component: Option<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(default, rename = "bom-ref")]
    bom_ref: Option<String>,
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: String,
    #[serde(default)]
    ratings: Vec<Rating>,
    #[serde(default)]
    affects: Vec<Affect>,
    #[serde(default)]
    analysis: Option<Analysis>,
}

#[derive(Deserialize)]
struct Rating {
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    score: Option<f64>,
}

#[derive(Deserialize)]
struct Affect {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default)]
    versions: Vec<AffectedVersion>,
}

#[derive(Deserialize)]
struct AffectedVersion {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct Analysis {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    response: Vec<String>,
}

/// A component's name and version, found by its `bom-ref`.
type Components<'a> = HashMap<&'a str, (&'a str, &'a str)>;

/// Reads a CycloneDX BOM already parsed into `value`.
pub fn read(origin: &str, value: &Value) -> Result<Report, VulnError> {
    let bom: Bom = typed(origin, value)?;
    check_spec_version(origin, &bom.spec_version)?;
    let main = bom.metadata.as_ref().and_then(|m| m.component.as_ref());
    let artifact = main.map(|c| c.name.clone()).unwrap_or_default();
    let source = Source { report: origin.to_owned(), format: ReportFormat::CycloneDx, artifact };
    let mut components = Components::new();
    index(main.into_iter().chain(&bom.components), &mut components);
    let mut findings = Vec::new();
    for vulnerability in &bom.vulnerabilities {
        findings.extend(vulnerability_findings(vulnerability, &components, main, &source));
    }
    Ok(Report { origin: origin.to_owned(), format: ReportFormat::CycloneDx, artifact: source.artifact, findings })
}

/// Refuses BOMs older than 1.4 (they cannot hold vulnerabilities, so a gate on them would pass vacuously).
fn check_spec_version(origin: &str, spec_version: &str) -> Result<(), VulnError> {
    let minor = spec_version.strip_prefix("1.").and_then(|minor| minor.parse::<u64>().ok());
    match minor {
        Some(minor) if minor >= FIRST_MINOR => Ok(()),
        _ => Err(VulnError::Unsupported {
            origin: origin.to_owned(),
            problem: format!("CycloneDX specVersion `{spec_version}` is not supported (1.4 or later)"),
        }),
    }
}

/// Every component with a `bom-ref`, nested ones included.
fn index<'a>(components: impl IntoIterator<Item = &'a Component>, into: &mut Components<'a>) {
    for component in components {
        if let Some(reference) = &component.bom_ref {
            into.insert(reference, (&component.name, &component.version));
        }
        index(&component.components, into);
    }
}

/// One finding per affected component; a vulnerability that names none affects the BOM's own component.
fn vulnerability_findings(
    vulnerability: &Vulnerability,
    components: &Components<'_>,
    main: Option<&Component>,
    source: &Source,
) -> Vec<Finding> {
    let severity = severity(&vulnerability.ratings);
    let make = |package: &str, installed: &str, fixed: Option<String>| Finding {
        id: vulnerability.id.clone(),
        package: package.to_owned(),
        installed_version: installed.to_owned(),
        status: status(vulnerability.analysis.as_ref(), fixed.is_some()),
        fixed_version: fixed,
        severity,
        sources: vec![source.clone()],
    };
    if vulnerability.affects.is_empty() {
        let (name, version) = main.map(|c| (c.name.as_str(), c.version.as_str())).unwrap_or_default();
        return vec![make(name, version, None)];
    }
    vulnerability
        .affects
        .iter()
        .map(|affect| {
            let (name, version) =
                components.get(affect.reference.as_str()).copied().unwrap_or_else(|| purl_parts(&affect.reference));
            let version =
                if version.is_empty() { version_with_status(affect, "affected").unwrap_or_default() } else { version };
            make(name, version, version_with_status(affect, "unaffected").map(str::to_owned))
        })
        .collect()
}

/// The highest rated severity; a rating with only a CVSS score is graded on the CVSS scale.
fn severity(ratings: &[Rating]) -> Severity {
    ratings
        .iter()
        .map(|rating| match (rating.severity, rating.score) {
            (Some(severity), _) if severity != Severity::Unknown => severity,
            (_, Some(score)) => cvss_severity(score),
            (severity, None) => severity.unwrap_or(Severity::Unknown),
        })
        .max()
        .unwrap_or(Severity::Unknown)
}

/// CVSS v3/v4 qualitative ratings.
fn cvss_severity(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Negligible,
    }
}

/// VEX: `not_affected`, `false_positive`, `resolved` (with or without pedigree) suppress; `exploitable`
/// and `in_triage` keep the finding, fixable when an unaffected version or an `update` response exists.
fn status(analysis: Option<&Analysis>, has_fixed_version: bool) -> Status {
    let state = analysis.and_then(|a| a.state.as_deref());
    let responses = analysis.map(|a| a.response.as_slice()).unwrap_or_default();
    match state {
        Some(state @ ("not_affected" | "false_positive" | "resolved" | "resolved_with_pedigree")) => {
            let justification = analysis.and_then(|a| a.justification.as_deref());
            Status::Suppressed(match justification {
                Some(justification) => format!("vex: {state} ({justification})"),
                None => format!("vex: {state}"),
            })
        }
        _ if has_fixed_version || responses.iter().any(|r| r == "update") => Status::Fixable,
        _ if responses.iter().any(|r| r == "will_not_fix") => Status::WontFix,
        _ => Status::NotFixed,
    }
}

/// The first version listed with `status` in an `affects` entry.
fn version_with_status<'a>(affect: &'a Affect, status: &str) -> Option<&'a str> {
    affect.versions.iter().find(|v| v.status.as_deref() == Some(status)).and_then(|v| v.version.as_deref())
}

/// Name and version from a package URL (`pkg:type/namespace/name@version?qualifiers`), for a
/// reference to a component outside this BOM; anything else is taken whole as the name.
fn purl_parts(reference: &str) -> (&str, &str) {
    let Some(rest) = reference.strip_prefix("pkg:") else { return (reference, "") };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (path, version) = rest.split_once('@').unwrap_or((rest, ""));
    (path.rsplit('/').next().unwrap_or(path), version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purl_parts_take_name_and_version() {
        assert_eq!(purl_parts("pkg:deb/debian/openssl@3.0.9-1?arch=amd64"), ("openssl", "3.0.9-1"));
        assert_eq!(purl_parts("pkg:golang/golang.org/x/net@v0.17.0"), ("net", "v0.17.0"));
        assert_eq!(purl_parts("some-ref"), ("some-ref", ""));
    }

    #[test]
    fn score_only_ratings_are_graded() {
        let ratings =
            [Rating { severity: None, score: Some(9.8) }, Rating { severity: Some(Severity::Low), score: None }];
        assert_eq!(severity(&ratings), Severity::Critical);
        assert_eq!(severity(&[]), Severity::Unknown);
    }
}
