//! `git-clone`: checks a branch of a repository out into the work directory and, for the
//! rendered-manifests pattern, optionally a second checkout of a stage branch, which starts
//! as an orphan branch when the remote has none yet.
//!
//! ```yaml
//! - uses: git-clone
//!   with:
//!     repoURL: https://git.example.com/org/deploy.git   # path, file://, git://, http(s)://
//!     branch: main                                      # default: main
//!     path: ./src
//!     stageBranch:                                      # optional
//!       branch: stage/dev
//!       path: ./out
//!       create: true                                    # default: true
//! ```

use ferry_source::{MissingBranch, WorkTree};
use serde::Deserialize;

use super::{CheckedOut, StepContext, StepError, StepOutcome};

const STEP: &str = "git-clone";

/// The `git-clone` step's config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GitClone {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    #[serde(default = "default_branch")]
    pub branch: String,
    pub path: String,
    #[serde(default)]
    pub stage_branch: Option<StageBranch>,
}

/// A second checkout of the same repository at another branch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageBranch {
    pub branch: String,
    pub path: String,
    /// Start the branch as an orphan when the remote lacks it.
    #[serde(default = "yes")]
    pub create: bool,
}

fn default_branch() -> String {
    "main".to_owned()
}

fn yes() -> bool {
    true
}

impl GitClone {
    /// Runs the step.
    pub fn run(&self, ctx: &StepContext) -> Result<StepOutcome, StepError> {
        let mut checkouts = vec![self.checkout(ctx, "path", &self.path, &self.branch, MissingBranch::Fail)?];
        if let Some(stage) = &self.stage_branch {
            let missing = if stage.create { MissingBranch::CreateOrphan } else { MissingBranch::Fail };
            checkouts.push(self.checkout(ctx, "stageBranch.path", &stage.path, &stage.branch, missing)?);
        }
        Ok(StepOutcome::Cloned { checkouts })
    }

    fn checkout(
        &self,
        ctx: &StepContext,
        field: &str,
        path: &str,
        branch: &str,
        missing: MissingBranch,
    ) -> Result<CheckedOut, StepError> {
        let dir = ctx.resolve(field, path)?;
        let tree = WorkTree::checkout(&self.repo_url, branch, &dir, missing).map_err(StepError::git(STEP))?;
        let commit = tree.head().map_err(StepError::git(STEP))?;
        Ok(CheckedOut { path: ctx.display(&dir), branch: branch.to_owned(), commit })
    }
}
