//! `ferry check`: the pull-request gate. It renders every Application of the control folder
//! at the head of a change (the working tree) and, given a base, at the base too; runs the
//! gates — secrets on the change's commits or files, Gatekeeper policies, Kubernetes schemas and
//! vulnerability thresholds on the rendered objects — and reports per Application what the
//! change does to its rendered objects, with every finding located in the repository.
//!
//! Nothing here needs a cluster: namespaces are defaulted from built-in scopes and the CRDs in
//! the set, and the policy inventory is the set rendered for each destination cluster.

mod change;
mod finding;
pub mod gates;
mod locate;
pub(crate) mod render;
pub mod report;
pub(crate) mod sides;
mod this_repo;

use std::path::PathBuf;
use std::sync::Arc;

use ferry_api::Application;
use ferry_gates::policy::PolicySet;
use ferry_gates::secrets::Scanner;
use ferry_gates::vuln::{Date, Finding as VulnFinding, VulnerabilityPolicy};
use ferry_source::{GitCache, LocalRepo, SourceError};
use serde::Serialize;
use serde_json::Value;

pub use change::{ChangeKind, ObjectChange};
pub use finding::{Finding, Gate, Level, Location};
pub use this_repo::ThisRepo;

use render::{CheckRenderer, Rendered};
use sides::Side;

/// The label naming an Application's environment for per-environment thresholds.
pub const ENVIRONMENT_LABEL: &str = "ferry.dev/environment";

/// What to check, and with which gates (a gate left `None` does not run).
#[derive(Debug)]
pub struct CheckOptions {
    /// A directory of the checkout.
    pub repo: PathBuf,
    /// The control folder (Applications), inside the checkout.
    pub control_dir: PathBuf,
    /// The base revision of the change (`origin/main`); `None` checks the head alone.
    pub base: Option<String>,
    /// More URLs that name the checkout (besides its remotes).
    pub repo_urls: Vec<String>,
    /// Where the Git cache for other repositories lives.
    pub state_dir: PathBuf,
    pub policies: Option<PolicySet>,
    pub secrets: Option<Scanner>,
    pub schema: Option<gates::schema::SchemaGate>,
    pub vulns: Option<(VulnerabilityPolicy, Vec<VulnFinding>)>,
    /// The day vulnerability suppressions are judged on.
    pub today: Date,
}

/// A check could not run (as opposed to finding problems).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}")]
    Source(#[from] SourceError),
    #[error("secret scan: {0}")]
    Secrets(#[from] ferry_gates::secrets::SecretsError),
    #[error("the control folder {} is not inside the repository {}", dir.display(), repo.display())]
    ControlOutside { dir: PathBuf, repo: PathBuf },
    #[error("no control folder {} (give the folder of Application manifests with --config)", .0.display())]
    NoControlFolder(PathBuf),
    #[error("{0}")]
    Settings(String),
}

/// One Application in the check.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppCheck {
    pub name: String,
    pub environment: String,
    /// The destination cluster (name or server).
    pub cluster: String,
    /// Where the Application is declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<Location>,
    pub change: ChangeKind,
    /// How many objects the head renders.
    pub objects: usize,
    pub changes: Vec<ObjectChange>,
    /// Why it could not be rendered at the head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub head: Option<Rendered>,
    #[serde(skip)]
    pub base: Vec<Value>,
}

/// Everything a check found.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_commit: Option<String>,
    pub head_commit: String,
    pub passed: bool,
    pub applications: Vec<AppCheck>,
    pub findings: Vec<Finding>,
    /// The gates that ran, each with what it used.
    pub gates: Vec<GateRun>,
    pub notes: Vec<String>,
}

/// A gate that ran.
#[derive(Debug, Clone, Serialize)]
pub struct GateRun {
    pub gate: Gate,
    pub detail: String,
}

impl CheckReport {
    pub fn blocking(&self) -> usize {
        self.findings.iter().filter(|f| f.blocks()).count()
    }
}

