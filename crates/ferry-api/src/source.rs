//! `spec.source` / `spec.sources[]`: where an Application's desired state lives.

use serde::Serialize;
use serde_json::Value;

use crate::decode::{Decoder, Fields};
use crate::helm_source::{self, HelmOptions};
use crate::kustomize_source::{self, KustomizeOptions};
use crate::node::{Node, NodeKind};

/// A Git repository, a revision and a path in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The repository URL (`https://`, `git://`, `file://` or a local path), or a Helm chart
    /// repository (`https://…` or `oci://…`) when `chart` is set.
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The directory inside the repository, relative to its root (`.` for the root); empty for
    /// a chart from a Helm repository.
    pub path: String,
    /// A branch, tag or commit SHA; `HEAD` when absent. For a chart: its version.
    pub target_revision: String,
    /// Options for plain-directory rendering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<Directory>,
    /// Helm options: the source is a Helm chart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helm: Option<HelmOptions>,
    /// Kustomize options: the source is a kustomization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<KustomizeOptions>,
    /// A chart name in the Helm repository `repoURL` (version in `targetRevision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
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
    let repo_url = f.required_string(d, "repoURL", "the URL of the Git repository or Helm chart repository");
    let chart = f.string(d, "chart");
    let source_path = if chart.is_some() {
        Some(f.string(d, "path").unwrap_or_default())
    } else {
        f.required_string(d, "path", "a directory in the repository, relative to its root (`.` for the root)")
    };
    if let (Some(p), Some(n)) = (&source_path, f.peek("path")) {
        check_path(d, n, &f.path("path"), p);
    }
    let target_revision = f.string(d, "targetRevision").unwrap_or_else(|| DEFAULT_TARGET_REVISION.to_owned());
    if chart.is_some() && target_revision == DEFAULT_TARGET_REVISION {
        d.missing(f.line(), &f.path("targetRevision"), "the chart version (e.g. `1.2.3`) for a `chart` source");
    }
    let directory = f.take("directory").and_then(|n| decode_directory(d, n, &f.path("directory")));
    let helm = f.take("helm").and_then(|n| helm_source::decode(d, n, &f.path("helm")));
    let kustomize = f.take("kustomize").and_then(|n| kustomize_source::decode(d, n, &f.path("kustomize")));
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
