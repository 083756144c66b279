//! `StepContext`: what every step of one promotion sees — its private working directory, the
//! Freight being promoted, the Stage, and the promotion's clock — and the confinement of the
//! paths steps are given to that directory (DESIGN.md §9).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use super::StepError;

/// The inputs shared by the steps of one promotion.
#[derive(Debug, Clone)]
pub struct StepContext {
    /// The promotion's private directory; every `path` of a step is relative to it.
    pub work_dir: PathBuf,
    /// The Stage the Freight is promoted into (`{env}` and `{stage}` in templates).
    pub stage: String,
    /// The Freight's human-friendly alias (`{alias}`).
    pub freight_alias: String,
    /// The Freight's Revisions: subscription (repository URL, image or chart name) → version
    /// (commit SHA, tag or digest, chart version).
    pub revisions: BTreeMap<String, String>,
    /// The promotion's time: commit dates and `{timestamp}` come from it, never from the wall
    /// clock, so a resumed promotion writes the same commit again.
    pub now: SystemTime,
}

impl StepContext {
    /// `relative` inside the work directory: no absolute paths, no `..`, and no symlink
    /// leading out of it.
    pub fn resolve(&self, field: &str, relative: &str) -> Result<PathBuf, StepError> {
        let bad = |message: &str| StepError::Path {
            field: field.to_owned(),
            path: relative.to_owned(),
            message: message.to_owned(),
        };
        let path = Path::new(relative);
        if relative.is_empty() {
            return Err(bad("is empty"));
        }
        for component in path.components() {
            match component {
                Component::Normal(_) | Component::CurDir => {}
                Component::ParentDir => return Err(bad("must not contain `..`")),
                Component::RootDir | Component::Prefix(_) => return Err(bad("must be relative to the work directory")),
            }
        }
        let full = self.work_dir.join(path);
        if let (Ok(real), Ok(root)) = (full.canonicalize(), self.work_dir.canonicalize())
            && !real.starts_with(&root)
        {
            return Err(bad("leads out of the work directory through a symlink"));
        }
        Ok(full)
    }

    /// `path` as shown in messages: relative to the work directory.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.work_dir).unwrap_or(path).display().to_string()
    }
}
