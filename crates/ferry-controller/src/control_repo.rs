//! A control repository: `--config URL[#REVISION]` names a Git repository of Application
//! manifests instead of a folder. It is fetched like any source and its tree at the revision
//! (default `HEAD`) is written to `STATE_DIR/control/<commit>/`, which is then read as the
//! control folder — so errors name the file and line inside the repository.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ferry_source::GitCache;

use crate::error::EngineError;

/// Fetches the repository and materialises its tree; returns the folder to read.
pub async fn checkout(git: &Arc<GitCache>, spec: &str, state_dir: &Path) -> Result<PathBuf, EngineError> {
    let (url, revision) = match spec.rsplit_once('#') {
        Some((u, r)) if !r.is_empty() => (u.to_string(), r.to_string()),
        _ => (spec.to_string(), "HEAD".to_string()),
    };
    let git = git.clone();
    let root = state_dir.join("control");
    let fail = |source| EngineError::Source { app: "(control repository)".into(), source: Box::new(source) };
    let url_for_task = url.clone();
    let (commit, tree) = tokio::task::spawn_blocking(move || {
        git.fetch(&url_for_task)?;
        let commit = git.resolve(&url_for_task, &revision)?;
        let tree = git.read_tree(&url_for_task, commit, ".")?;
        Ok::<_, ferry_source::SourceError>((commit, tree))
    })
    .await
    .map_err(|e| EngineError::Join(e.to_string()))?
    .map_err(fail)?;
    let dir = root.join(commit.to_hex());
    if !dir.exists() {
        let staging = root.join(format!(".{}.tmp", commit.to_hex()));
        let _ = std::fs::remove_dir_all(&staging);
        for file in &tree.files {
            let target = staging.join(&file.path);
            let io = |e: std::io::Error| EngineError::Refused {
                app: "(control repository)".into(),
                message: format!("cannot write {}: {e}", target.display()),
            };
            std::fs::create_dir_all(target.parent().unwrap_or(&staging)).map_err(io)?;
            std::fs::write(&target, &file.contents).map_err(io)?;
        }
        std::fs::create_dir_all(&staging).ok();
        std::fs::rename(&staging, &dir).map_err(|e| EngineError::Refused {
            app: "(control repository)".into(),
            message: format!("cannot create {}: {e}", dir.display()),
        })?;
    }
    tracing::info!(url = %ferry_source::redact_url(&url), commit = %commit.to_hex(), "control repository checked out");
    Ok(dir)
}
