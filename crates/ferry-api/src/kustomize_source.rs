//! `source.kustomize`: Argo CD's overrides applied to the top-level kustomization before it is
//! built (what Argo CD does with `kustomize edit set …`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::decode::Decoder;
use crate::node::{Node, NodeKind};

/// Options for a Kustomize source.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KustomizeOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_suffix: Option<String>,
    /// Image overrides as Argo CD writes them: `[OLD=]NEW[:TAG|@DIGEST]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replicas: Vec<ReplicaOverride>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub common_labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub common_annotations: BTreeMap<String, String>,
    /// Replace values of labels/annotations the kustomization already sets.
    pub force_common_labels: bool,
    pub force_common_annotations: bool,
    /// `commonAnnotations` values may use `${ARGOCD_APP_NAME}`-style variables.
    pub common_annotations_envsubst: bool,
    /// Add `commonLabels` without touching selectors (as `labels` without `includeSelectors`).
    pub label_without_selector: bool,
    /// With `labelWithoutSelector`, also label pod templates.
    pub label_include_templates: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
    /// Skip components that do not exist instead of failing.
    pub ignore_missing_components: bool,
    /// Kustomize `patches` entries, added after the kustomization's own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<Value>,
    /// The Kubernetes version Helm charts inflated by the kustomization see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_versions: Vec<String>,
}

/// `replicas[]`: a workload name and its count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplicaOverride {
    pub name: String,
    pub count: i64,
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<KustomizeOptions> {
    let mut f = d.fields(node, path)?;
    let mut k = KustomizeOptions {
        name_prefix: f.string(d, "namePrefix"),
        name_suffix: f.string(d, "nameSuffix"),
        images: f.strings(d, "images"),
        common_labels: f.string_map(d, "commonLabels"),
        common_annotations: f.string_map(d, "commonAnnotations"),
        force_common_labels: f.bool(d, "forceCommonLabels"),
        force_common_annotations: f.bool(d, "forceCommonAnnotations"),
        common_annotations_envsubst: f.bool(d, "commonAnnotationsEnvsubst"),
        label_without_selector: f.bool(d, "labelWithoutSelector"),
        label_include_templates: f.bool(d, "labelIncludeTemplates"),
        namespace: f.string(d, "namespace"),
        components: f.strings(d, "components"),
        ignore_missing_components: f.bool(d, "ignoreMissingComponents"),
        kube_version: f.string(d, "kubeVersion"),
        api_versions: f.strings(d, "apiVersions"),
        ..KustomizeOptions::default()
    };
    if let Some(list) = f.take("replicas") {
        let list_path = f.path("replicas");
        k.replicas = d
            .list(list, &list_path)
            .iter()
            .enumerate()
            .filter_map(|(i, n)| replica(d, n, &format!("{list_path}[{i}]")))
            .collect();
    }
    if let Some(list) = f.take("patches") {
        let list_path = f.path("patches");
        k.patches = d
            .list(list, &list_path)
            .iter()
            .enumerate()
            .filter_map(|(i, n)| patch(d, n, &format!("{list_path}[{i}]")))
            .collect();
    }
    // Argo CD selects a kustomize binary by version; Ferry has one built-in Kustomize.
    if let Some(n) = f.take("version") {
        let _ = d.string(n, &f.path("version"));
    }
    f.finish(d);
    Some(k)
}

fn replica(d: &mut Decoder, node: &Node, path: &str) -> Option<ReplicaOverride> {
    let mut f = d.fields(node, path)?;
    let name = f.required_string(d, "name", "the name of a Deployment or StatefulSet");
    let count_path = f.path("count");
    let count = match f.take("count") {
        None => {
            d.missing(f.line(), &count_path, "a replica count");
            None
        }
        // Argo CD accepts the count as an integer or a string holding one.
        Some(n) => match &n.kind {
            NodeKind::String(s) => s.parse::<i64>().ok().or_else(|| {
                d.invalid(n, &count_path, "an integer");
                None
            }),
            _ => d.int(n, &count_path),
        },
    };
    f.finish(d);
    Some(ReplicaOverride { name: name?, count: count? })
}

fn patch(d: &mut Decoder, node: &Node, path: &str) -> Option<Value> {
    let mut f = d.fields(node, path)?;
    let has_patch = f.peek("patch").is_some() || f.peek("path").is_some();
    if !has_patch {
        d.missing(f.line(), &f.path("patch"), "`patch` (inline) or `path` (a file)");
    }
    for key in ["patch", "path"] {
        if let Some(n) = f.peek(key) {
            let _ = d.string(n, &f.path(key));
        }
    }
    let _ = (f.take("patch"), f.take("path"), f.take("target"), f.take("options"));
    f.finish(d);
    has_patch.then(|| node.to_json())
}
