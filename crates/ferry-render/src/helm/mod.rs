//! Helm charts rendered by running the `helm template` program, as Argo CD's repo-server does.
//!
//! - `program`: [`HelmProgram`], finding `helm` (`$FERRY_HELM` or `PATH`) and running it with
//!   a deadline and an output cap.
//! - `options`: [`HelmOptions`], Argo CD's `spec.source.helm`, and the flags it becomes.
//! - `workspace`: the private work directory (chart and values files copied out of the
//!   repository, confined to it, values checked before helm runs).
//! - `output`: objects from helm's output, each with its `# Source:` template path.
//! - `render`: [`render_chart`] (`source.helm`) and [`render_remote_chart`] (`source.chart`).
//!
//! Helm hooks (`helm.sh/hook`) are kept on the objects; the sync planner maps them onto
//! phases and waves. Kustomize's `helmCharts` uses the same program through
//! `kustomize::helm_charts`.

mod error;
mod options;
mod output;
mod program;
mod render;
mod workspace;

pub use error::HelmError;
pub use options::{HelmFileParameter, HelmOptions, HelmParameter};
pub use program::{DEFAULT_TIMEOUT, HELM_ENV, HelmProgram};
pub use render::{render_chart, render_remote_chart};

pub(crate) use workspace::check_values_text;