/// Runs the check.
pub fn run(options: &CheckOptions) -> Result<CheckReport, CheckError> {
    let repo = LocalRepo::open(&options.repo)?;
    let control_dir = control_dir_in(&repo, &options.control_dir)?;
    let mut findings = Vec::new();
    let head = sides::head(&repo, &control_dir, &mut findings)?;
    let (base, mut notes) = match &options.base {
        Some(revision) => sides::base(&repo, revision, &control_dir).map(|(side, notes)| (Some(side), notes))?,
        None => (None, Vec::new()),
    };
    let settings = crate::engine::render_settings(&head.config, &options.state_dir)
        .map_err(|e| CheckError::Settings(e.to_string()))?;
    let git = Arc::new(GitCache::new(&options.state_dir.join("git")));
    let this = ThisRepo::new(repo.root(), repo.remote_urls().into_iter().chain(options.repo_urls.iter().cloned()));
    let renderer = CheckRenderer::new(&repo, &this, &git, &settings);
    let apps = check_apps(&renderer, &head, base.as_ref(), &mut findings, &mut notes);
    let mut gates = Vec::new();
    run_object_gates(options, &apps, &mut findings, &mut gates);
    if let Some(scanner) = &options.secrets {
        let range = base.as_ref().map(|b| (b.commit, head.commit));
        let (report, leaks) = gates::secrets::scan(scanner, repo.root(), range)?;
        let scope = if range.is_some() { "the change's commits" } else { "the working tree" };
        gates.push(GateRun {
            gate: Gate::Secrets,
            detail: format!("{} rules over {scope}, {} bytes", scanner.config().rules.len(), report.bytes_scanned),
        });
        findings.extend(leaks);
    }
    findings.sort_by_key(|f| (f.gate, f.level));
    Ok(CheckReport {
        base: options.base.clone(),
        base_commit: base.as_ref().map(|b| b.commit.to_hex()),
        head_commit: head.commit.to_hex(),
        passed: !findings.iter().any(Finding::blocks),
        applications: apps,
        findings,
        gates,
        notes,
    })
}

/// The gates over rendered objects.
fn run_object_gates(options: &CheckOptions, apps: &[AppCheck], findings: &mut Vec<Finding>, gates: &mut Vec<GateRun>) {
    if let Some(set) = &options.policies {
        let detail = format!("{} constraints from {} templates", set.constraints().len(), set.templates().count());
        gates.push(GateRun { gate: Gate::Policy, detail });
        findings.extend(gates::policy::findings(set, apps));
    }
    if let Some(schema) = &options.schema {
        gates.push(GateRun { gate: Gate::Schema, detail: schema.describe() });
        findings.extend(schema.findings(apps));
    }
    if let Some((policy, reports)) = &options.vulns {
        let detail = format!("{} findings from the reports, thresholds from {}", reports.len(), policy.origin);
        gates.push(GateRun { gate: Gate::Vulnerabilities, detail });
        findings.extend(gates::vulns::findings(policy, reports, apps, options.today));
    }
}

/// The control folder as a path of the repository.
fn control_dir_in(repo: &LocalRepo, dir: &std::path::Path) -> Result<String, CheckError> {
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| CheckError::Settings(e.to_string()))?.join(dir)
    };
    if !absolute.is_dir() {
        return Err(CheckError::NoControlFolder(dir.to_path_buf()));
    }
    sides::relative(repo.root(), &absolute)
        .ok_or_else(|| CheckError::ControlOutside { dir: dir.to_path_buf(), repo: repo.root().to_path_buf() })
}

/// Every Application of the head, then those only the base has (removed by the change).
fn check_apps(
    renderer: &CheckRenderer<'_>,
    head: &Side,
    base: Option<&Side>,
    findings: &mut Vec<Finding>,
    notes: &mut Vec<String>,
) -> Vec<AppCheck> {
    let mut apps = Vec::new();
    for loaded in &head.config.applications {
        let name = &loaded.value.metadata.name;
        let base_objects = base.map(|side| match side.config.application(name) {
            Some(old) => (render_side(renderer, &old.value, side, notes), true),
            None => (Vec::new(), false),
        });
        let manifest =
            sides::relative(renderer.repo.root(), &loaded.file).map(|file| Location { file, line: loaded.line });
        apps.push(check_app(renderer, &loaded.value, head, base_objects, manifest, findings));
    }
    for (side, loaded) in base.iter().flat_map(|b| b.config.applications.iter().map(move |l| (b, l))) {
        if head.config.application(&loaded.value.metadata.name).is_none() {
            let mut app = new_app(&loaded.value, None, ChangeKind::Removed);
            app.changes = change::object_changes(&render_side(renderer, &loaded.value, side, notes), &[]);
            apps.push(app);
        }
    }
    apps
}

