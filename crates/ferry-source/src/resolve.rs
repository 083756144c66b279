//! Resolving Argo CD's `targetRevision` to a commit in the cached repository.
//!
//! Accepted, in this order: `HEAD` (or empty: the remote's default branch), a full ref name
//! (`refs/...`), a branch name, a tag name (annotated tags peeled to their commit), a full or
//! abbreviated (at least 7 hex digits) commit SHA. A branch wins over a tag of the same name,
//! as in Argo CD, which takes the first match of the remote's sorted ref list.

use gix::objs::Kind;

use crate::remote_url::RemoteUrl;
use crate::{CommitId, GitCache, SourceError};

/// The shortest abbreviated SHA accepted, as `git log --oneline` prints.
const MIN_ABBREV: usize = 7;

impl GitCache {
    /// Resolves `revision` against what was last fetched from `url` (the remote is fetched
    /// first only if it never was). Fetch before resolving to see the remote's latest state.
    pub fn resolve(&self, url: &str, revision: &str) -> Result<CommitId, SourceError> {
        let remote = RemoteUrl::parse(url)?;
        let repo = self.open_or_fetch(&remote, url)?;
        resolve_in(&repo, &remote, revision.trim())
    }
}

fn resolve_in(repo: &gix::Repository, remote: &RemoteUrl, revision: &str) -> Result<CommitId, SourceError> {
    let unknown = || SourceError::UnknownRevision {
        url: remote.redacted.clone(),
        revision: revision.to_owned(),
        available: crate::refs::some_names(repo, 10),
    };
    let not_a_commit = || SourceError::NotACommit { url: remote.redacted.clone(), revision: revision.to_owned() };
    if revision.is_empty() || revision == "HEAD" {
        return repo.head_commit().map(|c| CommitId(c.id)).map_err(|_| unknown());
    }
    let candidates = if revision.starts_with("refs/") {
        vec![revision.to_owned()]
    } else {
        vec![format!("refs/heads/{revision}"), format!("refs/tags/{revision}")]
    };
    for name in candidates {
        // A name that is not a valid ref name cannot be a branch or tag: look further.
        if let Ok(Some(mut reference)) = repo.try_find_reference(name.as_str()) {
            return reference.peel_to_commit().map(|c| CommitId(c.id)).map_err(|_| not_a_commit());
        }
    }
    if (MIN_ABBREV..=40).contains(&revision.len()) && revision.bytes().all(|b| b.is_ascii_hexdigit()) {
        let prefix = gix::hash::Prefix::from_hex(&revision.to_ascii_lowercase()).map_err(|_| unknown())?;
        let id = match repo.objects.lookup_prefix(prefix, None) {
            Ok(Some(Ok(id))) => id,
            Ok(Some(Err(()))) => {
                return Err(SourceError::AmbiguousRevision {
                    url: remote.redacted.clone(),
                    revision: revision.to_owned(),
                });
            }
            _ => return Err(unknown()),
        };
        let object = repo.find_object(id).map_err(|_| unknown())?;
        return object.peel_to_kind(Kind::Commit).map(|c| CommitId(c.id)).map_err(|_| not_a_commit());
    }
    Err(unknown())
}
