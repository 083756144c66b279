//! Which renderer a source needs, decided as Argo CD decides: `chart` or `helm` → Helm,
//! `kustomize` → Kustomize, `directory` → plain; otherwise by the files at the source path
//! (`Chart.yaml` → Helm, a kustomization file → Kustomize, anything else → plain directory).

use std::sync::Arc;

use ferry_api::{Application, Source};
use ferry_render::{RenderError, SourceFile};
use ferry_source::{CommitId, GitCache};
use serde_json::Value;

use super::settings::RenderSettings;

/// The file names kustomize accepts for a kustomization, in its order of preference.
pub const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Directory,
    Kustomize,
    Helm,
}

/// Everything a renderer may need besides the files.
pub struct Context<'a> {
    pub app: &'a Application,
    pub source: &'a Source,
    pub commit: CommitId,
    pub settings: &'a RenderSettings,
    pub git: &'a Arc<GitCache>,
}

impl SourceKind {
    /// The kind of `source`, given the files read at its path.
    pub fn of(source: &Source, files: &[SourceFile]) -> SourceKind {
        if source.chart.is_some() || source.helm.is_some() {
            return SourceKind::Helm;
        }
        if source.kustomize.is_some() {
            return SourceKind::Kustomize;
        }
        if source.directory.is_some() {
            return SourceKind::Directory;
        }
        let dir = normalized(&source.path);
        let has = |name: &str| {
            let path = if dir.is_empty() { name.to_owned() } else { format!("{dir}/{name}") };
            files.iter().any(|f| f.path == path)
        };
        if has("Chart.yaml") {
            SourceKind::Helm
        } else if KUSTOMIZATION_FILES.iter().any(|n| has(n)) {
            SourceKind::Kustomize
        } else {
            SourceKind::Directory
        }
    }

    /// Renders the source's files into objects.
    pub fn render(self, ctx: &Context<'_>, files: &[SourceFile]) -> Result<Vec<Value>, RenderError> {
        match self {
            SourceKind::Directory => {
                let dir = ctx.source.directory.clone().unwrap_or_default();
                let options =
                    ferry_render::DirectoryOptions { recurse: dir.recurse, include: dir.include, exclude: dir.exclude };
                let rendered = ferry_render::render_directory(files, &ctx.source.path, &options)?;
                Ok(rendered.into_iter().map(|r| r.object).collect())
            }
            SourceKind::Kustomize => super::kustomize::render(ctx, files),
            SourceKind::Helm => super::helm::render(ctx, files),
        }
    }
}

/// A source path without `./`, trailing `/` or `.`.
pub fn normalized(path: &str) -> String {
    path.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

/// Argo CD's build environment, for `${ARGOCD_APP_NAME}`-style substitution.
pub fn build_env(ctx: &Context<'_>) -> Vec<(String, String)> {
    let revision = ctx.commit.to_hex();
    let short = |n: usize| revision.chars().take(n).collect::<String>();
    vec![
        ("ARGOCD_APP_NAME".into(), ctx.app.metadata.name.clone()),
        ("ARGOCD_APP_NAMESPACE".into(), ctx.app.spec.destination.namespace.clone().unwrap_or_default()),
        ("ARGOCD_APP_REVISION".into(), revision.clone()),
        ("ARGOCD_APP_REVISION_SHORT".into(), short(7)),
        ("ARGOCD_APP_REVISION_SHORT_8".into(), short(8)),
        ("ARGOCD_APP_SOURCE_PATH".into(), ctx.source.path.clone()),
        ("ARGOCD_APP_SOURCE_REPO_URL".into(), ctx.source.repo_url.clone()),
        ("ARGOCD_APP_SOURCE_TARGET_REVISION".into(), ctx.source.target_revision.clone()),
    ]
}
