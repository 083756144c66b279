//! Loading health scripts from a directory laid out like Argo CD's `resource_customizations`.
//!
//! - `<dir>/<group>/<Kind>/health.lua` for a kind of a named group;
//! - `<dir>/<Kind>/health.lua` for a kind of the core group (Argo CD's key for it is `Kind`);
//! - in a directory name `_` is a wildcard, as in Argo CD's `_.crossplane.io/_/health.lua`:
//!   a group directory `_` matches any group, a kind directory `_` any kind. Group and kind
//!   names never contain `_`, so the two readings cannot collide.
//!
//! Anything else under the directory (`actions/`, `testdata/`, tests) is ignored.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::LoadError;
use crate::pattern::GroupKindPattern;
use crate::script::Script;
use crate::scripts::HealthScripts;

/// The file name Argo CD gives health scripts.
pub const HEALTH_FILE: &str = "health.lua";

impl HealthScripts {
    /// Every `health.lua` under `dir` (see the module docs for the layout).
    pub fn load_dir(dir: &Path) -> Result<Self, LoadError> {
        let mut scripts = HealthScripts::new();
        for first in subdirectories(dir)? {
            let first_name = dir_name(&first);
            if let Some(script) = read_script(&first)? {
                scripts.insert(GroupKindPattern::new("", wildcard(&first_name)), script);
            }
            for second in subdirectories(&first)? {
                if let Some(script) = read_script(&second)? {
                    let pattern = GroupKindPattern::new(wildcard(&first_name), wildcard(&dir_name(&second)));
                    scripts.insert(pattern, script);
                }
            }
        }
        Ok(scripts)
    }
}

/// The subdirectories of `dir`, sorted so loading is deterministic.
fn subdirectories(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let read_error = |source| LoadError::Read { path: dir.to_path_buf(), source };
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_dir() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// `dir/health.lua`, if it exists.
fn read_script(dir: &Path) -> Result<Option<Script>, LoadError> {
    let path = dir.join(HEALTH_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let source = fs::read_to_string(&path).map_err(|source| LoadError::Read { path: path.clone(), source })?;
    Ok(Some(Script::new(source, path.display().to_string())))
}

fn dir_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Argo CD's directory wildcard `_` in glob form.
fn wildcard(name: &str) -> String {
    name.replace('_', "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn origin_of(scripts: &HealthScripts, group: &str, kind: &str) -> Option<String> {
        scripts.for_kind(group, kind).map(|script| script.source().to_owned())
    }

    #[test]
    fn reads_group_kind_core_and_wildcard_directories() {
        let root = tempfile::tempdir().unwrap();
        write(root.path(), "cert-manager.io/Certificate/health.lua", "certificate");
        write(root.path(), "cert-manager.io/Certificate/actions/discovery.lua", "ignored");
        write(root.path(), "cert-manager.io/_/health.lua", "any cert-manager kind");
        write(root.path(), "_.crossplane.io/_/health.lua", "crossplane");
        write(root.path(), "_/Widget/health.lua", "any widget");
        write(root.path(), "ConfigMap/health.lua", "core configmap");
        write(root.path(), "apps/Deployment/testdata/health.lua", "too deep");
        let scripts = HealthScripts::load_dir(root.path()).unwrap();
        assert_eq!(scripts.len(), 5);
        assert_eq!(origin_of(&scripts, "cert-manager.io", "Certificate").as_deref(), Some("certificate"));
        assert_eq!(origin_of(&scripts, "cert-manager.io", "Issuer").as_deref(), Some("any cert-manager kind"));
        assert_eq!(origin_of(&scripts, "pkg.crossplane.io", "Provider").as_deref(), Some("crossplane"));
        assert_eq!(origin_of(&scripts, "crossplane.io", "Provider"), None);
        assert_eq!(origin_of(&scripts, "example.com", "Widget").as_deref(), Some("any widget"));
        assert_eq!(origin_of(&scripts, "", "Widget").as_deref(), Some("any widget"));
        assert_eq!(origin_of(&scripts, "", "ConfigMap").as_deref(), Some("core configmap"));
        assert_eq!(origin_of(&scripts, "apps", "Deployment"), None);
    }

    #[test]
    fn the_origin_is_the_file_path() {
        let root = tempfile::tempdir().unwrap();
        write(root.path(), "batch/CronJob/health.lua", "x");
        let scripts = HealthScripts::load_dir(root.path()).unwrap();
        let origin = scripts.for_kind("batch", "CronJob").unwrap().origin();
        assert!(origin.ends_with("batch/CronJob/health.lua"), "{origin}");
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let root = tempfile::tempdir().unwrap();
        let missing = root.path().join("nope");
        let error = HealthScripts::load_dir(&missing).unwrap_err();
        assert!(error.to_string().contains("nope"), "{error}");
    }

    #[test]
    fn an_unreadable_script_is_an_error_naming_it() {
        let root = tempfile::tempdir().unwrap();
        write(root.path(), "batch/CronJob/health.lua", "");
        fs::write(root.path().join("batch/CronJob/health.lua"), [0xff, 0xfe]).unwrap();
        let error = HealthScripts::load_dir(root.path()).unwrap_err();
        assert!(error.to_string().contains("batch/CronJob/health.lua"), "{error}");
    }
}
