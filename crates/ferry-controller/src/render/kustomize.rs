//! Kustomize sources: the native Kustomize builds the source path from the repository's files,
//! after Argo CD's `source.kustomize` overrides are written into its kustomization.

use ferry_render::kustomize::{self, BuildOptions, FsLoader, KustomizeError, MemLoader, RemoteFetcher};
use ferry_render::{RenderError, SourceFile};
use serde_json::Value;

use super::kind::{self, Context, KUSTOMIZATION_FILES};
use super::kustomize_overrides;
use super::remote_bases::GitRemoteFetcher;

/// Builds the kustomization at the source path.
pub fn render(ctx: &Context<'_>, files: &[SourceFile]) -> Result<Vec<Value>, RenderError> {
    let dir = kind::normalized(&ctx.source.path);
    let mut owned;
    let mut files = files;
    if let Some(opts) = &ctx.source.kustomize {
        owned = files.to_vec();
        apply_overrides(&mut owned, &dir, opts, &kind::build_env(ctx))?;
        files = &owned;
    }
    let settings = ctx.settings;
    let options = BuildOptions {
        reorder: settings.reorder,
        load_restrictor: settings.load_restrictor,
        enable_helm: settings.enable_helm,
        helm_command: settings.helm_command.clone(),
        remote: None,
        ..BuildOptions::default()
    };
    let fetcher = GitRemoteFetcher { git: ctx.git.clone(), dir: settings.remote_dir.clone() };
    let options = BuildOptions { remote: settings.remote_bases.then_some(&fetcher as &dyn RemoteFetcher), ..options };
    if settings.enable_helm {
        // `helmCharts` hand the chart directory to `helm`, which reads it from disk: the
        // repository's files are written to a private directory that is the loader's root.
        let checkout = materialize(files)?;
        return Ok(kustomize::build(&FsLoader::new(checkout.path()), &dir, &options)?);
    }
    let loader = MemLoader { files };
    Ok(kustomize::build(&loader, &dir, &options)?)
}

/// The files written under a new temporary directory (removed when dropped).
fn materialize(files: &[SourceFile]) -> Result<tempfile::TempDir, RenderError> {
    let io = |e: std::io::Error| KustomizeError::Io { path: "(temporary checkout)".to_owned(), message: e.to_string() };
    let dir = tempfile::Builder::new().prefix("ferry-kustomize-").tempdir().map_err(io)?;
    for file in files {
        let path = dir.path().join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, &file.contents).map_err(io)?;
    }
    Ok(dir)
}

/// Rewrites the top-level kustomization with Argo CD's overrides.
fn apply_overrides(
    files: &mut [SourceFile],
    dir: &str,
    opts: &ferry_api::KustomizeOptions,
    env: &[(String, String)],
) -> Result<(), RenderError> {
    let join = |name: &str| if dir.is_empty() { name.to_owned() } else { format!("{dir}/{name}") };
    let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let exists = |rel: &str| {
        // A component outside the repository does not exist in it.
        ferry_render::path::join(dir, rel)
            .is_some_and(|target| paths.iter().any(|p| *p == target || p.starts_with(&format!("{target}/"))))
    };
    let Some(file) = files.iter_mut().find(|f| KUSTOMIZATION_FILES.iter().any(|n| f.path == join(n))) else {
        return Err(
            KustomizeError::NotFound { file: join("kustomization.yaml"), path: join("kustomization.yaml") }.into()
        );
    };
    let invalid = |message: String| KustomizeError::Invalid {
        file: file_name(dir),
        field: "spec.source.kustomize".to_owned(),
        message,
    };
    let text =
        String::from_utf8(file.contents.clone()).map_err(|_| invalid("the kustomization is not UTF-8".into()))?;
    let mut docs = kustomize::parse::parse_documents(&file.path, &text)?;
    let mut k = if docs.is_empty() { Value::Object(Default::default()) } else { docs.remove(0).value };
    let env = env.to_vec();
    kustomize_overrides::apply(&mut k, opts, &env, &exists).map_err(invalid)?;
    // JSON is YAML: the edited kustomization is read back by the same parser.
    file.contents = serde_json::to_vec(&k).map_err(|e| invalid(e.to_string()))?;
    Ok(())
}

fn file_name(dir: &str) -> String {
    if dir.is_empty() { "kustomization.yaml".to_owned() } else { format!("{dir}/kustomization.yaml") }
}
