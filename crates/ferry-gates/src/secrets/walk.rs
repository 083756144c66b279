//! Listing the files of a directory target: sorted, `.git/` skipped, symlinks optional.

use std::path::{Path, PathBuf};

use super::error::SecretsError;

/// One regular file to scan.
#[derive(Debug, Clone)]
pub(crate) struct FileEntry {
    /// Relative to the scan root, `/`-separated: what findings report as `File`.
    pub path: String,
    pub full_path: PathBuf,
    pub size: u64,
    /// When reached through a symbolic link: the link's path (gitleaks' `SymlinkFile`).
    pub symlink: String,
}

/// Every regular file under `root` in a stable order. A file given as `root` is listed alone.
pub(crate) fn files(root: &Path, follow_symlinks: bool) -> Result<Vec<FileEntry>, SecretsError> {
    let meta = std::fs::metadata(root).map_err(|e| SecretsError::io(root, e))?;
    if meta.is_file() {
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(vec![FileEntry {
            path: name,
            full_path: root.to_path_buf(),
            size: meta.len(),
            symlink: String::new(),
        }]);
    }
    let mut out = Vec::new();
    visit(root, "", follow_symlinks, &mut out)?;
    Ok(out)
}

/// Renames `entries` as gitleaks names the files of `dir PATH`: the given path (cleaned) joined
/// with each file's path, or the given path alone for a file target.
pub(crate) fn name_as_given(entries: &mut [FileEntry], given: &str, root_is_file: bool) {
    let root = clean(given);
    for entry in entries.iter_mut().filter(|e| e.symlink.is_empty()) {
        entry.path = match (root_is_file, root.as_str()) {
            (true, _) => root.clone(),
            (false, ".") => entry.path.clone(),
            (false, "/") => format!("/{}", entry.path),
            (false, dir) => format!("{dir}/{}", entry.path),
        };
    }
}

/// A path cleaned as Go's `filepath.Clean` does: no `.` or empty segments, `..` folded where it
/// can be, no trailing `/`; `.` when nothing is left.
pub(crate) fn clean(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    match (absolute, parts.is_empty()) {
        (true, _) => format!("/{}", parts.join("/")),
        (false, true) => ".".to_owned(),
        (false, false) => parts.join("/"),
    }
}

fn visit(dir: &Path, prefix: &str, follow: bool, out: &mut Vec<FileEntry>) -> Result<(), SecretsError> {
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| SecretsError::io(dir, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| SecretsError::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let full = entry.path();
        let file_type = entry.file_type().map_err(|e| SecretsError::io(&full, e))?;
        if file_type.is_dir() {
            if name != ".git" {
                visit(&full, &rel, follow, out)?;
            }
        } else if file_type.is_file() {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            out.push(FileEntry { path: rel, full_path: full, size, symlink: String::new() });
        } else if file_type.is_symlink() && follow {
            // Links to directories are not followed: that could loop.
            if let Ok(meta) = std::fs::metadata(&full)
                && meta.is_file()
            {
                let target = std::fs::canonicalize(&full).unwrap_or_else(|_| full.clone());
                let path = target.to_string_lossy().replace('\\', "/");
                out.push(FileEntry { path, full_path: full, size: meta.len(), symlink: rel });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn paths_are_cleaned_as_go_cleans_them() {
        for (given, want) in [
            (".", "."),
            ("./", "."),
            ("./target/", "target"),
            ("target//sub/./a", "target/sub/a"),
            ("a/../b", "b"),
            ("../x", "../x"),
            ("/tmp/../etc", "/etc"),
            ("/", "/"),
            ("", "."),
        ] {
            assert_eq!(clean(given), want, "{given:?}");
        }
    }
}
