//! Native Kustomize: `kustomization.yaml` rendered in process with the output of kustomize v5.5
//! (the version inside `kubectl kustomize`), byte for byte.
//!
//! Layout (one concept per file):
//! - `resource`: [`Resource`] and [`ResId`], the unit every step works on, and [`ResMap`].
//! - `loader`: the [`Loader`] trait (files of a kustomization root, confined by the load
//!   restrictor) with a file-system and an in-memory implementation.
//! - `error`: [`KustomizeError`].
//! - the kustomization file, accumulation of resources/components, transformers (field specs,
//!   name prefix/suffix and name references, labels, annotations, images, replicas, namespace),
//!   generators and their hash suffix, patches, replacements and vars, ordering and the emitter
//!   that prints exactly what kustomize prints.

mod build;
pub mod build_metadata;
mod crds;
mod error;
pub mod kustomization;
mod loader;
pub mod plugins;
pub mod remote;
mod resource;
pub mod sort;

pub mod generate;

pub mod config;
mod fieldpath;
pub mod fieldspec;
pub mod patch;
pub mod replacements;
pub mod transform;

pub mod emit;
pub mod helm_charts;
pub mod parse;

pub use error::KustomizeError;
pub use loader::{FsLoader, KustDir, LoadRestrictor, Loader, MemLoader};
pub use remote::RemoteFetcher;
pub use resource::{ResId, ResMap, Resource};

/// kustomize's `--reorder`: the output order when the kustomization has no `sortOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reorder {
    /// kustomize's fixed kind order (the default).
    #[default]
    Legacy,
    /// The order of the kustomization (`--reorder none`).
    None,
}

/// How a kustomization is built.
#[derive(Clone, Default)]
pub struct BuildOptions<'a> {
    pub reorder: Reorder,
    pub load_restrictor: LoadRestrictor,
    /// `--enable-helm`: `helmCharts` are inflated (else they are an error, as in kustomize).
    pub enable_helm: bool,
    /// `--helm-command`: the Helm program (`helm` when `None`).
    pub helm_command: Option<String>,
    /// Fetches remote bases; `None` refuses them.
    pub remote: Option<&'a dyn RemoteFetcher>,
    /// Cap on the printed output in bytes (`0`: [`crate::MAX_OUTPUT_BYTES`]); input files are
    /// capped by the loader at [`crate::MAX_FILE_BYTES`].
    pub max_output_bytes: usize,
}

impl std::fmt::Debug for BuildOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildOptions")
            .field("reorder", &self.reorder)
            .field("load_restrictor", &self.load_restrictor)
            .field("enable_helm", &self.enable_helm)
            .field("helm_command", &self.helm_command)
            .field("remote", &self.remote.is_some())
            .finish()
    }
}

/// Builds the kustomization in the directory `dir` of `loader` (loader-relative, `""` for its
/// root): the objects `kubectl kustomize` would print, in its order.
pub fn build(loader: &dyn Loader, dir: &str, opts: &BuildOptions) -> Result<Vec<serde_json::Value>, KustomizeError> {
    let res = build::run(loader, dir, opts)?;
    Ok(res.into_iter().map(|r| r.obj).collect())
}

/// [`build`], printed exactly as `kubectl kustomize` prints it.
pub fn build_yaml(loader: &dyn Loader, dir: &str, opts: &BuildOptions) -> Result<String, KustomizeError> {
    let objs = build(loader, dir, opts)?;
    let text = emit::emit_all(&objs);
    let limit = if opts.max_output_bytes == 0 { crate::MAX_OUTPUT_BYTES } else { opts.max_output_bytes };
    if text.len() > limit {
        return Err(KustomizeError::TooLarge { file: loader.describe(dir), limit });
    }
    Ok(text)
}
