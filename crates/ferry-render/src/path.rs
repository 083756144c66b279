//! Repository paths: confinement checks and the directory a file sits in.
//!
//! The Git reader already refuses paths and symbolic links that leave the repository; this
//! module checks again, because a renderer must be safe on its own (Argo CD CVE-2022-24348).

use std::cmp::Ordering;

use crate::error::RenderError;

/// Refuses a path with a `..` component, a leading `/`, a backslash or a NUL byte.
pub(crate) fn check(path: &str) -> Result<(), RenderError> {
    let unsafe_path =
        path.starts_with('/') || path.contains('\\') || path.contains('\0') || path.split('/').any(|part| part == "..");
    if unsafe_path { Err(RenderError::UnsafePath { path: path.to_owned() }) } else { Ok(()) }
}

/// The source path in canonical form: no `.` or empty components, no trailing `/`; the
/// repository root is the empty string.
pub(crate) fn normalize_dir(dir: &str) -> Result<String, RenderError> {
    check(dir.trim())?;
    let parts: Vec<&str> = dir.trim().split('/').filter(|part| !part.is_empty() && *part != ".").collect();
    Ok(parts.join("/"))
}

/// `rel` joined onto the directory `dir` (a leading `/` starts from the root) with `.` and `..`
/// resolved; `None` when a `..` would climb above the root.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> =
        if rel.starts_with('/') { Vec::new() } else { dir.split('/').filter(|p| !p.is_empty() && *p != ".").collect() };
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// `path` relative to `dir`, when the file lies somewhere below it.
pub(crate) fn relative_to<'p>(path: &'p str, dir: &str) -> Option<&'p str> {
    if dir.is_empty() {
        return Some(path);
    }
    path.strip_prefix(dir)?.strip_prefix('/')
}

/// Orders paths as a directory walk visits them (component by component), which is the
/// order Argo CD reads files in: `a/b.yaml` comes before `a.yaml`.
pub(crate) fn walk_order(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_paths_are_refused() {
        for bad in ["../x.yaml", "a/../../x.yaml", "/etc/passwd", "a\\b.yaml", ".."] {
            assert!(check(bad).is_err(), "{bad}");
        }
        for good in ["a.yaml", "a/b/c.yaml", "..a/b.yaml", "a/.b.yaml"] {
            assert!(check(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn directories_are_normalized() {
        assert_eq!(normalize_dir(".").unwrap(), "");
        assert_eq!(normalize_dir("").unwrap(), "");
        assert_eq!(normalize_dir("./guestbook/").unwrap(), "guestbook");
        assert_eq!(normalize_dir("a//./b").unwrap(), "a/b");
        assert!(normalize_dir("../x").is_err());
    }

    #[test]
    fn relative_paths_need_a_separator() {
        assert_eq!(relative_to("app/a.yaml", "app"), Some("a.yaml"));
        assert_eq!(relative_to("apps/a.yaml", "app"), None);
        assert_eq!(relative_to("a.yaml", ""), Some("a.yaml"));
    }

    #[test]
    fn walk_order_visits_directories_in_place() {
        let mut paths = vec!["a.yaml", "a/b.yaml", "a-b.yaml", "b.yaml"];
        paths.sort_by(|a, b| walk_order(a, b));
        assert_eq!(paths, ["a/b.yaml", "a-b.yaml", "a.yaml", "b.yaml"]);
    }
}
