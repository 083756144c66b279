//! `git-commit`: commits every change in a checkout, with a message naming the Freight and
//! its versions; when nothing changed it makes no commit and says "nothing to commit".
//!
//! ```yaml
//! - uses: git-commit
//!   with:
//!     path: ./src
//!     message: "deploy {alias} to {env}"     # default: DEFAULT_MESSAGE
//!     author: {name: Ferry, email: ferry@example.com}
//! ```
//!
//! Besides the common template variables, `{versions}` lists the Freight's Revisions, one
//! `KEY: VERSION` line each. The commit's date is the promotion's time, so a promotion resumed
//! after a crash makes the very same commit and `git-push` finds it already pushed.

use ferry_source::{Signature, WorkTree};
use serde::Deserialize;

use super::template::Vars;
use super::{StepContext, StepError, StepOutcome};

const STEP: &str = "git-commit";

/// The message when `message` is not set.
pub const DEFAULT_MESSAGE: &str = "Promote {alias} to {stage}\n\n{versions}\n";

/// The `git-commit` step's config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitCommit {
    pub path: String,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub author: Author,
}

/// The commit's author (also its committer).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    pub name: String,
    pub email: String,
}

impl Default for Author {
    fn default() -> Self {
        Author { name: "Ferry".to_owned(), email: "ferry@localhost".to_owned() }
    }
}

impl GitCommit {
    /// Runs the step.
    pub fn run(&self, ctx: &StepContext) -> Result<StepOutcome, StepError> {
        let dir = ctx.resolve("path", &self.path)?;
        let versions: Vec<String> = ctx.revisions.iter().map(|(key, version)| format!("{key}: {version}")).collect();
        let vars = Vars::from_context(ctx).with("versions", Ok(versions.join("\n")));
        let message = vars.expand("message", self.message.as_deref().unwrap_or(DEFAULT_MESSAGE))?;
        let tree = WorkTree::open(&dir).map_err(StepError::git(STEP))?;
        let author = Signature { name: self.author.name.clone(), email: self.author.email.clone() };
        match tree.commit(&message, &author, ctx.now).map_err(StepError::git(STEP))? {
            Some(commit) => Ok(StepOutcome::Committed { commit, message }),
            None => Ok(StepOutcome::NothingToCommit),
        }
    }
}
