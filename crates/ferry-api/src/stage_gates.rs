//! `gates` of a Stage: which of the security gates run on the Stage's rendered objects for a
//! Freight before it is promoted. Secrets and schema run unless switched off, as in
//! `ferry check`; policy and vulnerabilities run when given their files (vulnerabilities reads
//! the scan reports attached to the Freight's images in their registry).

use serde::Serialize;

use crate::decode::{Decoder, Fields};
use crate::node::{Node, NodeKind};

/// The gates of a Stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageGates {
    /// Secret scanning with the default rules (true when absent).
    pub secrets: bool,
    /// Gatekeeper policies from a folder of the control repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyGate>,
    /// Kubernetes schema validation (on when absent; `schema: false` switches it off).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaGate>,
    /// Vulnerability thresholds from a `VulnerabilityPolicy` file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vulnerabilities: Option<VulnerabilityGate>,
}

impl Default for StageGates {
    fn default() -> Self {
        StageGates { secrets: true, policy: None, schema: Some(SchemaGate::default()), vulnerabilities: None }
    }
}

/// `policy: {path}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyGate {
    /// A folder of ConstraintTemplates and Constraints, relative to the control folder.
    pub path: String,
}

/// `schema: {kubernetesVersion, strict}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaGate {
    /// e.g. `1.32`; the Stage cluster's version when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    /// Refuse fields the schema does not know.
    pub strict: bool,
}

/// `vulnerabilities: {policy, environment, artifactTypes, requireReports}`: scan reports
/// attached in the registry to each image of the Freight (OCI referrers), judged by the
/// thresholds of a `VulnerabilityPolicy`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VulnerabilityGate {
    /// A `VulnerabilityPolicy` file, relative to the control folder.
    pub policy: String,
    /// The policy's environment whose thresholds apply; the Stage's name when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The referrers' `artifactType`s read as reports; [`DEFAULT_REPORT_ARTIFACT_TYPES`] when
    /// absent.
    pub artifact_types: Vec<String>,
    /// Whether an image with no report blocks the promotion (true when absent) or only warns.
    pub require_reports: bool,
}

impl VulnerabilityGate {
    /// The environment whose thresholds apply to `stage`.
    pub fn environment_for<'a>(&'a self, stage: &'a str) -> &'a str {
        self.environment.as_deref().unwrap_or(stage)
    }
}

/// The artifact types CI tools give the reports Ferry reads when they attach them to an image
/// (`oras attach --artifact-type …`, `regctl artifact put`, `trivy referrer put`): Trivy JSON,
/// Grype JSON, and CycloneDX JSON (SBOMs with vulnerabilities, VEX).
pub const DEFAULT_REPORT_ARTIFACT_TYPES: [&str; 3] = [
    "application/vnd.aquasecurity.trivy.report+json",
    "application/vnd.anchore.grype+json",
    "application/vnd.cyclonedx+json",
];

/// Report types Ferry cannot read: they carry no package versions or fixes to judge.
const UNREADABLE_REPORT_TYPES: [&str; 3] =
    ["application/sarif+json", "application/vnd.aquasecurity.trivy.report.sarif.v1", "application/spdx+json"];

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<StageGates> {
    let mut f = d.fields(node, path)?;
    let secrets = f.optional_bool(d, "secrets").unwrap_or(true);
    let policy = f.take("policy").and_then(|n| {
        let mut g = d.fields(n, &f.path("policy"))?;
        let path = confined(d, &mut g, "path", "a folder of Gatekeeper templates and constraints");
        g.finish(d);
        Some(PolicyGate { path: path? })
    });
    let schema = schema_gate(d, &mut f);
    let vulnerabilities = f.take("vulnerabilities").and_then(|n| {
        let mut g = d.fields(n, &f.path("vulnerabilities"))?;
        let gate = vulnerability_gate(d, &mut g);
        g.finish(d);
        gate
    });
    f.finish(d);
    Some(StageGates { secrets, policy, schema, vulnerabilities })
}

/// The fields of `vulnerabilities`.
fn vulnerability_gate(d: &mut Decoder, g: &mut Fields<'_>) -> Option<VulnerabilityGate> {
    let policy = confined(d, g, "policy", "a VulnerabilityPolicy file");
    let environment = g.string(d, "environment");
    let types_path = g.path("artifactTypes");
    let artifact_types = match g.take("artifactTypes") {
        Some(node) => artifact_types(d, node, &types_path),
        None => DEFAULT_REPORT_ARTIFACT_TYPES.iter().map(|t| (*t).to_owned()).collect(),
    };
    let require_reports = g.optional_bool(d, "requireReports").unwrap_or(true);
    Some(VulnerabilityGate { policy: policy?, environment, artifact_types, require_reports })
}

/// At least one type, each a media type (`type/subtype`) of a report Ferry reads.
fn artifact_types(d: &mut Decoder, node: &Node, path: &str) -> Vec<String> {
    let items = d.list(node, path);
    if items.is_empty() && matches!(node.kind, NodeKind::Seq(_)) {
        d.invalid(node, path, "at least one artifact type (remove the field for the defaults)");
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(text) = d.string(item, &at) else { continue };
        if !is_media_type(&text) {
            d.invalid(item, &at, "a media type such as `application/vnd.cyclonedx+json`");
        } else if UNREADABLE_REPORT_TYPES.contains(&text.as_str()) {
            d.invalid(
                item,
                &at,
                "the type of a Trivy JSON, Grype JSON or CycloneDX JSON report (SARIF and SPDX are not read)",
            );
        } else {
            out.push(text);
        }
    }
    out
}

/// `type/subtype` of RFC 6838 characters, without parameters.
fn is_media_type(text: &str) -> bool {
    let ok = |part: &str| {
        !part.is_empty()
            && part.len() <= 127
            && part.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    matches!(text.split_once('/'), Some((kind, sub)) if ok(kind) && ok(sub))
}

/// `schema: false`, `schema: true`, or `schema: {kubernetesVersion, strict}`.
fn schema_gate(d: &mut Decoder, f: &mut Fields<'_>) -> Option<SchemaGate> {
    let path = f.path("schema");
    let Some(node) = f.take("schema") else { return Some(SchemaGate::default()) };
    if let NodeKind::Bool(on) = node.kind {
        return on.then(SchemaGate::default);
    }
    let mut g = d.fields(node, &path)?;
    let version_node = g.peek("kubernetesVersion");
    let kubernetes_version = g.string(d, "kubernetesVersion");
    if let (Some(v), Some(n)) = (&kubernetes_version, version_node)
        && !is_minor_version(v)
    {
        d.invalid(n, &g.path("kubernetesVersion"), "a Kubernetes version such as `1.32` (quote it)");
    }
    let strict = g.bool(d, "strict");
    g.finish(d);
    Some(SchemaGate { kubernetes_version, strict })
}

fn is_minor_version(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let parts: Vec<&str> = text.split('.').collect();
    (2..=3).contains(&parts.len()) && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// A required path inside the control folder: relative, without `..`.
pub(crate) fn confined(d: &mut Decoder, f: &mut Fields<'_>, key: &'static str, what: &str) -> Option<String> {
    let node = f.peek(key);
    let path = f.required_string(d, key, &format!("{what}, relative to the control folder"))?;
    if !is_confined(&path) {
        d.invalid(node?, &f.path(key), "a relative path without `..` or backslashes");
        return None;
    }
    Some(path)
}

/// Whether a path stays inside the folder it is relative to.
pub(crate) fn is_confined(path: &str) -> bool {
    !(path.starts_with('/') || path.contains('\\') || path.split('/').any(|part| part == ".."))
}
