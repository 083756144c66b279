//! Finding the configuration files of a control folder.
//!
//! Files are `*.yaml`, `*.yml` and `*.json`, found recursively and returned in path order.
//! Hidden files and directories (`.git`, `.github`) are skipped. A symbolic link is followed
//! only when it stays inside the folder; directory links are not descended (their contents
//! are reachable through the real path, and cycles are impossible).

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::ConfigError;

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Every configuration file under `root`, sorted; unreadable entries become errors.
pub(crate) fn config_files(root: &Path, errors: &mut Vec<ConfigError>) -> Vec<PathBuf> {
    let canonical_root = match fs::canonicalize(root) {
        Ok(path) => path,
        Err(source) => {
            errors.push(ConfigError::Read { file: root.to_owned(), source });
            return Vec::new();
        }
    };
    let mut files = Vec::new();
    visit(root, &canonical_root, &mut files, errors);
    files.sort();
    files
}

fn visit(dir: &Path, root: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ConfigError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(source) => return errors.push(ConfigError::Read { file: dir.to_owned(), source }),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(source) => return errors.push(ConfigError::Read { file: dir.to_owned(), source }),
        };
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => visit(&path, root, files, errors),
            Ok(t) if t.is_file() => push_if_config(path, files),
            Ok(t) if t.is_symlink() => follow_link(path, root, files, errors),
            Ok(_) => {}
            Err(source) => errors.push(ConfigError::Read { file: path, source }),
        }
    }
}

fn follow_link(path: PathBuf, root: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ConfigError>) {
    if !is_config(&path) {
        return;
    }
    match fs::canonicalize(&path) {
        Ok(target) if !target.starts_with(root) => errors.push(ConfigError::SymlinkEscape { file: path }),
        Ok(target) if target.is_file() => files.push(path),
        Ok(_) => {}
        Err(source) => errors.push(ConfigError::Read { file: path, source }),
    }
}

fn push_if_config(path: PathBuf, files: &mut Vec<PathBuf>) {
    if is_config(&path) {
        files.push(path);
    }
}

fn is_config(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e))
}
