//! Rendering a chart with `helm template`: from the repository (`source.helm`) or from a Helm
//! chart repository (`source.chart`).

use std::ffi::OsString;

use super::error::HelmError;
use super::options::{HelmOptions, PreparedFiles, template_flags};
use super::output;
use super::program::HelmProgram;
use super::workspace::Workspace;
use crate::directory::SourceFile;
use crate::error::RenderError;
use crate::objects::RenderedObject;
use crate::path;

/// Renders the chart in the repository directory `chart_dir` (`source.path`) with `opts`.
///
/// The chart directory and the values files it needs are copied to a private temporary
/// directory first; values files are checked (confined to the repository, valid YAML maps)
/// before helm runs. Each object's `file` is the template path helm reports (`# Source:`).
pub fn render_chart(
    files: &[SourceFile],
    chart_dir: &str,
    opts: &HelmOptions,
    helm: &HelmProgram,
) -> Result<Vec<RenderedObject>, RenderError> {
    let chart_dir = path::normalize_dir(chart_dir)?;
    let chart = if chart_dir.is_empty() { ".".to_owned() } else { chart_dir.clone() };
    check_release(&chart, opts)?;
    helm.locate()?;
    let workspace = Workspace::new(&chart)?;
    workspace.write_chart(files, &chart_dir)?;
    let prepared = workspace.write_values(files, &chart_dir, opts)?;
    let chart_path = workspace.repo_path(&chart_dir);
    let mut args: Vec<OsString> = vec!["template".into(), opts.release_name.clone().into(), chart_path.into()];
    args.extend(template_flags(opts, &prepared));
    let run = helm.run(&chart, &args, &helm_env(&workspace), workspace.root())?;
    Ok(output::parse(&chart, &run.stdout)?)
}

/// Renders `chart` at `version` from the Helm chart repository `repo_url` (`https://…`) or
/// the OCI registry `oci://…` (`source.chart`, version from `targetRevision`).
///
/// Only options that need no repository files apply: `valueFiles` and `fileParameters` are
/// refused (the chart's own files are not in a Git repository here).
pub fn render_remote_chart(
    repo_url: &str,
    chart: &str,
    version: &str,
    opts: &HelmOptions,
    helm: &HelmProgram,
) -> Result<Vec<RenderedObject>, RenderError> {
    let name = format!("{chart} {version} from {repo_url}");
    check_remote(&name, repo_url, chart, opts)?;
    check_release(&name, opts)?;
    helm.locate()?;
    let workspace = Workspace::new(&name)?;
    let prepared = workspace.write_values(&[], "", opts)?;
    let mut args: Vec<OsString> = vec!["template".into(), opts.release_name.clone().into()];
    if let Some(registry) = repo_url.strip_prefix("oci://") {
        args.push(format!("oci://{}/{chart}", registry.trim_end_matches('/')).into());
    } else {
        args.extend([chart.into(), "--repo".into(), repo_url.into()]);
    }
    if !version.is_empty() {
        args.extend(["--version".into(), version.into()]);
    }
    args.extend(template_flags(opts, &PreparedFiles { values: prepared.values, set_files: Vec::new() }));
    let run = helm.run(&name, &args, &helm_env(&workspace), workspace.root())?;
    Ok(output::parse(&name, &run.stdout)?)
}

/// Helm's configuration, cache and data live in the work directory, as kustomize arranges
/// it: no state is shared between renders or read from the user's home.
fn helm_env(workspace: &Workspace) -> Vec<(String, OsString)> {
    let home = workspace.root().join("helm");
    ["HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME"]
        .into_iter()
        .zip(["config", "cache", "data"])
        .map(|(key, sub)| (key.to_owned(), home.join(sub).into_os_string()))
        .collect()
}

fn check_release(chart: &str, opts: &HelmOptions) -> Result<(), HelmError> {
    if opts.release_name.trim().is_empty() {
        return Err(HelmError::InvalidOption {
            chart: chart.to_owned(),
            field: "releaseName".into(),
            message: "a release name is required (Argo CD uses the Application's name)".into(),
        });
    }
    Ok(())
}

fn check_remote(name: &str, repo_url: &str, chart: &str, opts: &HelmOptions) -> Result<(), HelmError> {
    let invalid = |field: &str, message: &str| HelmError::InvalidOption {
        chart: name.to_owned(),
        field: field.to_owned(),
        message: message.to_owned(),
    };
    if !["https://", "http://", "oci://"].iter().any(|scheme| repo_url.starts_with(scheme)) {
        return Err(invalid("repoURL", "expected a Helm chart repository URL (`https://…`) or `oci://…`"));
    }
    if chart.is_empty() || chart.contains('/') && !repo_url.starts_with("oci://") {
        return Err(invalid("chart", "expected the name of a chart in the repository"));
    }
    if !opts.value_files.is_empty() {
        return Err(invalid(
            "valueFiles",
            "values files are not supported for a chart from a Helm repository; use values or valuesObject",
        ));
    }
    if !opts.file_parameters.is_empty() {
        return Err(invalid("fileParameters", "file parameters are not supported for a chart from a Helm repository"));
    }
    Ok(())
}
