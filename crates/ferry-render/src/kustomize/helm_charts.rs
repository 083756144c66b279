//! `helmCharts` / `helmGlobals` (kustomize's HelmChartInflationGenerator), inflated by running
//! `helm template` as kustomize v5.5 does, and only with `--enable-helm`.
//!
//! The chart is `<chartHome>/<name>` (`chartHome` defaults to `charts`), or
//! `<chartHome>/<name>-<version>/<name>` when both `version` and `repo` are set; when it is not
//! there it is pulled from `repo`. Values: `valuesFile` (default: the chart's `values.yaml`),
//! replaced by, merged with (`merge`: existing keys win) or overridden by (`override`, the
//! default) `valuesInline`, then `additionalValuesFiles`. Flags follow kustomize's
//! `AsHelmArgs`.
//!
//! Unlike kustomize, Ferry never writes into the kustomization tree: the chart is copied (read
//! through the load restrictor, so a symlink out of the root is refused) into a private
//! temporary directory, and a pulled chart lands there too. `configHome` is not used: helm's
//! config, cache and data homes are always that temporary directory. kustomize's `helm version`
//! check (Helm 3 only) is skipped.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::KustomizeError;
use super::loader::KustDir;
use super::parse::parse_documents;
use super::resource::Resource;
use crate::helm::{HelmError, HelmProgram};

/// kustomize's `--enable-helm` and `--helm-command`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmOptions {
    pub enabled: bool,
    /// The helm program; empty means `$FERRY_HELM`, else `helm` on `PATH`.
    pub command: String,
}

/// One `helmCharts` entry (kustomize's `types.HelmChart`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Chart {
    name: String,
    version: String,
    repo: String,
    release_name: String,
    namespace: String,
    name_template: String,
    values_file: String,
    values_inline: Map<String, Value>,
    values_merge: String,
    additional_values_files: Vec<String>,
    #[serde(rename = "includeCRDs")]
    include_crds: bool,
    skip_hooks: bool,
    skip_tests: bool,
    api_versions: Vec<String>,
    kube_version: String,
    debug: bool,
    devel: bool,
}

/// `helmGlobals`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Globals {
    chart_home: String,
}

/// Inflates every `helmCharts` entry of the kustomization `kd`, in order.
pub fn inflate(
    kd: &KustDir,
    globals: Option<&Value>,
    charts: &[Value],
    opts: &HelmOptions,
) -> Result<Vec<Resource>, KustomizeError> {
    let globals: Globals = match globals {
        Some(value) => decode(kd, "helmGlobals", value)?,
        None => Globals::default(),
    };
    let mut out = Vec::new();
    for entry in charts {
        out.extend(inflate_one(kd, &globals, entry, opts)?);
    }
    Ok(out)
}

fn inflate_one(
    kd: &KustDir,
    globals: &Globals,
    entry: &Value,
    opts: &HelmOptions,
) -> Result<Vec<Resource>, KustomizeError> {
    let chart: Chart = decode(kd, "helmCharts", entry)?;
    let invalid = |message: &str| KustomizeError::Invalid {
        file: kd.file.to_owned(),
        field: "helmCharts".into(),
        message: format!(
            "trouble configuring builtin HelmChartInflationGenerator with chart {:?}: {message}",
            chart.name
        ),
    };
    if !opts.enabled {
        return Err(invalid("must specify --enable-helm"));
    }
    if chart.name.is_empty() {
        return Err(invalid("chart name cannot be empty"));
    }
    let merge = ValuesMerge::parse(&chart.values_merge)
        .ok_or_else(|| invalid("valuesMerge must be one of [merge override replace]"))?;
    let helm = if opts.command.is_empty() { HelmProgram::from_env() } else { HelmProgram::new(&opts.command) };
    let work = tempfile::Builder::new().prefix("ferry-kustomize-helm-").tempdir().map_err(|e| io(kd, &e))?;
    let chart_dir = locate_chart(kd, globals, &chart, work.path(), &helm)?;
    let mut args: Vec<OsString> = vec!["template".into()];
    if chart.release_name.is_empty() {
        args.push("--generate-name".into());
    } else {
        args.push(chart.release_name.clone().into());
    }
    args.push(chart_dir.path.clone().into_os_string());
    if !chart.namespace.is_empty() {
        args.extend(["--namespace".into(), chart.namespace.clone().into()]);
    }
    if !chart.name_template.is_empty() {
        args.extend(["--name-template".into(), chart.name_template.clone().into()]);
    }
    for file in values_files(kd, &chart, &chart_dir, merge, work.path())? {
        args.extend(["-f".into(), file.into_os_string()]);
    }
    args.extend(flags(&chart));
    let env = helm_env(work.path());
    let run = helm.run(&chart.name, &args, &env, work.path()).map_err(|e| helm_error(kd, e))?;
    resources(kd, &chart.name, &run.stdout)
}

