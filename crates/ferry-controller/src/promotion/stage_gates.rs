//! The gates before a promotion reaches Git: the Stage's Applications are rendered from the
//! promotion's work tree (its edits included, nothing pushed yet) and the Stage's gates run on
//! the rendered objects — Kubernetes schemas (on unless `schema: false`), Gatekeeper policies
//! (`policy.path`, relative to the control folder), and secret scanning of the commit the
//! promotion made. A blocking finding stops the promotion before its push, with the findings in
//! its record. `vulnerabilities` judges the scan reports attached in the registry to the
//! Freight's images (read before, see [`super::vulnerability_gate`]).

use std::path::Path;
use std::sync::Arc;

use ferry_api::{Application, Stage};
use ferry_gates::policy::PolicySet;
use ferry_gates::schema::SchemaOptions;
use ferry_gates::secrets::{Config as SecretsConfig, ScanOptions, Scanner};
use ferry_gates::vuln::Date;
use ferry_source::{GitCache, LocalRepo};

use crate::check::gates::schema::SchemaGate;
use crate::check::render::CheckRenderer;
use crate::check::sides::{Side, SideName};
use crate::check::{AppCheck, ChangeKind, Finding, Gate, Level, ThisRepo};
use crate::render::RenderSettings;

use super::vulnerability_gate::{self, ImageReports};

/// Where the gates read from.
pub struct GateInputs<'a> {
    pub stage: &'a Stage,
    pub apps: &'a [Application],
    /// The work tree checked out by `git-clone`, and the URL it was cloned from.
    pub checkout: &'a Path,
    pub clone_url: &'a str,
    pub control_dir: &'a Path,
    pub git: &'a Arc<GitCache>,
    pub settings: &'a RenderSettings,
    /// The reports attached to the Freight's images (read when the Stage has the gate).
    pub images: &'a [ImageReports],
    /// The promotion's date: suppressions of the vulnerability policy expire by it.
    pub today: Date,
}

/// The Kubernetes version schemas are checked against when the Stage names none.
const DEFAULT_KUBERNETES_VERSION: &str = "1.32";

/// Runs the Stage's gates; the findings (blocking or not). Blocking.
pub fn run(inputs: &GateInputs<'_>) -> Vec<Finding> {
    let gates = &inputs.stage.gates;
    let mut findings = Vec::new();
    let repo = match LocalRepo::open(inputs.checkout) {
        Ok(repo) => repo,
        Err(e) => return vec![error(Gate::Render, format!("cannot read the work tree: {e}"))],
    };
    let apps = render(inputs, &repo, &mut findings);
    if let Some(schema) = &gates.schema {
        let version = schema.kubernetes_version.as_deref().unwrap_or(DEFAULT_KUBERNETES_VERSION);
        let options = SchemaOptions { strict: schema.strict, ..SchemaOptions::default() };
        match SchemaGate::new(version, options) {
            Ok(gate) => findings.extend(gate.findings(&apps)),
            Err(e) => findings.push(error(Gate::Schema, e.to_string())),
        }
    }
    if let Some(policy) = &gates.policy {
        match PolicySet::load_dir(&inputs.control_dir.join(&policy.path)) {
            Ok(set) => findings.extend(crate::check::gates::policy::findings(&set, &apps)),
            Err(e) => findings.push(error(Gate::Policy, format!("policies in {}: {e}", policy.path))),
        }
    }
    if gates.secrets {
        findings.extend(secrets(repo.root()));
    }
    if let Some(gate) = &gates.vulnerabilities {
        let stage = &inputs.stage.name;
        findings.extend(vulnerability_gate::findings(gate, stage, inputs.control_dir, inputs.images, inputs.today));
    }
    findings
}

/// The Stage's Applications rendered from the work tree (sources in the cloned repository) or
/// their remotes (other sources).
fn render(inputs: &GateInputs<'_>, repo: &LocalRepo, findings: &mut Vec<Finding>) -> Vec<AppCheck> {
    let commit = match repo.worktree() {
        Ok(commit) => commit,
        Err(e) => {
            findings.push(error(Gate::Render, format!("cannot read the work tree: {e}")));
            return Vec::new();
        }
    };
    let side = Side { name: SideName::Head, commit, config: ferry_api::Config::default() };
    let this = ThisRepo::new(repo.root(), [inputs.clone_url.to_owned()]);
    let renderer = CheckRenderer::new(repo, &this, inputs.git, inputs.settings);
    let mut out = Vec::new();
    for app in inputs.apps {
        let mut check = crate::check::new_app(app, None, ChangeKind::NotCompared);
        match renderer.render(app, &side) {
            Ok(rendered) => {
                check.objects = rendered.objects.len();
                check.head = Some(rendered);
            }
            Err(e) => {
                findings.push(check.app_finding(Gate::Render, "render".into(), Level::Error, e.to_string()));
            }
        }
        out.push(check);
    }
    out
}

/// Secrets in what the promotion committed (`@{upstream}..HEAD`; the whole branch when it is
/// new), with Ferry's default rules.
fn secrets(root: &Path) -> Vec<Finding> {
    let has_upstream = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "@{upstream}"])
        .current_dir(root)
        .output()
        .is_ok_and(|o| o.status.success());
    let range = if has_upstream { "@{upstream}..HEAD" } else { "HEAD" };
    let scanner = match Scanner::new(SecretsConfig::default_rules()) {
        Ok(s) => s,
        Err(e) => return vec![error(Gate::Secrets, e.to_string())],
    };
    let options = ScanOptions { redact: 100, ..ScanOptions::default() };
    match scanner.scan_git(root, Some(range), &options) {
        Ok(report) => report.findings.iter().map(crate::check::gates::secrets::finding_of).collect(),
        Err(e) => vec![error(Gate::Secrets, e.to_string())],
    }
}

fn error(gate: Gate, message: String) -> Finding {
    Finding {
        gate,
        rule: gate.as_str().to_owned(),
        level: Level::Error,
        application: None,
        object: None,
        location: None,
        message,
    }
}
