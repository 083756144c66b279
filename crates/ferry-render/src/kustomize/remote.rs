//! Remote bases: a `resources:`/`components:` entry naming a Git repository
//! (`https://github.com/org/repo//path?ref=v1`, `github.com/org/repo/path`,
//! `git@github.com:org/repo.git/path`, `ssh://…`, `file:///…`, with kustomize's `git::` prefix
//! and `ref`/`version` query parameters).
//!
//! Ferry never fetches on its own: a build fetches only through the [`RemoteFetcher`] it is
//! given (the controller's Git layer); without one a remote base is a clear error. The
//! checkout is a hard root: the base's path may not leave it.

use std::path::PathBuf;

use super::error::KustomizeError;
use super::loader::normalize;

/// Fetches a Git repository at a reference and returns the directory of its checkout.
pub trait RemoteFetcher {
    /// `repo_url` is the repository (no sub-path, no query); `reference` a branch, tag or commit
    /// (`None`: the default branch).
    fn fetch(&self, repo_url: &str, reference: Option<&str>) -> Result<PathBuf, String>;
}

/// A remote base entry split into repository, path inside it and reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    pub repo: String,
    /// `/`-separated, relative to the repository root, normalised (`""` for the root).
    pub sub_path: String,
    pub reference: Option<String>,
}

/// A fetched remote base.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub dir: PathBuf,
    pub sub_path: String,
    pub spec: RepoSpec,
}

const SCHEMES: [&str; 5] = ["https://", "http://", "ssh://", "file://", "git::"];
const HOSTS: [&str; 3] = ["github.com/", "gitlab.com/", "bitbucket.org/"];

/// Whether a `resources:`/`components:` entry names a remote repository rather than a path.
pub fn is_remote(entry: &str) -> bool {
    SCHEMES.iter().any(|s| entry.starts_with(s))
        || HOSTS.iter().any(|h| entry.starts_with(h))
        || (entry.starts_with("git@") && entry.contains(':'))
}

/// Splits a remote entry as kustomize's `NewRepoSpecFromURL` does (`//` separates the
/// repository from the path; without it `.git` does, or the first two path segments on the
/// well-known hosts).
pub fn parse(entry: &str) -> Result<RepoSpec, String> {
    let entry = entry.strip_prefix("git::").unwrap_or(entry);
    let (rest, query) = entry.split_once('?').unwrap_or((entry, ""));
    let reference = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "ref" || *k == "version")
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty());
    let (prefix, after_host) = split_host(rest)?;
    let (repo_path, sub) = split_repo_path(after_host, &prefix);
    let sub_path = normalize("", sub).ok_or_else(|| format!("path {sub:?} leaves the repository"))?;
    if repo_path.is_empty() {
        return Err("no repository in the URL".to_owned());
    }
    Ok(RepoSpec { repo: format!("{prefix}{repo_path}"), sub_path, reference })
}

/// The scheme and host part (`https://github.com/`, `git@github.com:`, `file://`) and the rest.
fn split_host(url: &str) -> Result<(String, &str), String> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Ok(("file://".to_owned(), rest));
    }
    if url.starts_with("git@") {
        let (host, rest) = url.split_once(':').ok_or("no ':' after the host")?;
        return Ok((format!("{host}:"), rest));
    }
    for scheme in ["https://", "http://", "ssh://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let (host, path) = rest.split_once('/').ok_or("no path after the host")?;
            return Ok((format!("{scheme}{host}/"), path));
        }
    }
    let (host, path) = url.split_once('/').ok_or("no path after the host")?;
    Ok((format!("https://{host}/"), path))
}

/// The repository path and the sub-path of the part after the host.
fn split_repo_path<'a>(path: &'a str, prefix: &str) -> (&'a str, &'a str) {
    let start = usize::from(prefix == "file://" && path.starts_with('/'));
    if let Some(i) = path[start..].find("//") {
        return (&path[..start + i], &path[start + i + 2..]);
    }
    if let Some(i) = path.find(".git/") {
        return (&path[..i + 4], &path[i + 5..]);
    }
    if path.ends_with(".git") || prefix == "file://" {
        return (path, "");
    }
    let mut segments = path.splitn(3, '/');
    let org = segments.next().unwrap_or_default();
    let repo = segments.next().unwrap_or_default();
    let len = org.len() + if repo.is_empty() { 0 } else { 1 + repo.len() };
    (&path[..len], segments.next().unwrap_or_default())
}

/// Fetches the remote base `entry` through `fetcher`; `file` is the kustomization naming it.
pub fn fetch(fetcher: Option<&dyn RemoteFetcher>, entry: &str, file: &str) -> Result<Checkout, KustomizeError> {
    let Some(fetcher) = fetcher else {
        return Err(KustomizeError::Unsupported {
            file: file.to_owned(),
            message: format!("remote base {entry:?}: remote bases are disabled for this build"),
        });
    };
    let spec = parse(entry).map_err(|message| KustomizeError::Invalid {
        file: file.to_owned(),
        field: "resources".to_owned(),
        message: format!("remote base {entry:?}: {message}"),
    })?;
    let dir = fetcher.fetch(&spec.repo, spec.reference.as_deref()).map_err(|message| KustomizeError::Io {
        path: file.to_owned(),
        message: format!("fetching remote base {entry:?}: {message}"),
    })?;
    Ok(Checkout { dir, sub_path: spec.sub_path.clone(), spec })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(repo: &str, sub: &str, reference: Option<&str>) -> RepoSpec {
        RepoSpec { repo: repo.to_owned(), sub_path: sub.to_owned(), reference: reference.map(str::to_owned) }
    }

    #[test]
    fn remote_entries_are_split_like_kustomize() {
        let cases = [
            (
                "https://github.com/org/repo//deploy/base?ref=v1",
                spec("https://github.com/org/repo", "deploy/base", Some("v1")),
            ),
            ("github.com/org/repo/deploy?ref=main", spec("https://github.com/org/repo", "deploy", Some("main"))),
            ("git@github.com:org/repo.git/deploy", spec("git@github.com:org/repo.git", "deploy", None)),
            ("git::https://example.com/a/b.git//x?version=v2", spec("https://example.com/a/b.git", "x", Some("v2"))),
            ("file:///tmp/repo//base?ref=main", spec("file:///tmp/repo", "base", Some("main"))),
            ("file:///tmp/repo", spec("file:///tmp/repo", "", None)),
        ];
        for (entry, want) in cases {
            assert!(is_remote(entry), "{entry}");
            assert_eq!(parse(entry).unwrap(), want, "{entry}");
        }
        assert!(!is_remote("../base") && !is_remote("base/github.com"));
        assert!(parse("https://github.com/org/repo//../../etc").is_err());
    }

    #[test]
    fn without_a_fetcher_remote_bases_are_refused() {
        let err = fetch(None, "https://github.com/org/repo", "k/kustomization.yaml").unwrap_err();
        assert!(err.to_string().contains("remote bases are disabled"), "{err}");
    }
}
