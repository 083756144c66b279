//! The refs of a cached repository: branches and tags with the commits they lead to.

use std::collections::BTreeMap;

use crate::CommitId;

/// Every branch and tag (full ref name) with the commit it leads to. Annotated tags are peeled;
/// refs that lead to no commit (a tag of a tree, say) are left out.
pub(crate) fn branch_and_tag_commits(repo: &gix::Repository) -> Result<BTreeMap<String, CommitId>, gix::Error> {
    let mut out = BTreeMap::new();
    let platform = repo.references()?;
    for reference in platform.all()? {
        let mut reference = reference?;
        let name = reference.name().as_bstr().to_string();
        if !(name.starts_with("refs/heads/") || name.starts_with("refs/tags/")) {
            continue;
        }
        if let Ok(commit) = reference.peel_to_commit() {
            out.insert(name, CommitId(commit.id));
        }
    }
    Ok(out)
}

/// A few branch and tag names (short form) to show next to an unknown revision.
pub(crate) fn some_names(repo: &gix::Repository, max: usize) -> Vec<String> {
    let Ok(refs) = branch_and_tag_commits(repo) else { return Vec::new() };
    let mut names: Vec<String> = refs
        .keys()
        .map(|name| name.trim_start_matches("refs/heads/").trim_start_matches("refs/tags/").to_owned())
        .collect();
    if names.len() > max {
        names.truncate(max);
        names.push("…".to_owned());
    }
    names
}
