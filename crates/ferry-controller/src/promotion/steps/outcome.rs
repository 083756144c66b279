//! `StepOutcome`: what a step did, recorded with the promotion and shown to people.

use std::fmt;

use ferry_source::CommitId;

/// One checkout made by `git-clone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedOut {
    /// Relative to the work directory.
    pub path: String,
    pub branch: String,
    /// The commit checked out; `None` for a new orphan branch.
    pub commit: Option<CommitId>,
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// `git-clone`: the checkouts made.
    Cloned { checkouts: Vec<CheckedOut> },
    /// `kustomize-set-image`, `yaml-update`: the file and each change (`field: old -> new`);
    /// empty when every value was already as asked.
    Edited { file: String, changes: Vec<String> },
    /// `git-commit`: the new commit.
    Committed { commit: CommitId, message: String },
    /// `git-commit`: the working tree had no change.
    NothingToCommit,
    /// `git-push`: the remote branch now has `commit`, sent after `attempts` tries.
    Pushed { branch: String, commit: CommitId, attempts: u32 },
    /// `git-push`: `commit` was already on the remote branch (a resumed promotion).
    AlreadyPushed { branch: String, commit: CommitId },
}

impl StepOutcome {
    /// The commit a `git-push` left on the remote, for the promotion to sync to.
    pub fn pushed_commit(&self) -> Option<CommitId> {
        match self {
            StepOutcome::Pushed { commit, .. } | StepOutcome::AlreadyPushed { commit, .. } => Some(*commit),
            _ => None,
        }
    }
}

impl fmt::Display for StepOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepOutcome::Cloned { checkouts } => {
                let shown: Vec<String> = checkouts
                    .iter()
                    .map(|c| match &c.commit {
                        Some(commit) => format!("{} at {} ({})", c.branch, c.path, commit.short(7)),
                        None => format!("{} at {} (new orphan branch)", c.branch, c.path),
                    })
                    .collect();
                write!(f, "checked out {}", shown.join(", "))
            }
            StepOutcome::Edited { file, changes } if changes.is_empty() => write!(f, "{file}: already up to date"),
            StepOutcome::Edited { file, changes } => write!(f, "{file}: {}", changes.join("; ")),
            StepOutcome::Committed { commit, .. } => write!(f, "committed {}", commit.short(7)),
            StepOutcome::NothingToCommit => write!(f, "nothing to commit"),
            StepOutcome::Pushed { branch, commit, attempts } => {
                write!(f, "pushed {} to {branch} (attempt {attempts})", commit.short(7))
            }
            StepOutcome::AlreadyPushed { branch, commit } => {
                write!(f, "{} is already on {branch}; nothing pushed", commit.short(7))
            }
        }
    }
}
