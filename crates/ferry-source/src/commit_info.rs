//! What a history view shows about a commit: who, when, and the first line of the message.

use crate::remote_url::RemoteUrl;
use crate::{CommitId, GitCache, SourceError};

/// A commit's metadata for history display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The commit.
    pub id: CommitId,
    /// The author as `Name <email>`.
    pub author: String,
    /// The author date, in seconds since the Unix epoch.
    pub date: i64,
    /// The message's first line (its subject), without trailing whitespace.
    pub summary: String,
}

impl GitCache {
    /// The author, date and subject of `commit` (as Argo CD shows for a revision).
    pub fn last_commit_info(&self, url: &str, commit: CommitId) -> Result<CommitInfo, SourceError> {
        let remote = RemoteUrl::parse(url)?;
        let repo = self.open_or_fetch(&remote, url)?;
        let found = repo.find_commit(commit.0).map_err(|_| SourceError::UnknownRevision {
            url: remote.redacted.clone(),
            revision: commit.to_hex(),
            available: crate::refs::some_names(&repo, 10),
        })?;
        let broken = |e: &dyn std::fmt::Display| SourceError::Cache {
            url: remote.redacted.clone(),
            reason: format!("commit {commit} cannot be decoded: {e}"),
        };
        let author = found.author().map_err(|e| broken(&e))?;
        let date = author.time().map_err(|e| broken(&e))?.seconds;
        let summary = found.message().map_err(|e| broken(&e))?.summary().to_string();
        Ok(CommitInfo {
            id: commit,
            author: format!("{} <{}>", author.name, author.email),
            date,
            summary: summary.trim_end().to_owned(),
        })
    }
}
