//! Reading every file under a directory of a commit straight from the object database — no
//! checkout, so nothing from the repository ever touches the file system.
//!
//! Symlinks are followed inside the repository (files and directories alike) and refused when
//! they leave it (see `tree_path`); submodules are skipped with a note; sizes are capped.

use gix::ObjectId;
use gix::objs::tree::EntryKind;

use crate::cache::Limits;
use crate::remote_url::RemoteUrl;
use crate::tree_path::{self, Found, join, tree_error};
use crate::{CommitId, GitCache, SourceError};

/// Directories deeper than this (counting symlinked ones) are refused as a likely loop.
const MAX_DEPTH: usize = 128;

/// One file read from a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Repo-relative path with `/` separators, as reached from the requested path (a file met
    /// through a symlink keeps the link's path).
    pub path: String,
    /// The file's bytes (for a symlink, the bytes of the file it points to).
    pub contents: Vec<u8>,
}

/// The files under one path of one commit, and what was passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceTree {
    /// Every file, sorted by path.
    pub files: Vec<SourceFile>,
    /// Entries skipped, each with why: submodules, dangling symlinks.
    pub notes: Vec<String>,
}

impl GitCache {
    /// Reads every file under `path` (recursively; `""` is the repository root) of `commit`.
    /// A `path` naming a single file yields that file. The commit must be in the cache: it is
    /// fetched first only if the remote was never fetched.
    pub fn read_tree(&self, url: &str, commit: CommitId, path: &str) -> Result<SourceTree, SourceError> {
        let remote = RemoteUrl::parse(url)?;
        let repo = self.open_or_fetch(&remote, url)?;
        read_tree_in(&repo, &remote, self.limits, commit, path)
    }
}

/// Reads every file under `path` of `commit` in `repo` (a cached or a local repository).
pub(crate) fn read_tree_in(
    repo: &gix::Repository,
    remote: &RemoteUrl,
    limits: Limits,
    commit: CommitId,
    path: &str,
) -> Result<SourceTree, SourceError> {
    let components = tree_path::split_requested(path)?;
    let root = commit_tree(repo, remote, commit)?;
    let mut reader = Reader { repo, root, limits, requested: path, total: 0, out: SourceTree::default() };
    match tree_path::lookup(repo, root, &components).map_err(|e| with_url(e, remote))? {
        Found::Missing | Found::Gitlink => {
            return Err(SourceError::PathNotFound { path: path.to_owned(), commit: commit.to_hex() });
        }
        Found::Blob { id, .. } => reader.add_file(components.join("/"), id)?,
        Found::Tree { id, canonical } => {
            let mut ancestors = vec![canonical.clone()];
            reader.walk(id, &canonical, &components.join("/"), &mut ancestors).map_err(|e| with_url(e, remote))?;
        }
    }
    let mut out = reader.out;
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The root tree of `commit`, or `UnknownRevision` if the cache does not have that commit.
fn commit_tree(repo: &gix::Repository, remote: &RemoteUrl, commit: CommitId) -> Result<ObjectId, SourceError> {
    let unknown = || SourceError::UnknownRevision {
        url: remote.redacted.clone(),
        revision: commit.to_hex(),
        available: crate::refs::some_names(repo, 10),
    };
    let commit = repo.find_commit(commit.0).map_err(|_| unknown())?;
    commit.tree_id().map(|id| id.detach()).map_err(|e| with_url(tree_error(&e), remote))
}

struct Reader<'a> {
    repo: &'a gix::Repository,
    root: ObjectId,
    limits: Limits,
    requested: &'a str,
    total: u64,
    out: SourceTree,
}

