//! Helm sources: a chart in the repository (`source.helm`, or a directory holding `Chart.yaml`)
//! or in a Helm chart repository (`source.chart`), rendered by `helm template` with Argo CD's
//! defaults: release name = the Application's name, namespace = the destination namespace.

use ferry_render::helm::{self, HelmFileParameter, HelmOptions, HelmParameter, HelmProgram};
use ferry_render::{RenderError, SourceFile};
use serde_json::Value;

use super::kind::Context;

/// Renders the chart of the source.
pub fn render(ctx: &Context<'_>, files: &[SourceFile]) -> Result<Vec<Value>, RenderError> {
    let opts = options(ctx);
    let program = program(ctx);
    let rendered = match &ctx.source.chart {
        Some(chart) => {
            helm::render_remote_chart(&ctx.source.repo_url, chart, &ctx.source.target_revision, &opts, &program)?
        }
        None => helm::render_chart(files, &ctx.source.path, &opts, &program)?,
    };
    Ok(rendered.into_iter().map(|r| r.object).collect())
}

/// `--helm-command` from `kustomize.buildOptions`, else `$FERRY_HELM`, else `helm` on `PATH`.
pub fn program(ctx: &Context<'_>) -> HelmProgram {
    match &ctx.settings.helm_command {
        Some(command) => HelmProgram::new(command.clone()),
        None => HelmProgram::from_env(),
    }
}

fn options(ctx: &Context<'_>) -> HelmOptions {
    let given = ctx.source.helm.clone().unwrap_or_default();
    let destination = ctx.app.spec.destination.namespace.clone().unwrap_or_default();
    HelmOptions {
        release_name: given.release_name.unwrap_or_else(|| ctx.app.metadata.name.clone()),
        namespace: given.namespace.unwrap_or(destination),
        value_files: given.value_files,
        ignore_missing_value_files: given.ignore_missing_value_files,
        values: given.values,
        values_object: given.values_object,
        parameters: given
            .parameters
            .into_iter()
            .map(|p| HelmParameter { name: p.name, value: p.value, force_string: p.force_string })
            .collect(),
        file_parameters: given
            .file_parameters
            .into_iter()
            .map(|p| HelmFileParameter { name: p.name, path: p.path })
            .collect(),
        skip_crds: given.skip_crds,
        skip_tests: given.skip_tests,
        skip_schema_validation: given.skip_schema_validation,
        kube_version: given.kube_version,
        api_versions: given.api_versions,
    }
}
