//! Which Application sources point at the repository under check: those are read from the
//! checkout (at the base and at the head of the change); every other source is read from its
//! remote at its `targetRevision`, the same for both sides.
//!
//! A `repoURL` names the checkout when it is a path to it, or when it matches one of the
//! checkout's remotes (`git remote -v`) or a URL given by the user, compared without scheme,
//! credentials, `.git` suffix, trailing slash or host case: `https://github.com/org/gitops.git`,
//! `git@github.com:org/gitops` and `ssh://git@github.com/org/gitops` are the same repository.

use std::path::{Path, PathBuf};

/// The checkout's identities.
#[derive(Debug, Clone)]
pub struct ThisRepo {
    root: PathBuf,
    urls: Vec<String>,
    /// Local repositories (paths, `file://`) among the given URLs: the checkout's origin on disk.
    paths: Vec<PathBuf>,
}

impl ThisRepo {
    pub fn new(root: &Path, urls: impl IntoIterator<Item = String>) -> Self {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let urls: Vec<String> = urls.into_iter().collect();
        let paths: Vec<PathBuf> =
            urls.iter().filter_map(|u| local_path(u.trim())).filter_map(|p| p.canonicalize().ok()).collect();
        let mut urls: Vec<String> = urls.iter().filter_map(|u| normalise(u)).collect();
        urls.sort();
        urls.dedup();
        ThisRepo { root, urls, paths }
    }

    /// Whether `repo_url` names the checkout.
    pub fn is_this(&self, repo_url: &str) -> bool {
        let url = repo_url.trim();
        if let Some(path) = local_path(url) {
            return path.canonicalize().is_ok_and(|p| p == self.root || self.paths.contains(&p));
        }
        normalise(url).is_some_and(|n| self.urls.contains(&n))
    }
}

/// A local path given as a path or a `file://` URL.
fn local_path(url: &str) -> Option<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Some(PathBuf::from(rest));
    }
    (!url.contains("://") && !is_scp_like(url)).then(|| PathBuf::from(url))
}

/// `user@host:path` (Git's scp-like syntax), as opposed to a path.
fn is_scp_like(url: &str) -> bool {
    match url.split_once(':') {
        Some((before, after)) => !before.contains('/') && !after.starts_with("//") && before.contains('@'),
        None => false,
    }
}

/// `host/path` in lower-case host, without credentials, port-less scheme details, `.git` or a
/// trailing slash; `None` for local paths.
pub fn normalise(url: &str) -> Option<String> {
    let url = url.trim();
    let (host_part, path) = if let Some((_, rest)) = url.split_once("://") {
        if url.starts_with("file://") {
            return None;
        }
        rest.split_once('/').unwrap_or((rest, ""))
    } else if is_scp_like(url) {
        url.split_once(':')?
    } else {
        return None;
    };
    let host = host_part.rsplit_once('@').map_or(host_part, |(_, h)| h).to_ascii_lowercase();
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    Some(format!("{host}/{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_repository_in_every_spelling() {
        let want = Some("github.com/org/gitops".to_owned());
        for url in [
            "https://github.com/org/gitops.git",
            "https://user:token@GitHub.com/org/gitops/",
            "git@github.com:org/gitops.git",
            "ssh://git@github.com/org/gitops",
            "git://github.com/org/gitops",
        ] {
            assert_eq!(normalise(url), want, "{url}");
        }
        assert_eq!(normalise("/srv/git/gitops"), None);
        assert_ne!(normalise("https://github.com/org/gitops-other"), want);
    }

    #[test]
    fn a_path_names_the_checkout_only_when_it_is_the_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let this = ThisRepo::new(dir.path(), ["https://example.com/a/b".to_owned()]);
        assert!(this.is_this(&dir.path().display().to_string()));
        assert!(this.is_this(&format!("file://{}", dir.path().display())));
        assert!(this.is_this("https://example.com/a/b.git"));
        assert!(!this.is_this("https://example.com/a/c"));
        assert!(!this.is_this("/nonexistent/elsewhere"));
    }
}