impl Reader<'_> {
    /// Reads the directory `tree`, whose real path is `canonical` and whose shown path is
    /// `logical`; `ancestors` holds the real paths of the directories being read, to catch
    /// directory symlinks that lead back into them.
    fn walk(
        &mut self,
        tree: ObjectId,
        canonical: &[String],
        logical: &str,
        ancestors: &mut Vec<Vec<String>>,
    ) -> Result<(), SourceError> {
        if ancestors.len() > MAX_DEPTH {
            return Err(SourceError::SymlinkLoop { path: logical.to_owned() });
        }
        for (kind, name, id) in entries(self.repo, tree, logical)? {
            let shown = if logical.is_empty() { name.clone() } else { format!("{logical}/{name}") };
            match kind {
                EntryKind::Blob | EntryKind::BlobExecutable => self.add_file(shown, id)?,
                EntryKind::Commit => self.out.notes.push(format!("skipped submodule {shown}")),
                EntryKind::Tree => {
                    let child: Vec<String> = canonical.iter().cloned().chain([name]).collect();
                    self.enter(id, child, &shown, ancestors)?;
                }
                EntryKind::Link => {
                    let link: Vec<String> = canonical.iter().cloned().chain([name]).collect();
                    match tree_path::lookup(self.repo, self.root, &link)? {
                        Found::Blob { id, .. } => self.add_file(shown, id)?,
                        Found::Tree { id, canonical: target } => {
                            if ancestors.contains(&target) {
                                return Err(SourceError::SymlinkLoop { path: join(canonical, &link[link.len() - 1]) });
                            }
                            self.enter(id, target, &shown, ancestors)?;
                        }
                        Found::Gitlink => self.out.notes.push(format!("skipped symlink {shown} to a submodule")),
                        Found::Missing => self.out.notes.push(format!("skipped dangling symlink {shown}")),
                    }
                }
            }
        }
        Ok(())
    }

    fn enter(
        &mut self,
        tree: ObjectId,
        canonical: Vec<String>,
        logical: &str,
        ancestors: &mut Vec<Vec<String>>,
    ) -> Result<(), SourceError> {
        ancestors.push(canonical);
        let canonical = ancestors.last().cloned().unwrap_or_default();
        let result = self.walk(tree, &canonical, logical, ancestors);
        ancestors.pop();
        result
    }

    fn add_file(&mut self, path: String, id: ObjectId) -> Result<(), SourceError> {
        let size = self.repo.find_header(id).map_err(|e| tree_error(&e))?.size();
        if size > self.limits.max_file_bytes {
            return Err(SourceError::FileTooLarge { path, size, limit: self.limits.max_file_bytes });
        }
        self.total += size;
        if self.total > self.limits.max_total_bytes {
            return Err(SourceError::TreeTooLarge {
                path: self.requested.to_owned(),
                limit: self.limits.max_total_bytes,
            });
        }
        let contents = self.repo.find_blob(id).map_err(|e| tree_error(&e))?.take_data();
        self.out.files.push(SourceFile { path, contents });
        Ok(())
    }
}

/// The entries of a tree as owned values, so the walk can recurse while holding them.
fn entries(
    repo: &gix::Repository,
    tree: ObjectId,
    logical: &str,
) -> Result<Vec<(EntryKind, String, ObjectId)>, SourceError> {
    let tree = repo.find_tree(tree).map_err(|e| tree_error(&e))?;
    let decoded = tree.decode().map_err(|e| tree_error(&e))?;
    decoded
        .entries
        .iter()
        .map(|entry| {
            let name = std::str::from_utf8(entry.filename)
                .map_err(|_| SourceError::NonUtf8Path { path: logical.to_owned() })?
                .to_owned();
            Ok((entry.mode.kind(), name, entry.oid.to_owned()))
        })
        .collect()
}

/// Names the remote in cache errors raised below the cache layer.
fn with_url(error: SourceError, remote: &RemoteUrl) -> SourceError {
    match error {
        SourceError::Cache { url, reason } if url.is_empty() => {
            SourceError::Cache { url: remote.redacted.clone(), reason }
        }
        other => other,
    }
}
