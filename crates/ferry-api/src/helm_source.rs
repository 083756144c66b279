//! `source.helm`: how a Helm chart is rendered (Argo CD's fields, passed to `helm template`).

use serde::Serialize;
use serde_json::Value;

use crate::decode::Decoder;
use crate::node::{Node, NodeKind};

/// Options for a Helm source.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmOptions {
    /// The release name; the Application's name when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_name: Option<String>,
    /// The release namespace; the destination namespace when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Values files, relative to the chart directory (or `$ref/…` into another source).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub value_files: Vec<String>,
    pub ignore_missing_value_files: bool,
    /// Values as a YAML string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<String>,
    /// Values as an object; wins over `values`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values_object: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<HelmParameter>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub file_parameters: Vec<HelmFileParameter>,
    pub skip_crds: bool,
    pub skip_tests: bool,
    pub skip_schema_validation: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_versions: Vec<String>,
}

/// `parameters[]`: `--set name=value` (or `--set-string` with `forceString`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelmParameter {
    pub name: String,
    pub value: String,
    pub force_string: bool,
}

/// `fileParameters[]`: `--set-file name=path`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HelmFileParameter {
    pub name: String,
    pub path: String,
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<HelmOptions> {
    let mut f = d.fields(node, path)?;
    let mut h = HelmOptions {
        release_name: f.string(d, "releaseName"),
        namespace: f.string(d, "namespace"),
        value_files: f.strings(d, "valueFiles"),
        ignore_missing_value_files: f.bool(d, "ignoreMissingValueFiles"),
        values: f.string(d, "values"),
        skip_crds: f.bool(d, "skipCrds"),
        skip_tests: f.bool(d, "skipTests"),
        skip_schema_validation: f.bool(d, "skipSchemaValidation"),
        kube_version: f.string(d, "kubeVersion"),
        api_versions: f.strings(d, "apiVersions"),
        ..HelmOptions::default()
    };
    if let Some(n) = f.take("valuesObject") {
        match &n.kind {
            NodeKind::Map(_) => h.values_object = Some(n.to_json()),
            _ => d.invalid(n, &f.path("valuesObject"), "a map of Helm values"),
        }
    }
    if let Some(list) = f.take("parameters") {
        let p = f.path("parameters");
        h.parameters =
            d.list(list, &p).iter().enumerate().filter_map(|(i, n)| parameter(d, n, &format!("{p}[{i}]"))).collect();
    }
    if let Some(list) = f.take("fileParameters") {
        let p = f.path("fileParameters");
        h.file_parameters = d
            .list(list, &p)
            .iter()
            .enumerate()
            .filter_map(|(i, n)| file_parameter(d, n, &format!("{p}[{i}]")))
            .collect();
    }
    // Fields Argo CD has that change nothing for `helm template` here: credentials are not
    // passed to other hosts, and the one `helm` program is version 3.
    let _ = (f.take("passCredentials"), f.take("version"));
    for (i, file) in h.value_files.iter().enumerate() {
        if let Some(problem) = value_file_problem(file) {
            let list = f.peek("valueFiles");
            let line = list.map_or(f.line(), |n| n.line);
            d.invalid_at(
                line,
                &format!("{}[{i}]", f.path("valueFiles")),
                "a values file inside the repository",
                problem,
            );
        }
    }
    f.finish(d);
    Some(h)
}

/// Values files may not be absolute or fetched from URLs (Argo CD CVE-2022-24348 and kin); a
/// `..` that leaves the repository is refused by the renderer, which knows the chart directory.
fn value_file_problem(file: &str) -> Option<String> {
    if file.starts_with("http://") || file.starts_with("https://") {
        return Some(format!("the URL {file:?} (remote values files are not fetched)"));
    }
    let rest = match file.strip_prefix('$') {
        Some(r) => r.split_once('/').map_or("", |(_, p)| p),
        None => file,
    };
    (rest.starts_with('/') || rest.contains('\\')).then(|| format!("the absolute or Windows path {file:?}"))
}

fn parameter(d: &mut Decoder, node: &Node, path: &str) -> Option<HelmParameter> {
    let mut f = d.fields(node, path)?;
    let name = f.required_string(d, "name", "a Helm value path such as `image.tag`");
    let value = scalar(d, &mut f, "value");
    let force_string = f.bool(d, "forceString");
    f.finish(d);
    Some(HelmParameter { name: name?, value, force_string })
}

/// Argo CD writes parameter values as strings; numbers and booleans written bare are accepted.
fn scalar(d: &mut Decoder, f: &mut crate::decode::Fields<'_>, key: &'static str) -> String {
    let path = f.path(key);
    match f.take(key) {
        None => String::new(),
        Some(n) => match &n.kind {
            NodeKind::String(s) => s.clone(),
            NodeKind::Map(_) | NodeKind::Seq(_) => {
                d.invalid(n, &path, "a string");
                String::new()
            }
            _ => match n.to_json() {
                Value::Null => String::new(),
                v => v.to_string(),
            },
        },
    }
}

fn file_parameter(d: &mut Decoder, node: &Node, path: &str) -> Option<HelmFileParameter> {
    let mut f = d.fields(node, path)?;
    let name = f.required_string(d, "name", "a Helm value path such as `config`");
    let file = f.required_string(d, "path", "a file in the repository, relative to the chart");
    f.finish(d);
    Some(HelmFileParameter { name: name?, path: file? })
}
