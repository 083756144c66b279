//! Remote kustomize bases (`https://host/org/repo//path?ref=v1`), fetched through Ferry's Git
//! cache when `argocd-cm` allows them (`ferry.kustomize.remoteBases: allow`). Each fetched
//! commit is written once, read-only in spirit, under the state directory and reused.

use std::path::PathBuf;
use std::sync::Arc;

use ferry_render::kustomize::RemoteFetcher;
use ferry_source::GitCache;

/// Fetches remote bases into `dir/<commit>/`.
pub struct GitRemoteFetcher {
    pub git: Arc<GitCache>,
    pub dir: PathBuf,
}

impl RemoteFetcher for GitRemoteFetcher {
    fn fetch(&self, repo_url: &str, reference: Option<&str>) -> Result<PathBuf, String> {
        let redact = ferry_source::redact_url;
        self.git.fetch(repo_url).map_err(|e| format!("fetching {}: {e}", redact(repo_url)))?;
        let revision = reference.unwrap_or("HEAD");
        let commit = self.git.resolve(repo_url, revision).map_err(|e| e.to_string())?;
        let target = self.dir.join(commit.to_hex());
        if target.is_dir() {
            return Ok(target);
        }
        let tree = self.git.read_tree(repo_url, commit, "").map_err(|e| e.to_string())?;
        let staging = self.dir.join(format!(".{}.{}", commit.to_hex(), std::process::id()));
        let io = |e: std::io::Error| format!("writing the checkout of {}: {e}", redact(repo_url));
        for file in &tree.files {
            let path = staging.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(&path, &file.contents).map_err(io)?;
        }
        std::fs::create_dir_all(&staging).map_err(io)?;
        // Another render may have written the same commit meanwhile: either copy is complete.
        if std::fs::rename(&staging, &target).is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        Ok(target)
    }
}
