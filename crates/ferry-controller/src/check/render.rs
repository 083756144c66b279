//! Rendering an Application on one side of a change, with no cluster: sources in the checkout
//! are read at the side's commit, other sources from their remotes through the Git cache (once
//! per remote and revision), and namespaced objects without a namespace get the destination's,
//! as the sync engine does (scope from the CRDs in the set, else Kubernetes' built-in kinds).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use ferry_api::{Application, Source};
use ferry_core::cluster_scoped::is_builtin_cluster_scoped;
use ferry_source::{CommitId, GitCache, LocalRepo, SourceError, SourceTree};
use serde_json::{Value, json};

use super::sides::Side;
use super::this_repo::ThisRepo;
use crate::error::EngineError;
use crate::render::{RenderSettings, render_commit};

/// What one Application renders to on one side.
#[derive(Debug, Default)]
pub struct Rendered {
    pub objects: Vec<Value>,
    /// The trees of the checkout its sources read (to point findings at the file defining an
    /// object; shared between Applications), and its source paths, searched first.
    pub trees: Vec<Arc<SourceTree>>,
    pub source_paths: Vec<String>,
}

/// Renders Applications for a check.
pub struct CheckRenderer<'a> {
    pub repo: &'a LocalRepo,
    pub this: &'a ThisRepo,
    pub git: &'a Arc<GitCache>,
    pub settings: &'a RenderSettings,
    /// Remote sources resolved so far: (repoURL, targetRevision) → commit.
    resolved: RefCell<HashMap<(String, String), CommitId>>,
    /// Trees of the checkout read so far: Applications of one repository read its root again
    /// and again (Kustomize bases, Helm values), once per side is enough.
    trees: RefCell<HashMap<(CommitId, String), Arc<SourceTree>>>,
}

impl<'a> CheckRenderer<'a> {
    pub fn new(repo: &'a LocalRepo, this: &'a ThisRepo, git: &'a Arc<GitCache>, settings: &'a RenderSettings) -> Self {
        CheckRenderer { repo, this, git, settings, resolved: RefCell::default(), trees: RefCell::default() }
    }

    /// Every source of `app` rendered at `side`, namespaces defaulted.
    pub fn render(&self, app: &Application, side: &Side) -> Result<Rendered, EngineError> {
        let mut out = Rendered::default();
        for source in app.spec.all_sources() {
            let objects = if self.this.is_this(&source.repo_url) {
                out.source_paths.push(source.path.clone());
                let captured = RefCell::new(Vec::new());
                let read = |path: &str| {
                    let tree = self.checkout_tree(side.commit, path)?;
                    captured.borrow_mut().push(tree.clone());
                    Ok(SourceTree::clone(&tree))
                };
                let objects = render_commit(&read, app, source, side.commit, self.settings, self.git)?;
                out.trees.extend(captured.into_inner());
                objects
            } else {
                self.render_remote(app, source)?
            };
            out.objects.extend(objects);
        }
        default_namespaces(&mut out.objects, app.spec.destination.namespace.as_deref());
        Ok(out)
    }

    /// The files under `path` of the checkout at `commit`, read once.
    fn checkout_tree(&self, commit: CommitId, path: &str) -> Result<Arc<SourceTree>, SourceError> {
        let key = (commit, path.to_owned());
        if let Some(tree) = self.trees.borrow().get(&key) {
            return Ok(tree.clone());
        }
        let tree = Arc::new(self.repo.read_tree(commit, path)?);
        self.trees.borrow_mut().insert(key, tree.clone());
        Ok(tree)
    }

    /// A source in another repository, at its `targetRevision` (the same on both sides).
    fn render_remote(&self, app: &Application, source: &Source) -> Result<Vec<Value>, EngineError> {
        let source_error = |e: SourceError| EngineError::Source { app: app.metadata.name.clone(), source: Box::new(e) };
        let key = (source.repo_url.clone(), source.target_revision.clone());
        let known = self.resolved.borrow().get(&key).copied();
        let commit = match known {
            Some(commit) => commit,
            None => {
                self.git.fetch(&source.repo_url).map_err(source_error)?;
                let commit = self.git.resolve(&source.repo_url, &source.target_revision).map_err(source_error)?;
                self.resolved.borrow_mut().insert(key, commit);
                commit
            }
        };
        let read =
            |path: &str| -> Result<SourceTree, SourceError> { self.git.read_tree(&source.repo_url, commit, path) };
        render_commit(&read, app, source, commit, self.settings, self.git)
    }
}

/// Namespaced objects without a namespace go to the destination namespace.
fn default_namespaces(objects: &mut [Value], namespace: Option<&str>) {
    let Some(namespace) = namespace.filter(|n| !n.is_empty()) else { return };
    let cluster_scoped_crds: Vec<(String, String)> = objects
        .iter()
        .filter(|o| o["kind"] == "CustomResourceDefinition" && o.pointer("/spec/scope") == Some(&json!("Cluster")))
        .filter_map(|o| {
            Some((o.pointer("/spec/group")?.as_str()?.to_owned(), o.pointer("/spec/names/kind")?.as_str()?.to_owned()))
        })
        .collect();
    for object in objects {
        if object.pointer("/metadata/namespace").and_then(Value::as_str).is_some_and(|n| !n.is_empty()) {
            continue;
        }
        let api_version = object["apiVersion"].as_str().unwrap_or("");
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let kind = object["kind"].as_str().unwrap_or("");
        let cluster_scoped =
            is_builtin_cluster_scoped(group, kind) || cluster_scoped_crds.iter().any(|(g, k)| g == group && k == kind);
        if !cluster_scoped && object.get("metadata").is_some_and(Value::is_object) {
            object["metadata"]["namespace"] = json!(namespace);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaced_objects_get_the_destination_namespace() {
        let mut objects = vec![
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "other"}}),
            json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "gs.example.com"},
                   "spec": {"group": "example.com", "scope": "Cluster", "names": {"kind": "Global"}}}),
            json!({"apiVersion": "example.com/v1", "kind": "Global", "metadata": {"name": "g"}}),
        ];
        default_namespaces(&mut objects, Some("team"));
        let ns: Vec<_> = objects.iter().map(|o| o.pointer("/metadata/namespace").cloned()).collect();
        assert_eq!(ns, vec![Some(json!("team")), None, Some(json!("other")), None, None]);
    }
}
