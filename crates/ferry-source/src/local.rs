//! `LocalRepo`: a working repository on this machine (a pull request's checkout), read the same
//! way cached remotes are — commits resolved as `git rev-parse` resolves them, files read from
//! the object database with the same confinement and size caps — so a check sees exactly what
//! the sync engine would once the change is merged.
//!
//! The working tree, uncommitted and untracked (not ignored) files included, is read as a
//! snapshot commit written with a private index: the user's index, branches and files are never
//! touched.

use std::path::{Path, PathBuf};

use crate::cache::Limits;
use crate::program::run_git;
use crate::remote_url::RemoteUrl;
use crate::tree::read_tree_in;
use crate::{CommitId, SourceError, SourceTree};

/// A Git repository with a working tree.
pub struct LocalRepo {
    root: PathBuf,
    repo: gix::Repository,
    remote: RemoteUrl,
    limits: Limits,
}

impl std::fmt::Debug for LocalRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalRepo").field("root", &self.root).finish()
    }
}

impl LocalRepo {
    /// The repository `dir` is in (its top level is found as `git rev-parse` finds it).
    pub fn open(dir: &Path) -> Result<LocalRepo, SourceError> {
        let top = git(dir, &["rev-parse", "--show-toplevel"], &[])?;
        let root = PathBuf::from(top.trim());
        let remote = RemoteUrl::parse(&root.to_string_lossy())?;
        let repo = gix::open(&root).map_err(|e| local_error(&root, &e))?;
        Ok(LocalRepo { root, repo, remote, limits: Limits::default() })
    }

    /// The top-level directory of the working tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Resolves `revision` as Git does (`main`, `origin/main`, `HEAD~1`, a tag, a SHA).
    pub fn resolve(&self, revision: &str) -> Result<CommitId, SourceError> {
        let unknown = || SourceError::UnknownRevision {
            url: self.remote.redacted.clone(),
            revision: revision.to_owned(),
            available: crate::refs::some_names(&self.repo, 10),
        };
        if revision.starts_with('-') {
            return Err(unknown());
        }
        let spec = format!("{revision}^{{commit}}");
        let hex = git(&self.root, &["rev-parse", "--verify", "--quiet", "--end-of-options", &spec], &[])
            .map_err(|_| unknown())?;
        hex.trim().parse().map_err(|_| unknown())
    }

    /// The working tree as a commit: `HEAD` when nothing differs from it, else a snapshot
    /// commit (parent `HEAD`) of every tracked and untracked, not ignored, file as it is on disk.
    pub fn worktree(&self) -> Result<CommitId, SourceError> {
        let status = git(&self.root, &["status", "--porcelain", "--untracked-files=all"], &[])?;
        let head = self.resolve("HEAD").ok();
        if let (true, Some(head)) = (status.trim().is_empty(), head) {
            return Ok(head);
        }
        let scratch = tempfile::tempdir().map_err(|e| local_error(&self.root, &e))?;
        let index = scratch.path().join("index");
        if let Ok(real) = git(&self.root, &["rev-parse", "--git-path", "index"], &[]) {
            // Starting from the real index reuses its file stat cache; a copy is never written back.
            let _ = std::fs::copy(self.root.join(real.trim()), &index);
        }
        let env = [("GIT_INDEX_FILE", index.as_os_str())];
        git(&self.root, &["add", "--all", "--", "."], &env)?;
        let tree = git(&self.root, &["write-tree"], &env)?;
        let mut args = vec!["commit-tree", tree.trim(), "-m", "ferry: working tree snapshot"];
        let head_hex = head.map(|h| h.to_hex());
        if let Some(parent) = &head_hex {
            args.extend(["-p", parent.as_str()]);
        }
        let commit = git(&self.root, &args, &snapshot_identity())?;
        let repo = gix::open(&self.root).map_err(|e| local_error(&self.root, &e))?;
        let id: CommitId = commit.trim().parse().map_err(|e| local_error(&self.root, &e))?;
        repo.find_commit(id.0).map_err(|e| local_error(&self.root, &e))?;
        Ok(id)
    }

    /// Every file under `path` of `commit`, as [`crate::GitCache::read_tree`] reads a remote.
    pub fn read_tree(&self, commit: CommitId, path: &str) -> Result<SourceTree, SourceError> {
        // Reopened so objects written since `open` (a snapshot) are found.
        let repo = gix::open(&self.root).map_err(|e| local_error(&self.root, &e))?;
        read_tree_in(&repo, &self.remote, self.limits, commit, path)
    }

    /// The URLs of the repository's remotes (`git remote -v`), credentials included as
    /// configured: callers compare them, never print them unredacted.
    pub fn remote_urls(&self) -> Vec<String> {
        let Ok(out) = git(&self.root, &["remote", "-v"], &[]) else { return Vec::new() };
        let mut urls: Vec<String> =
            out.lines().filter_map(|l| l.split_whitespace().nth(1)).map(str::to_owned).collect();
        urls.dedup();
        urls
    }
}

/// A fixed author for snapshot commits, so a machine without a Git identity can still check.
fn snapshot_identity() -> Vec<(&'static str, &'static std::ffi::OsStr)> {
    let name = std::ffi::OsStr::new("ferry");
    let email = std::ffi::OsStr::new("ferry@localhost");
    vec![
        ("GIT_AUTHOR_NAME", name),
        ("GIT_AUTHOR_EMAIL", email),
        ("GIT_COMMITTER_NAME", name),
        ("GIT_COMMITTER_EMAIL", email),
    ]
}

/// Runs the `git` program in `dir`; its stdout, or an error with its stderr.
fn git(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Result<String, SourceError> {
    let out = run_git(dir, args, env).map_err(|e| local_error(dir, &format!("cannot run git: {e}")))?;
    if !out.success() {
        return Err(local_error(dir, &format!("git {}: {}", args.first().copied().unwrap_or(""), out.stderr)));
    }
    Ok(out.stdout)
}

fn local_error(dir: &Path, error: &dyn std::fmt::Display) -> SourceError {
    SourceError::Cache { url: dir.display().to_string(), reason: error.to_string() }
}
