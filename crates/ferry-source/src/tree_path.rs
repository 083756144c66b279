//! Paths inside a repository's tree, resolved the way a file system would — but confined to
//! the repository (DESIGN.md §9; Argo CD CVE-2022-24348 and kin).
//!
//! A requested path may not be absolute, contain `..` or a backslash. Symlinks met on the way
//! are followed against the tree itself: a relative target that stays inside the repository
//! is fine, an absolute target or one whose `..` climbs above the root is a
//! [`SourceError::SymlinkEscape`]. At most [`MAX_LINK_HOPS`] links are followed per lookup.

use gix::ObjectId;
use gix::objs::tree::EntryKind;

use crate::SourceError;

/// Links followed in one lookup before it is called a loop (Linux allows 40).
pub(crate) const MAX_LINK_HOPS: usize = 40;
/// Longest symlink target read (Linux's PATH_MAX).
const MAX_LINK_TARGET: u64 = 4096;

/// Splits a requested repo-relative path into components; `""`, `"."` and `"/"`-free forms
/// like `apps/./web/` are accepted, anything that could leave the repository is not.
pub(crate) fn split_requested(path: &str) -> Result<Vec<String>, SourceError> {
    let invalid = |reason| SourceError::InvalidPath { path: path.to_owned(), reason };
    if path.contains('\\') {
        return Err(invalid("backslashes are not allowed"));
    }
    if path.starts_with('/') {
        return Err(invalid("absolute paths are not allowed"));
    }
    if path.contains('\0') {
        return Err(invalid("NUL bytes are not allowed"));
    }
    let mut out = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => return Err(invalid("`..` is not allowed")),
            other => out.push(other.to_owned()),
        }
    }
    Ok(out)
}

/// Where a lookup ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// A file; `canonical` is its real repo path after following links.
    Blob { id: ObjectId, canonical: Vec<String> },
    /// A directory; `canonical` is its real repo path after following links.
    Tree { id: ObjectId, canonical: Vec<String> },
    /// A submodule commit: nothing to read here.
    Gitlink,
    /// Nothing at that path (or a dangling link).
    Missing,
}

/// Looks `components` up from the root tree, following symlinks inside the repository.
pub(crate) fn lookup(repo: &gix::Repository, root: ObjectId, components: &[String]) -> Result<Found, SourceError> {
    let mut pending: std::collections::VecDeque<String> = components.iter().cloned().collect();
    let mut resolved: Vec<String> = Vec::new();
    let mut trees: Vec<ObjectId> = vec![root];
    let mut hops = 0;
    // The link being followed, to name it if its target climbs above the root.
    let mut last_link = (String::new(), String::new());
    while let Some(component) = pending.pop_front() {
        match component.as_str() {
            "" | "." => continue,
            ".." => {
                // Only symlink targets put `..` here (requested paths were refused earlier);
                // after a link to a shallower directory it can still reach past the root.
                if resolved.pop().is_none() {
                    let (path, target) = last_link;
                    return Err(SourceError::SymlinkEscape { path, target });
                }
                trees.pop();
                continue;
            }
            _ => {}
        }
        let Some(tree) = trees.last().copied() else { return Ok(Found::Missing) };
        let Some((kind, id)) = find_entry(repo, tree, &component)? else { return Ok(Found::Missing) };
        match kind {
            EntryKind::Tree => {
                resolved.push(component);
                trees.push(id);
            }
            EntryKind::Blob | EntryKind::BlobExecutable => {
                resolved.push(component);
                return Ok(if pending.is_empty() { Found::Blob { id, canonical: resolved } } else { Found::Missing });
            }
            EntryKind::Commit => return Ok(if pending.is_empty() { Found::Gitlink } else { Found::Missing }),
            EntryKind::Link => {
                hops += 1;
                let link_path = join(&resolved, &component);
                if hops > MAX_LINK_HOPS {
                    return Err(SourceError::SymlinkLoop { path: link_path });
                }
                let target = read_link(repo, id, &link_path)?;
                let escape = || SourceError::SymlinkEscape { path: link_path.clone(), target: target.clone() };
                if target.starts_with('/') || target.contains('\0') {
                    return Err(escape());
                }
                if climbs_above_root(resolved.len(), &target) {
                    return Err(escape());
                }
                for part in target.split('/').rev() {
                    pending.push_front(part.to_owned());
                }
                last_link = (link_path, target);
            }
        }
    }
    let id = trees.last().copied().unwrap_or(root);
    Ok(Found::Tree { id, canonical: resolved })
}

/// Whether a link `target` in a directory `depth` levels deep climbs above the root at any
/// point (so `a/../../x` escapes even if it would come back).
fn climbs_above_root(depth: usize, target: &str) -> bool {
    let mut level = depth as isize;
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                level -= 1;
                if level < 0 {
                    return true;
                }
            }
            _ => level += 1,
        }
    }
    false
}

/// The entry `name` of `tree`: its kind and object.
pub(crate) fn find_entry(
    repo: &gix::Repository,
    tree: ObjectId,
    name: &str,
) -> Result<Option<(EntryKind, ObjectId)>, SourceError> {
    let tree = repo.find_tree(tree).map_err(|e| tree_error(&e))?;
    Ok(tree.find_entry(name).map(|entry| (entry.mode().kind(), entry.object_id())))
}

fn read_link(repo: &gix::Repository, id: ObjectId, link_path: &str) -> Result<String, SourceError> {
    let header = repo.find_header(id).map_err(|e| tree_error(&e))?;
    if header.size() > MAX_LINK_TARGET {
        return Err(SourceError::FileTooLarge {
            path: link_path.to_owned(),
            size: header.size(),
            limit: MAX_LINK_TARGET,
        });
    }
    let blob = repo.find_blob(id).map_err(|e| tree_error(&e))?;
    String::from_utf8(blob.data.clone()).map_err(|_| SourceError::NonUtf8Path { path: link_path.to_owned() })
}

/// `dir/name` with `/` separators.
pub(crate) fn join(dir: &[String], name: &str) -> String {
    if dir.is_empty() { name.to_owned() } else { format!("{}/{name}", dir.join("/")) }
}

pub(crate) fn tree_error(error: &dyn std::fmt::Display) -> SourceError {
    SourceError::Cache { url: String::new(), reason: error.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_paths_stay_inside() {
        assert_eq!(split_requested("apps/./web/").unwrap(), vec!["apps", "web"]);
        assert!(split_requested("").unwrap().is_empty());
        for bad in ["../x", "apps/../../etc", "/etc", "apps\\web", "a/.."] {
            assert!(matches!(split_requested(bad), Err(SourceError::InvalidPath { .. })), "{bad}");
        }
    }

    #[test]
    fn link_targets_may_not_climb_above_the_root() {
        assert!(!climbs_above_root(1, "../shared/base.yaml"));
        assert!(climbs_above_root(1, "../../etc/passwd"));
        assert!(climbs_above_root(0, "../x"));
        assert!(climbs_above_root(2, "a/../../../../x/y"));
        assert!(!climbs_above_root(0, "./a/b"));
    }
}
