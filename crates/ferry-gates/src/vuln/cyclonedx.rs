//! CycloneDX JSON (1.4 and later): `vulnerabilities[]` rated in `ratings[]`, affecting the
//! `components[]` named by `affects[].ref`, with VEX statements in `analysis`.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::error::VulnError;
use super::finding::{Finding, ReportFormat, Source, Status};
use super::purl::{Purl, decode};
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
    purl: Option<String>,
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

/// What a finding needs of an affected component.
#[derive(Clone, Default)]
struct Package {
    name: String,
    version: String,
    purl: Option<String>,
}

impl Package {
    fn of(component: &Component) -> Package {
        let purl = component.purl.clone().or_else(|| component.bom_ref.clone().filter(|r| Purl::parse(r).is_some()));
        Package { name: component.name.clone(), version: component.version.clone(), purl }
    }
}

/// Components by `bom-ref`.
type Components = HashMap<String, Package>;

/// Reads a CycloneDX BOM already parsed into `value`.
pub fn read(origin: &str, value: &Value) -> Result<Report, VulnError> {
    let bom: Bom = typed(origin, value)?;
    check_spec_version(origin, &bom.spec_version)?;
    let main = bom.metadata.as_ref().and_then(|m| m.component.as_ref());
    let artifact = main.map(|c| c.name.clone()).unwrap_or_default();
    let source = Source { report: origin.to_owned(), format: ReportFormat::CycloneDx, artifact };
    let mut components = Components::new();
    index(main.into_iter().chain(&bom.components), &mut components);
    let main = main.map(Package::of).unwrap_or_default();
    let mut findings = Vec::new();
    for vulnerability in &bom.vulnerabilities {
        findings.extend(vulnerability_findings(vulnerability, &components, &main, &source));
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
fn index<'a>(components: impl IntoIterator<Item = &'a Component>, into: &mut Components) {
    for component in components {
        if let Some(reference) = &component.bom_ref {
            into.insert(reference.clone(), Package::of(component));
        }
        index(&component.components, into);
    }
}

/// The component an `affects[].ref` names: a `bom-ref` of this BOM, the same behind a BOM-link
/// (`urn:cdx:serial/version#bom-ref`, as a separate VEX document writes it), else a package URL.
fn resolve(reference: &str, components: &Components) -> Package {
    let reference = match reference.strip_prefix("urn:cdx:").and_then(|link| link.split_once('#')) {
        Some((_, fragment)) => decode(fragment),
        None => reference.to_owned(),
    };
    if let Some(package) = components.get(&reference) {
        return package.clone();
    }
    match Purl::parse(&reference) {
        Some(purl) => {
            Package { name: purl.package_name(), version: purl.version.unwrap_or_default(), purl: Some(reference) }
        }
        None => Package { name: reference, ..Package::default() },
    }
}

/// One finding per affected component; a vulnerability that names none affects the BOM's own component.
fn vulnerability_findings(
    vulnerability: &Vulnerability,
    components: &Components,
    main: &Package,
    source: &Source,
) -> Vec<Finding> {
    let severity = severity(&vulnerability.ratings);
    let make = |package: Package, fixed: Option<String>| Finding {
        id: vulnerability.id.clone(),
        package: package.name,
        purl: package.purl,
        installed_version: package.version,
        status: status(vulnerability.analysis.as_ref(), fixed.is_some()),
        fixed_version: fixed,
        severity,
        sources: vec![source.clone()],
    };
    if vulnerability.affects.is_empty() {
        return vec![make(main.clone(), None)];
    }
    vulnerability
        .affects
        .iter()
        .map(|affect| {
            let mut package = resolve(&affect.reference, components);
            if package.version.is_empty() {
                package.version = version_with_status(affect, "affected").unwrap_or_default().to_owned();
            }
            make(package, version_with_status(affect, "unaffected").map(str::to_owned))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_only_ratings_are_graded() {
        let ratings =
            [Rating { severity: None, score: Some(9.8) }, Rating { severity: Some(Severity::Low), score: None }];
        assert_eq!(severity(&ratings), Severity::Critical);
        assert_eq!(severity(&[]), Severity::Unknown);
    }
}
