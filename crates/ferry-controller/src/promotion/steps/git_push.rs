//! `git-push`: pushes a checkout's branch with one writer per repository and branch in the
//! process, rebasing and retrying (bounded, with backoff) when another writer pushed first,
//! so two stages promoting into one repository at once both land (akuity/kargo#3071).
//!
//! ```yaml
//! - uses: git-push
//!   with:
//!     path: ./src
//!     maxAttempts: 5        # default 5
//!     targetBranch: release # default: the branch checked out; created when missing
//! ```
//!
//! A commit already on the remote branch (a promotion resumed after a crash) is not pushed
//! again: the outcome is `AlreadyPushed` with its SHA.

use ferry_source::{PushLocks, RetryPolicy, WorkTree};
use serde::Deserialize;

use super::{StepContext, StepError, StepOutcome};

const STEP: &str = "git-push";

/// The `git-push` step's config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GitPush {
    pub path: String,
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    #[serde(default)]
    pub target_branch: Option<String>,
}

fn default_attempts() -> u32 {
    RetryPolicy::default().max_attempts
}

impl GitPush {
    /// Runs the step with the process's push locks.
    pub fn run(&self, ctx: &StepContext) -> Result<StepOutcome, StepError> {
        self.run_with(ctx, PushLocks::global())
    }

    /// Runs the step with `locks` (another set behaves like another process).
    pub fn run_with(&self, ctx: &StepContext, locks: &PushLocks) -> Result<StepOutcome, StepError> {
        if self.max_attempts == 0 {
            let message = "must be at least 1".to_owned();
            return Err(StepError::Config { step: STEP, field: "maxAttempts".to_owned(), message });
        }
        let dir = ctx.resolve("path", &self.path)?;
        let mut tree = WorkTree::open(&dir).map_err(StepError::git(STEP))?;
        if let Some(target) = &self.target_branch {
            tree = tree.pushing_to(target).map_err(StepError::git(STEP))?;
        }
        let branch = tree.branch().to_owned();
        if tree.is_pushed().map_err(StepError::git(STEP))?
            && let Some(commit) = tree.head().map_err(StepError::git(STEP))?
        {
            return Ok(StepOutcome::AlreadyPushed { branch, commit });
        }
        let policy = RetryPolicy { max_attempts: self.max_attempts, ..RetryPolicy::default() };
        let outcome = tree.push(locks, policy).map_err(StepError::git(STEP))?;
        Ok(if outcome.pushed {
            StepOutcome::Pushed { branch, commit: outcome.commit, attempts: outcome.attempts }
        } else {
            StepOutcome::AlreadyPushed { branch, commit: outcome.commit }
        })
    }
}
