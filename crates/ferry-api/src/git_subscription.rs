//! A Warehouse's `git` subscription: the newest commit of a branch or the newest tag (by
//! semver, lexically, or by date). Path filters (`includePaths`/`excludePaths`) apply to every
//! strategy, as in Kargo: with a tag strategy a tag counts only when its commit changed an
//! included path that is not excluded.

use serde::Serialize;

use crate::decode::{Decoder, Fields};
use crate::node::{Node, NodeKind};
use crate::subscription;

/// How a Git subscription picks the next commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CommitSelectionStrategy {
    /// The newest commit of `branch` (the default).
    NewestFromBranch,
    /// The tag with the greatest semantic version, within `semverConstraint`.
    SemVer,
    /// The lexically greatest tag.
    Lexical,
    /// The most recently created tag.
    NewestTag,
}

/// A subscription to a Git repository.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GitSubscription {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The branch to follow; `None` is the repository's default branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    pub commit_selection_strategy: CommitSelectionStrategy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver_constraint: Option<String>,
    /// Tags considered by the tag strategies (regular expressions; all when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow_tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore_tags: Vec<String>,
    /// Only commits touching these paths count — on a branch the commits themselves, with a
    /// tag strategy the tagged commits (path prefixes, globs, `glob:` or `regex:` patterns; all
    /// when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include_paths: Vec<String>,
    /// Commits (or tagged commits) touching only these paths are skipped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude_paths: Vec<String>,
    pub discovery_limit: u32,
}

const STRATEGIES: &[(&str, CommitSelectionStrategy)] = &[
    ("NewestFromBranch", CommitSelectionStrategy::NewestFromBranch),
    ("SemVer", CommitSelectionStrategy::SemVer),
    ("Lexical", CommitSelectionStrategy::Lexical),
    ("NewestTag", CommitSelectionStrategy::NewestTag),
];

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<GitSubscription> {
    let mut f = d.fields(node, path)?;
    let errors_before = d.error_count();
    let repo_url = f.required_string(d, "repoURL", "the URL of the Git repository");
    let branch = f.string(d, "branch");
    let strategy_node = f.peek("commitSelectionStrategy");
    let strategy =
        f.choice(d, "commitSelectionStrategy", STRATEGIES).unwrap_or(CommitSelectionStrategy::NewestFromBranch);
    let semver_constraint = subscription::semver_constraint(d, &mut f);
    let allow_tags = subscription::patterns(d, &mut f, "allowTags");
    let ignore_tags = subscription::patterns(d, &mut f, "ignoreTags");
    let include_paths = path_patterns(d, &mut f, "includePaths");
    let exclude_paths = path_patterns(d, &mut f, "excludePaths");
    let discovery_limit = subscription::discovery_limit(d, &mut f);
    let by_tag = strategy != CommitSelectionStrategy::NewestFromBranch;
    if by_tag && branch.is_some() {
        let line = strategy_node.map_or(f.line(), |n| n.line);
        refuse(d, &f, line, "branch", "no `branch` with a tag strategy: tags are read from the whole repository");
    }
    if semver_constraint.is_some() && strategy != CommitSelectionStrategy::SemVer {
        refuse(d, &f, f.line(), "semverConstraint", "`commitSelectionStrategy: SemVer` with a `semverConstraint`");
    }
    let filters_tags = !allow_tags.is_empty() || !ignore_tags.is_empty();
    if filters_tags && !by_tag {
        refuse(d, &f, f.line(), "allowTags", "a tag strategy (SemVer, Lexical, NewestTag) with tag filters");
    }
    f.finish(d);
    if d.error_count() > errors_before {
        return None;
    }
    Some(GitSubscription {
        repo_url: repo_url?,
        branch,
        commit_selection_strategy: strategy,
        semver_constraint,
        allow_tags,
        ignore_tags,
        include_paths,
        exclude_paths,
        discovery_limit,
    })
}

fn refuse(d: &mut Decoder, f: &Fields<'_>, line: usize, key: &str, expected: &str) {
    let line = f.peek(key).map_or(line, |n| n.line);
    d.invalid_at(line, &f.path(key), expected, "a combination that does not apply".to_owned());
}

/// `includePaths`/`excludePaths`: a list of path prefixes, globs, `glob:` or `regex:` patterns.
/// A `regex:` pattern is compiled here so its mistake names file and line; globs are checked
/// when discovery compiles them.
fn path_patterns(d: &mut Decoder, f: &mut Fields<'_>, key: &'static str) -> Vec<String> {
    let path = f.path(key);
    let items = match f.peek(key).map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.as_slice(),
        _ => &[],
    };
    for (i, item) in items.iter().enumerate() {
        let NodeKind::String(text) = &item.kind else { continue };
        let Some(re) = text.strip_prefix("regex:") else { continue };
        if let Err(e) = regex::RegexBuilder::new(re).size_limit(1 << 20).build() {
            let reason = e.to_string().lines().last().unwrap_or_default().trim().to_owned();
            d.invalid_at(item.line, &format!("{path}[{i}]"), "a `regex:` path pattern", format!("{text:?} ({reason})"));
        }
    }
    f.strings(d, key)
}