fn decode<T: for<'de> Deserialize<'de>>(kd: &KustDir, field: &str, value: &Value) -> Result<T, KustomizeError> {
    T::deserialize(value).map_err(|e| KustomizeError::Invalid {
        file: kd.file.to_owned(),
        field: field.to_owned(),
        message: e.to_string(),
    })
}

/// The flags after the values files, in kustomize's order.
fn flags(chart: &Chart) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    for api in &chart.api_versions {
        args.extend(["--api-versions".into(), api.into()]);
    }
    if !chart.kube_version.is_empty() {
        args.extend(["--kube-version".into(), chart.kube_version.clone().into()]);
    }
    let switches = [
        (chart.include_crds, "--include-crds"),
        (chart.skip_tests, "--skip-tests"),
        (chart.skip_hooks, "--no-hooks"),
        (chart.debug, "--debug"),
        (chart.devel, "--devel"),
    ];
    args.extend(switches.into_iter().filter(|(on, _)| *on).map(|(_, flag)| flag.into()));
    args
}

/// The chart on disk for helm, and where its files came from.
struct ChartDir {
    /// The chart directory in the work directory.
    path: PathBuf,
    /// The kustomization-relative chart path when the chart is in the tree (not pulled).
    local: Option<String>,
}

/// Copies the chart out of the kustomization tree, or pulls it from `repo`.
fn locate_chart(
    kd: &KustDir,
    globals: &Globals,
    chart: &Chart,
    work: &Path,
    helm: &HelmProgram,
) -> Result<ChartDir, KustomizeError> {
    let home = if globals.chart_home.is_empty() { "charts" } else { globals.chart_home.as_str() };
    let versioned = !chart.version.is_empty() && !chart.repo.is_empty();
    let home = if versioned { format!("{home}/{}-{}", chart.name, chart.version) } else { home.to_owned() };
    let rel = format!("{home}/{}", chart.name);
    let path = kd.resolve(&rel)?;
    if kd.loader.is_dir(&path) {
        let target = work.join("chart").join(&chart.name);
        copy_tree(kd, &rel, &path, &target)?;
        return Ok(ChartDir { path: target, local: Some(rel) });
    }
    if chart.repo.is_empty() {
        return Err(KustomizeError::NotFound {
            file: kd.file.to_owned(),
            path: format!("no repo specified for pull, no chart found at '' (looked for {rel})"),
        });
    }
    let untar = work.join("pulled");
    let mut args: Vec<OsString> = vec!["pull".into(), "--untar".into(), "--untardir".into(), untar.clone().into()];
    if chart.repo.starts_with("oci://") {
        args.push(format!("{}/{}", chart.repo.trim_end_matches('/'), chart.name).into());
    } else {
        args.extend(["--repo".into(), chart.repo.clone().into(), chart.name.clone().into()]);
    }
    if !chart.version.is_empty() {
        args.extend(["--version".into(), chart.version.clone().into()]);
    }
    helm.run(&chart.name, &args, &helm_env(work), work).map_err(|e| helm_error(kd, e))?;
    Ok(ChartDir { path: untar.join(&chart.name), local: None })
}

