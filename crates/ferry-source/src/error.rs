//! The one error type of this crate, and which of its cases are worth retrying.
//!
//! Every URL inside an error is already redacted (no `user:pass@`), and every `reason` taken
//! from an underlying library has had the URL's credentials scrubbed from it.

use std::time::Duration;

/// What went wrong while fetching or reading a Git source.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The remote could not be reached: connection refused, DNS, TLS, the server went away.
    #[error("git remote {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },

    /// The fetch did not finish within the configured time.
    #[error("fetching {url} did not finish within {}s", after.as_secs())]
    Timeout { url: String, after: Duration },

    /// The remote answered but the fetch failed (repository not found, protocol error, bad pack).
    #[error("fetching {url} failed: {reason}")]
    Fetch { url: String, reason: String },

    /// The URL is not one this crate can fetch (or not a URL at all).
    #[error("invalid git URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },

    /// The revision names no branch, tag, ref or commit of the repository.
    #[error("revision {revision:?} not found in {url}; available: {}", format_available(available))]
    UnknownRevision { url: String, revision: String, available: Vec<String> },

    /// An abbreviated SHA matches more than one object.
    #[error("revision {revision:?} is ambiguous in {url}: give more hex digits")]
    AmbiguousRevision { url: String, revision: String },

    /// The revision exists but does not lead to a commit (a tag of a tree or blob, say).
    #[error("revision {revision:?} in {url} does not point to a commit")]
    NotACommit { url: String, revision: String },

    /// A requested path is not allowed: absolute, `..`, or a backslash.
    #[error("path {path:?} is not allowed: {reason}")]
    InvalidPath { path: String, reason: &'static str },

    /// The requested path does not exist at that commit.
    #[error("path {path:?} does not exist at commit {commit}")]
    PathNotFound { path: String, commit: String },

    /// A symlink in the tree points outside the repository.
    #[error("symlink {path:?} points outside the repository (target {target:?})")]
    SymlinkEscape { path: String, target: String },

    /// Symlinks refer to each other (or to an enclosing directory) without end.
    #[error("symlink {path:?} is part of a loop or chains too many links")]
    SymlinkLoop { path: String },

    /// A file is bigger than the per-file cap.
    #[error("file {path:?} is {size} bytes, over the {limit}-byte limit per file")]
    FileTooLarge { path: String, size: u64, limit: u64 },

    /// All files together are bigger than the per-read cap.
    #[error("the files under {path:?} add up to more than the {limit}-byte limit")]
    TreeTooLarge { path: String, limit: u64 },

    /// A file or directory name is not UTF-8; Ferry's paths are strings.
    #[error("a file name under {path:?} is not valid UTF-8")]
    NonUtf8Path { path: String },

    /// A `git` command on a work tree failed for a local reason (disk, a broken checkout).
    #[error("git {command} in {dir}: {reason}")]
    Git { dir: String, command: String, reason: String },

    /// The remote refused a push for a reason other than a race (a hook, a protected branch,
    /// missing permission); `reason` carries the remote's own message.
    #[error("pushing to branch {branch:?} of {url} was rejected: {reason}")]
    PushRejected { url: String, branch: String, reason: String },

    /// Every attempt lost the race against other writers to the branch.
    #[error("pushing to branch {branch:?} of {url} lost to concurrent pushes {attempts} times; giving up")]
    PushContended { url: String, branch: String, attempts: u32 },

    /// Replaying the local commits on the remote's newer ones conflicted.
    #[error(
        "rebasing onto branch {branch:?} of {url} conflicts in {files}; the concurrent change must be resolved by hand"
    )]
    RebaseConflict { url: String, branch: String, files: String },

    /// The local cache could not be created, opened or read.
    #[error("git cache for {url}: {reason}")]
    Cache { url: String, reason: String },
}

impl SourceError {
    /// Whether trying the same operation again later may succeed without anyone changing
    /// anything: network trouble and timeouts are; a wrong revision or a bad path are not.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. } | Self::Timeout { .. } | Self::Fetch { .. } | Self::PushContended { .. }
        )
    }
}

fn format_available(available: &[String]) -> String {
    if available.is_empty() { "no branches or tags".to_owned() } else { available.join(", ") }
}
