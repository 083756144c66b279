//! `gates` of a Stage: which of the security gates run on the Stage's rendered objects for a
//! Freight before it is promoted. Secrets and schema run unless switched off, as in
//! `ferry check`; policy and vulnerabilities run when given their files.

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

/// `vulnerabilities: {policy}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VulnerabilityGate {
    /// A `VulnerabilityPolicy` file, relative to the control folder.
    pub policy: String,
}

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
        let policy = confined(d, &mut g, "policy", "a VulnerabilityPolicy file");
        g.finish(d);
        Some(VulnerabilityGate { policy: policy? })
    });
    f.finish(d);
    Some(StageGates { secrets, policy, schema, vulnerabilities })
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