/// Copies the files below the kustomization-relative directory `rel` (loader path `path`)
/// into `target`, each read through the kustomization's load restrictor.
fn copy_tree(kd: &KustDir, rel: &str, path: &str, target: &Path) -> Result<(), KustomizeError> {
    let on_disk = PathBuf::from(kd.loader.describe(path));
    if !on_disk.is_absolute() || !on_disk.is_dir() {
        return Err(KustomizeError::Unsupported {
            file: kd.file.to_owned(),
            message: format!("helmCharts: the chart {rel} must be on disk to run helm (this loader cannot list it)"),
        });
    }
    let entries = std::fs::read_dir(&on_disk).map_err(|e| io(kd, &e))?;
    std::fs::create_dir_all(target).map_err(|e| io(kd, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io(kd, &e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let (child_rel, child_path) = (format!("{rel}/{name}"), format!("{path}/{name}"));
        if kd.loader.is_dir(&child_path) {
            copy_tree(kd, &child_rel, &child_path, &target.join(&name))?;
        } else {
            let (_, bytes) = kd.read(&child_rel)?;
            std::fs::write(target.join(&name), bytes).map_err(|e| io(kd, &e))?;
        }
    }
    Ok(())
}

/// `-f` files: the (possibly merged) values file, then `additionalValuesFiles`.
fn values_files(
    kd: &KustDir,
    chart: &Chart,
    dir: &ChartDir,
    merge: ValuesMerge,
    work: &Path,
) -> Result<Vec<PathBuf>, KustomizeError> {
    let (name, bytes) = match (&chart.values_file, &dir.local) {
        (file, _) if !file.is_empty() => read_values(kd, file)?,
        (_, Some(local)) => read_values(kd, &format!("{local}/values.yaml"))?,
        (_, None) => {
            let path = dir.path.join("values.yaml");
            let bytes = std::fs::read(&path).map_err(|e| io(kd, &e))?;
            (format!("{} (pulled)/values.yaml", chart.name), bytes)
        }
    };
    let bytes = if chart.values_inline.is_empty() {
        bytes
    } else {
        let mut base = match merge {
            ValuesMerge::Replace => Map::new(),
            ValuesMerge::Merge | ValuesMerge::Override => values_map(kd, &name, &bytes)?,
        };
        let inline = chart.values_inline.clone();
        match merge {
            ValuesMerge::Replace => base = inline,
            ValuesMerge::Merge => merge_maps(&mut base, inline, false),
            ValuesMerge::Override => merge_maps(&mut base, inline, true),
        }
        // JSON is YAML: helm reads the merged values as written.
        Value::Object(base).to_string().into_bytes()
    };
    let mut files = vec![write(kd, &work.join(format!("{}-kustomize-values.yaml", chart.name)), &bytes)?];
    for (i, extra) in chart.additional_values_files.iter().enumerate() {
        let (_, bytes) = read_values(kd, extra)?;
        files.push(write(kd, &work.join(format!("additional-{i}.yaml")), &bytes)?);
    }
    Ok(files)
}

/// A values file of the kustomization, read under the restrictor and checked to be YAML.
fn read_values(kd: &KustDir, rel: &str) -> Result<(String, Vec<u8>), KustomizeError> {
    if rel.contains("://") {
        return Err(KustomizeError::Unsupported {
            file: kd.file.to_owned(),
            message: format!("helmCharts: values file {rel:?}: remote values files are not fetched"),
        });
    }
    let (path, bytes) = kd.read(rel)?;
    crate::helm::check_values_text("helmCharts", &path, &bytes).map_err(|e| helm_error(kd, e))?;
    Ok((path, bytes))
}

fn values_map(kd: &KustDir, file: &str, bytes: &[u8]) -> Result<Map<String, Value>, KustomizeError> {
    let text = String::from_utf8_lossy(bytes);
    let docs = parse_documents(file, &text)?;
    match docs.into_iter().next().map(|d| d.value) {
        Some(Value::Object(map)) => Ok(map),
        None => Ok(Map::new()),
        Some(_) => Err(KustomizeError::Invalid {
            file: kd.file.to_owned(),
            field: "helmCharts".into(),
            message: format!("{file}: expected a map of values"),
        }),
    }
}

/// `valuesMerge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValuesMerge {
    Merge,
    Override,
    Replace,
}

impl ValuesMerge {
    fn parse(text: &str) -> Option<ValuesMerge> {
        match text {
            "" | "override" => Some(ValuesMerge::Override),
            "merge" => Some(ValuesMerge::Merge),
            "replace" => Some(ValuesMerge::Replace),
            _ => None,
        }
    }
}

/// mergo's `Merge` of `src` into `dst` as kustomize calls it: maps merge key by key; a
/// non-empty list or map already in `dst` is kept; other values are set when `overwrite`
/// (`override`) or when `dst` has nothing (or an empty value) there (`merge`).
fn merge_maps(dst: &mut Map<String, Value>, src: Map<String, Value>, overwrite: bool) {
    for (key, value) in src {
        match (dst.get_mut(&key), value) {
            (Some(Value::Object(d)), Value::Object(s)) => merge_maps(d, s, overwrite),
            (Some(existing), value @ (Value::Object(_) | Value::Array(_))) if !is_empty(existing) => {
                if overwrite && matches!(value, Value::Array(_)) && !is_empty(&value) {
                    *existing = value;
                }
            }
            (Some(existing), value) => {
                if overwrite || is_empty(existing) {
                    *existing = value;
                }
            }
            (None, value) => {
                dst.insert(key, value);
            }
        }
    }
}

/// Go's zero values, as mergo tests them.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// The resources helm printed (a `…List` with `items` is flattened, as kustomize does).
fn resources(kd: &KustDir, chart: &str, stdout: &[u8]) -> Result<Vec<Resource>, KustomizeError> {
    let text = String::from_utf8_lossy(stdout);
    let docs = parse_documents(&format!("helm template output of chart {chart}"), &text)?;
    let mut out = Vec::new();
    for doc in docs {
        let is_list = doc.value.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"));
        match doc.value {
            Value::Object(mut map) if is_list && map.get("items").is_some_and(Value::is_array) => {
                if let Some(Value::Array(items)) = map.remove("items") {
                    out.extend(items.into_iter().map(|item| Resource::new(item, kd.file)));
                }
            }
            value => out.push(Resource::new(value, kd.file)),
        }
    }
    Ok(out)
}

fn helm_env(work: &Path) -> Vec<(String, OsString)> {
    let home = work.join("helm");
    vec![
        ("HELM_CONFIG_HOME".into(), home.clone().into_os_string()),
        ("HELM_CACHE_HOME".into(), home.join(".cache").into_os_string()),
        ("HELM_DATA_HOME".into(), home.join(".data").into_os_string()),
    ]
}

fn write(kd: &KustDir, path: &Path, bytes: &[u8]) -> Result<PathBuf, KustomizeError> {
    std::fs::write(path, bytes).map_err(|e| io(kd, &e))?;
    Ok(path.to_path_buf())
}

fn io(kd: &KustDir, e: &std::io::Error) -> KustomizeError {
    KustomizeError::Io { path: kd.file.to_owned(), message: format!("helmCharts: {e}") }
}

fn helm_error(kd: &KustDir, e: HelmError) -> KustomizeError {
    KustomizeError::Helm { file: kd.file.to_owned(), message: e.to_string() }
}

#[cfg(test)]
mod tests;
