//! Git subscriptions: the newest commits of a branch, or tagged commits by semver, lexically
//! or by tag date. The repository is fetched into the [`GitCache`] first (on a blocking
//! thread), then read with `git` ([`super::git_history`]).
//!
//! Tag strategies consider every tag of the repository, filtered by `allowTags`/`ignoreTags`.
//! Path filters (`includePaths`/`excludePaths`, [`super::git_paths`]) apply to every strategy,
//! as in Kargo: on a branch they choose commits; with tags, a tag counts only when the commit
//! it points to changed an admitted path (its diff against its first parent, every file for a
//! root commit). The tags are walked best first until `discoveryLimit` of them count.

use std::collections::{HashMap, HashSet};

use ferry_api::{CommitSelectionStrategy, GitSubscription};
use ferry_core::freight::Revision;

use super::git_history::{CommitRecord, History, TagRecord};
use super::git_paths::PathFilter;
use super::tags::{self, TagFilter};
use super::{Discovered, DiscoveryError};
use crate::{GitCache, redact_url};

/// Fetches and reads the repository of `subscription` on a blocking thread.
pub(crate) async fn discover(
    cache: &GitCache,
    subscription: GitSubscription,
) -> Result<Vec<Discovered>, DiscoveryError> {
    let cache = cache.clone();
    let repo = redact_url(&subscription.repo_url);
    tokio::task::spawn_blocking(move || discover_blocking(&cache, &subscription))
        .await
        .map_err(|e| DiscoveryError::Interrupted { repo, reason: e.to_string() })?
}

fn discover_blocking(cache: &GitCache, sub: &GitSubscription) -> Result<Vec<Discovered>, DiscoveryError> {
    let repo = redact_url(&sub.repo_url);
    let git_error = |source| DiscoveryError::Git { repo: repo.clone(), source };
    cache.fetch(&sub.repo_url).map_err(git_error)?;
    let dir = cache.repo_path(&sub.repo_url).map_err(git_error)?;
    let history = History { dir, repo: repo.clone() };
    let limit = sub.discovery_limit as usize;
    let records = match sub.commit_selection_strategy {
        CommitSelectionStrategy::NewestFromBranch => newest_from_branch(&history, sub, limit)?,
        strategy => by_tag(&history, sub, strategy, limit)?,
    };
    Ok(records.into_iter().map(|r| discovered(&sub.repo_url, r)).collect())
}

fn newest_from_branch(
    history: &History,
    sub: &GitSubscription,
    limit: usize,
) -> Result<Vec<CommitRecord>, DiscoveryError> {
    let filter = PathFilter::new(&sub.include_paths, &sub.exclude_paths)?;
    let rev = match &sub.branch {
        Some(branch) => format!("refs/heads/{branch}"),
        None => "HEAD".to_owned(),
    };
    if !history.has_commit(&rev) {
        let branch = sub.branch.clone().unwrap_or_else(|| "(default branch)".to_owned());
        return Err(DiscoveryError::UnknownBranch { repo: history.repo.clone(), branch });
    }
    history.commits(&rev, limit, &filter)
}

fn by_tag(
    history: &History,
    sub: &GitSubscription,
    strategy: CommitSelectionStrategy,
    limit: usize,
) -> Result<Vec<CommitRecord>, DiscoveryError> {
    let filter = TagFilter::new(&sub.allow_tags, &sub.ignore_tags)?;
    let paths = PathFilter::new(&sub.include_paths, &sub.exclude_paths)?;
    let constraint = tags::constraint(sub.semver_constraint.as_deref())?;
    let all: Vec<TagRecord> = history.tags()?.into_iter().filter(|t| filter.admits(&t.name)).collect();
    let names = all.iter().map(|t| t.name.as_str());
    let ordered: Vec<&str> = match strategy {
        CommitSelectionStrategy::SemVer => tags::by_semver(names, constraint.as_ref()),
        CommitSelectionStrategy::Lexical => tags::lexical(names),
        _ => newest_tags(&all),
    };
    let by_name: HashMap<&str, &str> = all.iter().map(|t| (t.name.as_str(), t.commit.as_str())).collect();
    let commits: Vec<&str> = ordered.iter().filter_map(|name| by_name.get(name).copied()).collect();
    // Several tags may point to one commit: each commit is read (and its diff judged) once.
    let mut seen = HashSet::new();
    let unique: Vec<&str> = commits.iter().copied().filter(|sha| seen.insert(*sha)).collect();
    let admitted = history.tagged_commits(&unique, limit, &paths)?;
    let details: HashMap<&str, &CommitRecord> = admitted.iter().map(|r| (r.sha.as_str(), r)).collect();
    Ok(commits.iter().filter_map(|sha| details.get(sha).map(|r| (*r).clone())).take(limit).collect())
}

/// Tags by date, newest first; a tie breaks by name, greatest first.
fn newest_tags(all: &[TagRecord]) -> Vec<&str> {
    let mut sorted: Vec<&TagRecord> = all.iter().collect();
    sorted.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.name.cmp(&a.name)));
    sorted.into_iter().map(|t| t.name.as_str()).collect()
}

fn discovered(repo_url: &str, record: CommitRecord) -> Discovered {
    Discovered {
        revision: Revision::Git { repo_url: repo_url.to_owned(), commit: record.sha },
        created: Some(record.time),
        author: Some(record.author_email),
        message: Some(record.subject),
    }
}
