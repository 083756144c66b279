//! `spec.source` / `spec.sources[]`: where an Application's desired state lives.

use serde::Serialize;
use serde_json::Value;

use crate::decode::{Decoder, Fields};
use crate::node::{Node, NodeKind};

const HELM_HINT: &str = "Helm sources arrive with the Helm rendering issue; use a plain directory for now";
const KUSTOMIZE_HINT: &str =
    "Kustomize sources arrive with the Kustomize rendering issue; use a plain directory for now";

/// A Git repository, a revision and a path in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The repository URL (`https://`, `git://`, `file://` or a local path).
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The directory inside the repository, relative to its root (`.` for the root).
    pub path: String,
    /// A branch, tag or commit SHA; `HEAD` when absent.
    pub target_revision: String,
    /// Options for plain-directory rendering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<Directory>,
    /// Helm options (not supported yet; kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helm: Option<Value>,
    /// Kustomize options (not supported yet; kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<Value>,
    /// A Helm chart name (not supported yet; kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<Value>,
    /// A config management plugin (not supported yet; kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<Value>,
    /// A name other sources use to refer to this one's files (`$ref/values.yaml`).
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A display name for this source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `directory`: which files of a plain directory are rendered.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    /// Also read subdirectories.
    pub recurse: bool,
    /// A glob of paths (relative to the source path) to read; all when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include: Option<String>,
    /// A glob of paths (relative to the source path) to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude: Option<String>,
    /// Jsonnet options (not supported yet; kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jsonnet: Option<Value>,
}

/// The revision used when `targetRevision` is absent.
pub const DEFAULT_TARGET_REVISION: &str = "HEAD";

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Source> {
    let mut f = d.fields(node, path)?;
    let errors_before = d.error_count();
    let repo_url = f.required_string(d, "repoURL", "the URL of the Git repository");
    let source_path =
        f.required_string(d, "path", "a directory in the repository, relative to its root (`.` for the root)");
    if let (Some(p), Some(n)) = (&source_path, f.take("path")) {
        check_path(d, n, &f.path("path"), p);
    }
    let target_revision = f.string(d, "targetRevision").unwrap_or_else(|| DEFAULT_TARGET_REVISION.to_owned());
    let directory = f.take("directory").and_then(|n| decode_directory(d, n, &f.path("directory")));
    let helm = f.unsupported(d, "helm", HELM_HINT);
    let kustomize = f.unsupported(d, "kustomize", KUSTOMIZE_HINT);
    let chart = f.unsupported(d, "chart", HELM_HINT);
    let plugin =
        f.unsupported(d, "plugin", "config management plugins are not planned yet; render into a directory in Git");
    let reference = f.string(d, "ref");
    let name = f.string(d, "name");
    f.finish(d);
    if d.error_count() > errors_before {
        return None;
    }
    let (repo_url, path) = (repo_url?, source_path?);
    Some(Source { repo_url, path, target_revision, directory, helm, kustomize, chart, plugin, reference, name })
}

/// A source path must stay inside its repository (Argo CD CVE-2022-24348 and kin).
fn check_path(d: &mut Decoder, node: &Node, field: &str, path: &str) {
    let escapes = path.starts_with('/') || path.contains('\\') || path.split('/').any(|part| part == "..");
    if escapes {
        d.invalid(node, field, "a path inside the repository: relative, without `..` or backslashes");
    }
}

fn decode_directory(d: &mut Decoder, node: &Node, path: &str) -> Option<Directory> {
    let mut f: Fields<'_> = d.fields(node, path)?;
    let recurse = f.bool(d, "recurse");
    let include = f.string(d, "include");
    let exclude = f.string(d, "exclude");
    // Argo CD's UI and CLI write `jsonnet: {}` into every directory source; only a
    // non-empty one asks for Jsonnet.
    let empty_jsonnet = f.peek("jsonnet").is_some_and(|n| matches!(&n.kind, NodeKind::Map(e) if e.is_empty()));
    let jsonnet = if empty_jsonnet {
        f.take("jsonnet");
        None
    } else {
        f.unsupported(d, "jsonnet", "Jsonnet rendering is not supported yet")
    };
    let directory = Directory { recurse, include, exclude, jsonnet };
    f.finish(d);
    Some(directory)
}
