//! The two sides of a change: the base (a commit such as `origin/main`) and the head (the
//! working tree, uncommitted files included), each with the Applications its control folder
//! declares. The head's control folder is read from disk, so errors name the real files; the
//! base's is read from its commit into a scratch directory.

use std::path::{Path, PathBuf};

use ferry_api::{Config, ConfigError, ConfigErrors};
use ferry_source::{CommitId, LocalRepo, SourceError};

use super::finding::{Finding, Gate, Level, Location};

/// Which side of the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideName {
    Base,
    Head,
}

impl SideName {
    pub fn as_str(self) -> &'static str {
        match self {
            SideName::Base => "base",
            SideName::Head => "head",
        }
    }
}

/// One side: its commit and its Applications.
#[derive(Debug)]
pub struct Side {
    pub name: SideName,
    pub commit: CommitId,
    pub config: Config,
}

/// The head side; a control folder that does not load gives findings (and no Applications).
pub fn head(repo: &LocalRepo, control_dir: &str, findings: &mut Vec<Finding>) -> Result<Side, SourceError> {
    let commit = repo.worktree()?;
    let dir = repo.root().join(control_dir);
    let config = match ferry_api::load_dir(&dir) {
        Ok(config) => config,
        Err(errors) => {
            findings.extend(config_findings(&errors, repo.root(), None));
            Config::default()
        }
    };
    Ok(Side { name: SideName::Head, commit, config })
}

/// The base side at `revision`; a control folder missing there means no Applications, one that
/// does not load is reported as a note (the change is judged by its head).
pub fn base(repo: &LocalRepo, revision: &str, control_dir: &str) -> Result<(Side, Vec<String>), SourceError> {
    let commit = repo.resolve(revision)?;
    let mut notes = Vec::new();
    let config = match repo.read_tree(commit, control_dir) {
        Err(SourceError::PathNotFound { .. }) => {
            notes.push(format!("the base {revision} has no control folder {control_dir}/"));
            Config::default()
        }
        Err(other) => return Err(other),
        Ok(tree) => load_tree(&tree, control_dir).unwrap_or_else(|message| {
            notes.push(format!("the base's Applications do not load: {message}"));
            Config::default()
        }),
    };
    Ok((Side { name: SideName::Base, commit, config }, notes))
}

/// Loads a control folder read from a commit by writing it to a scratch directory.
fn load_tree(tree: &ferry_source::SourceTree, control_dir: &str) -> Result<Config, String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let prefix = if control_dir.is_empty() { String::new() } else { format!("{}/", control_dir.trim_matches('/')) };
    for file in &tree.files {
        let relative = file.path.strip_prefix(&prefix).unwrap_or(&file.path);
        let path = scratch.path().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| e.to_string())?;
    }
    ferry_api::load_dir(scratch.path())
        .map_err(|errors| errors.to_string().replace(&scratch.path().display().to_string(), control_dir))
}

/// One finding per configuration error, located in the repository when it names a file there.
pub fn config_findings(errors: &ConfigErrors, root: &Path, application: Option<&str>) -> Vec<Finding> {
    errors
        .iter()
        .map(|error| {
            let location = error_location(error)
                .and_then(|(file, line)| relative(root, &file).map(|file| Location { file, line }));
            Finding {
                gate: Gate::Render,
                rule: "config".into(),
                level: Level::Error,
                application: application.map(str::to_owned),
                object: None,
                location,
                message: error.to_string().replace(&format!("{}/", root.display()), ""),
            }
        })
        .collect()
}

fn error_location(error: &ConfigError) -> Option<(PathBuf, usize)> {
    match error {
        ConfigError::Read { file, .. } | ConfigError::TooLarge { file, .. } | ConfigError::SymlinkEscape { file } => {
            Some((file.clone(), 1))
        }
        ConfigError::Syntax { file, line, .. }
        | ConfigError::UnknownField { file, line, .. }
        | ConfigError::Unsupported { file, line, .. }
        | ConfigError::Missing { file, line, .. }
        | ConfigError::Invalid { file, line, .. }
        | ConfigError::UnsupportedKind { file, line, .. }
        | ConfigError::UnknownKind { file, line, .. }
        | ConfigError::DuplicateName { file, line, .. } => Some((file.clone(), *line)),
    }
}

/// `path` relative to `root` with `/` separators, when it is inside it.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let rel = path.strip_prefix(&root).ok()?;
    Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}
