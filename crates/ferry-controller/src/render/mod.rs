//! The desired state of an Application: its sources fetched and resolved to commits, rendered
//! (plain directory, Kustomize or Helm, picked as Argo CD picks them), namespaces defaulted to
//! the destination's, and every object stamped with Ferry's tracking label and annotation.

mod helm;
mod kind;
mod kustomize;
mod kustomize_overrides;
mod remote_bases;
mod settings;

pub use kind::SourceKind;
pub use settings::RenderSettings;

use std::sync::Arc;

use ferry_api::{Application, Source};
use ferry_cluster::ClusterClient;
use ferry_core::plan::{DesiredObject, ResourceKey};
use ferry_core::tracking;
use ferry_source::{CommitId, GitCache};
use serde_json::{Value, json};

use crate::error::EngineError;

/// What Git asks for, at which revisions.
#[derive(Debug, Clone)]
pub struct Desired {
    /// One resolved commit per source, in source order.
    pub revisions: Vec<String>,
    pub objects: Vec<DesiredObject>,
}

impl Desired {
    /// The revision shown for the Application (sources joined by `,`).
    pub fn revision(&self) -> String {
        self.revisions.join(",")
    }
}

/// How to pick revisions: each source's `targetRevision`, or one given revision.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub revision: Option<String>,
    /// Fetch from the remotes first (polling and refresh); off to render from the cache only.
    pub fetch: bool,
}

/// Renders every source of `app`.
pub async fn render(
    git: &Arc<GitCache>,
    app: &Application,
    cluster: &ClusterClient,
    opts: &RenderOptions,
    settings: &Arc<RenderSettings>,
) -> Result<Desired, EngineError> {
    let name = app.metadata.name.clone();
    let mut revisions = Vec::new();
    let mut objects = Vec::new();
    for source in app.spec.all_sources() {
        let (commit, rendered) = render_source(git, app, source, opts, settings).await?;
        revisions.push(commit.to_hex());
        objects.extend(rendered);
    }
    let namespace = app.spec.destination.namespace.clone();
    let crd_scopes = crd_scopes(&objects);
    let mut desired = Vec::with_capacity(objects.len());
    for mut obj in objects {
        set_namespace(&mut obj, namespace.as_deref(), cluster, &crd_scopes).await;
        let key = ResourceKey::from_object(&obj).map_err(|e| EngineError::Object {
            app: name.clone(),
            object: ferry_cluster::client::describe(&obj),
            message: e.to_string(),
        })?;
        tracking::stamp(&mut obj, &name, &key);
        desired.push(DesiredObject { key, object: obj });
    }
    Ok(Desired { revisions, objects: desired })
}

async fn render_source(
    git: &Arc<GitCache>,
    app: &Application,
    source: &Source,
    opts: &RenderOptions,
    settings: &Arc<RenderSettings>,
) -> Result<(CommitId, Vec<Value>), EngineError> {
    let git = git.clone();
    let source = source.clone();
    let revision = opts.revision.clone().unwrap_or_else(|| source.target_revision.clone());
    let fetch = opts.fetch;
    let app = app.clone();
    let settings = settings.clone();
    tokio::task::spawn_blocking(move || {
        let app_name = app.metadata.name.clone();
        let source_error =
            |source: ferry_source::SourceError| EngineError::Source { app: app_name.clone(), source: source.into() };
        if fetch || git.resolve(&source.repo_url, &revision).is_err() {
            git.fetch(&source.repo_url).map_err(source_error)?;
        }
        let commit = git.resolve(&source.repo_url, &revision).map_err(source_error)?;
        let read = |path: &str| git.read_tree(&source.repo_url, commit, path);
        let rendered = render_commit(&read, &app, &source, commit, &settings, &git)?;
        Ok((commit, rendered))
    })
    .await
    .map_err(|e| EngineError::Join(e.to_string()))?
}