/// Renders `app` at the head and compares it with `base`: the base's objects and whether the
/// base declared the Application (`None` without a base: nothing to compare).
fn check_app(
    renderer: &CheckRenderer<'_>,
    app: &Application,
    head: &Side,
    base: Option<(Vec<Value>, bool)>,
    manifest: Option<Location>,
    findings: &mut Vec<Finding>,
) -> AppCheck {
    let mut check = new_app(app, manifest, ChangeKind::NotCompared);
    match renderer.render(app, head) {
        Ok(rendered) => {
            if let Some((objects, existed)) = &base {
                check.changes = change::object_changes(objects, &rendered.objects);
                check.change = match (existed, check.changes.is_empty()) {
                    (false, _) => ChangeKind::Added,
                    (true, true) => ChangeKind::Unchanged,
                    (true, false) => ChangeKind::Changed,
                };
            }
            check.objects = rendered.objects.len();
            check.head = Some(rendered);
        }
        Err(error) => {
            let message = error.to_string();
            findings.push(check.app_finding(Gate::Render, "render".into(), Level::Error, message.clone()));
            check.change = ChangeKind::Failed;
            check.error = Some(message);
        }
    }
    check.base = base.map(|(objects, _)| objects).unwrap_or_default();
    check
}

/// The objects `app` renders at `side`; a failure there is a note (the change is judged by its head).
fn render_side(renderer: &CheckRenderer<'_>, app: &Application, side: &Side, notes: &mut Vec<String>) -> Vec<Value> {
    match renderer.render(app, side) {
        Ok(rendered) => rendered.objects,
        Err(error) => {
            notes.push(format!("{} does not render at the {}: {error}", app.metadata.name, side.name.as_str()));
            Vec::new()
        }
    }
}

pub(crate) fn new_app(app: &Application, manifest: Option<Location>, change: ChangeKind) -> AppCheck {
    let destination = &app.spec.destination;
    let cluster = destination.name.clone().or_else(|| destination.server.clone()).unwrap_or_default();
    let environment = app
        .metadata
        .labels
        .get(ENVIRONMENT_LABEL)
        .cloned()
        .or_else(|| destination.name.clone())
        .unwrap_or_else(|| "default".to_owned());
    AppCheck {
        name: app.metadata.name.clone(),
        environment,
        cluster,
        manifest,
        change,
        objects: 0,
        changes: Vec::new(),
        error: None,
        head: None,
        base: Vec::new(),
    }
}

impl AppCheck {
    /// The objects rendered at the head (none when it failed).
    pub fn head_objects(&self) -> &[Value] {
        self.head.as_ref().map_or(&[], |r| &r.objects)
    }

    /// The base's version of `object` (same group, kind, namespace and name).
    pub fn base_object(&self, object: &Value) -> Option<&Value> {
        let id = |o: &Value| {
            let text = |p: &str| o.pointer(p).and_then(Value::as_str).unwrap_or("").to_owned();
            let group = text("/apiVersion").rsplit_once('/').map(|(g, _)| g.to_owned()).unwrap_or_default();
            (group, text("/kind"), text("/metadata/namespace"), text("/metadata/name"))
        };
        let wanted = id(object);
        self.base.iter().find(|o| id(o) == wanted)
    }

    /// A finding about one rendered object, located at the file declaring it when found, else
    /// at the Application's manifest.
    pub fn object_finding(&self, object: &Value, gate: Gate, rule: String, level: Level, message: String) -> Finding {
        let located = self.head.as_ref().and_then(|r| locate::locate(object, &r.trees, &r.source_paths));
        Finding {
            gate,
            rule,
            level,
            application: Some(self.name.clone()),
            object: Some(Finding::describe_object(object)),
            location: located.or_else(|| self.manifest.clone()),
            message,
        }
    }

    /// A finding about the Application as a whole.
    pub fn app_finding(&self, gate: Gate, rule: String, level: Level, message: String) -> Finding {
        Finding {
            gate,
            rule,
            level,
            application: Some(self.name.clone()),
            object: None,
            location: self.manifest.clone(),
            message,
        }
    }
}
