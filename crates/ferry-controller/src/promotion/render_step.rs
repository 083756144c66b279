//! The `render` step (the rendered-manifests pattern): a source directory of the work tree —
//! a kustomization, a Helm chart or plain manifests, with the promotion's edits so far — is
//! rendered as an Application of the Stage would render it (same renderers, SOPS keys and
//! Kustomize/Helm settings, the destination namespace of the Stage's first Application), and
//! written as one `manifests.yaml` into `outPath`, usually a stage-branch checkout; whatever
//! else was there (but `.git`) is removed, so the branch holds exactly what is applied.

use std::path::Path;
use std::sync::Arc;

use ferry_api::Application;
use ferry_source::{GitCache, LocalRepo};

use super::steps::{StepContext, StepError};
use crate::render::{RenderSettings, render_commit};

/// The file the rendered objects are written to.
pub const MANIFESTS: &str = "manifests.yaml";

const STEP: &str = "render";

/// Renders `path` into `out_path`; what it did. Blocking.
pub fn run(
    ctx: &StepContext,
    path: &str,
    out_path: &str,
    template: Option<&Application>,
    settings: &RenderSettings,
    git: &Arc<GitCache>,
) -> Result<String, StepError> {
    let source_dir = ctx.resolve("path", path)?;
    let out_dir = ctx.resolve("outPath", out_path)?;
    let repo = LocalRepo::open(&source_dir).map_err(StepError::git(STEP))?;
    let relative = source_dir
        .canonicalize()
        .ok()
        .and_then(|d| d.strip_prefix(repo.root().canonicalize().ok()?).ok().map(Path::to_path_buf))
        .ok_or_else(|| config("path", format!("{path:?} is not inside a Git checkout")))?;
    let relative = relative.to_string_lossy().replace('\\', "/");
    let app = application(&relative, template).map_err(|m| config("path", m))?;
    let source = app.spec.source.clone().ok_or_else(|| config("path", "no source".to_owned()))?;
    let commit = repo.worktree().map_err(StepError::git(STEP))?;
    let read = |p: &str| repo.read_tree(commit, p);
    let objects = render_commit(&read, &app, &source, commit, settings, git)
        .map_err(|e| config("path", format!("{path}: {e}")))?;
    write(&out_dir, &objects, out_path)?;
    Ok(format!("rendered {} objects from {path} into {out_path}/{MANIFESTS}", objects.len()))
}

/// The Application a Stage's source renders as: the template's settings and destination,
/// with the work tree's directory as its source.
fn application(relative: &str, template: Option<&Application>) -> Result<Application, String> {
    let namespace = template.and_then(|a| a.spec.destination.namespace.clone()).unwrap_or_default();
    let name = template.map_or("render".to_owned(), |a| a.metadata.name.clone());
    let path = if relative.is_empty() { "." } else { relative };
    let text = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name:?}}}\nspec:\n  source: {{repoURL: 'file:///work-tree', path: {path:?}, targetRevision: HEAD}}\n  destination: {{server: 'https://kubernetes.default.svc', namespace: {namespace:?}}}\n"
    );
    let mut parsed = ferry_api::parse_str(&text, Path::new("render-step.yaml")).map_err(|e| e.to_string())?;
    let mut app = parsed.pop().map(|l| l.value).ok_or("no application")?;
    if let (Some(source), Some(t)) = (app.spec.source.as_mut(), template.and_then(|t| t.spec.source.as_ref())) {
        source.kustomize = t.kustomize.clone();
        source.helm = t.helm.clone();
        source.directory = t.directory.clone();
    }
    Ok(app)
}

/// Replaces what `out_dir` holds (but `.git`) with the objects as multi-document YAML.
fn write(out_dir: &Path, objects: &[serde_json::Value], shown: &str) -> Result<(), StepError> {
    let io = |source: std::io::Error| StepError::Io { file: shown.to_owned(), source };
    std::fs::create_dir_all(out_dir).map_err(io)?;
    for entry in std::fs::read_dir(out_dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_name() == ".git" {
            continue;
        }
        let p = entry.path();
        if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) }.map_err(io)?;
    }
    let mut text = String::new();
    for object in objects {
        text.push_str("---\n");
        text.push_str(&yaml_serde::to_string(object).map_err(|e| io(std::io::Error::other(e.to_string())))?);
    }
    std::fs::write(out_dir.join(MANIFESTS), text).map_err(io)
}

fn config(field: &str, message: String) -> StepError {
    StepError::Config { step: STEP, field: field.to_owned(), message }
}