/// Renders `source` at `commit`, reading its files with `read` (a path of the repository, `""`
/// for its root): the files at the source path, or the whole repository for Kustomize and Helm,
/// whose bases and values files may live elsewhere in it. SOPS files are decrypted in memory.
pub fn render_commit(
    read: &dyn Fn(&str) -> Result<ferry_source::SourceTree, ferry_source::SourceError>,
    app: &Application,
    source: &Source,
    commit: CommitId,
    settings: &RenderSettings,
    git: &Arc<GitCache>,
) -> Result<Vec<Value>, EngineError> {
    let app_name = &app.metadata.name;
    let source_error =
        |source: ferry_source::SourceError| EngineError::Source { app: app_name.clone(), source: source.into() };
    let render_error =
        |source: ferry_render::RenderError| EngineError::Render { app: app_name.clone(), source: source.into() };
    let mut files = source_files(read(&source.path).map_err(source_error)?);
    let kind = SourceKind::of(source, &files);
    if kind != SourceKind::Directory && !source.path.is_empty() && source.path != "." {
        files = source_files(read("").map_err(source_error)?);
    }
    decrypt(&mut files, settings.age_keys.as_deref()).map_err(render_error)?;
    let ctx = kind::Context { app, source, commit, settings, git };
    kind.render(&ctx, &files).map_err(render_error)
}

/// SOPS-encrypted files (manifests, generator inputs, Helm values) are decrypted in memory
/// before any renderer reads them; an encrypted file that cannot be decrypted fails the render.
fn decrypt(
    files: &mut [ferry_render::SourceFile],
    keys: Option<&ferry_render::sops::AgeKeys>,
) -> Result<(), ferry_render::RenderError> {
    for file in files {
        if ferry_render::sops::is_encrypted(&file.path, &file.contents) {
            let none = ferry_render::sops::AgeKeys::default();
            let plain = ferry_render::sops::decrypt(&file.path, &file.contents, keys.unwrap_or(&none))?;
            file.contents = plain.to_vec();
        }
    }
    Ok(())
}

fn source_files(tree: ferry_source::SourceTree) -> Vec<ferry_render::SourceFile> {
    tree.files.into_iter().map(|f| ferry_render::SourceFile { path: f.path, contents: f.contents }).collect()
}

/// Scopes declared by CRDs in the same desired set (their kinds may not be served yet).
fn crd_scopes(objects: &[Value]) -> Vec<(String, String, bool)> {
    objects
        .iter()
        .filter(|o| o["kind"] == "CustomResourceDefinition")
        .filter_map(|o| {
            let group = o.pointer("/spec/group")?.as_str()?.to_string();
            let kind = o.pointer("/spec/names/kind")?.as_str()?.to_string();
            let namespaced = o.pointer("/spec/scope").and_then(Value::as_str) != Some("Cluster");
            Some((group, kind, namespaced))
        })
        .collect()
}

/// Namespaced objects without a namespace go to the destination namespace (as in Argo CD).
async fn set_namespace(
    obj: &mut Value,
    namespace: Option<&str>,
    cluster: &ClusterClient,
    crds: &[(String, String, bool)],
) {
    let Some(ns) = namespace.filter(|n| !n.is_empty()) else { return };
    if obj.pointer("/metadata/namespace").and_then(Value::as_str).is_some_and(|n| !n.is_empty()) {
        return;
    }
    let api_version = obj["apiVersion"].as_str().unwrap_or("").to_string();
    let kind = obj["kind"].as_str().unwrap_or("").to_string();
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let namespaced = match crds.iter().find(|(g, k, _)| g == group && *k == kind) {
        Some((_, _, n)) => *n,
        None => match cluster.served(&api_version, &kind).await {
            Ok(served) => served.namespaced,
            Err(_) => true,
        },
    };
    if namespaced {
        obj["metadata"]["namespace"] = json!(ns);
    }
}
