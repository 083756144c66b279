//! The promotion steps that write a Freight's versions into Git, one file per step (as
//! akuity/kargo's `pkg/promotion/runner/builtin/`):
//!
//! | `uses:` | does |
//! |---|---|
//! | `git-clone` | checks a branch of a repository out into the work directory, and optionally a stage branch (created as an orphan when missing) |
//! | `kustomize-set-image` | sets `newName`/`newTag`/`digest` of `images:` entries in a `kustomization.yaml`, in place |
//! | `yaml-update` | sets values at dotted paths in any YAML file (Helm values), in place |
//! | `git-commit` | commits the checkout with a message naming the Freight and its versions |
//! | `git-push` | pushes, one writer per repository and branch, rebasing and retrying when it lost a race |
//!
//! Each step reads its `with:` map into its own config (unknown fields refused) and runs
//! against a [`StepContext`]. Steps keep no state between them but files in the work
//! directory, so a promotion resumed after a crash runs its remaining steps again safely.
//! Everything blocks (the `git` program, files): async callers use `spawn_blocking`.

mod context;
mod error;
mod git_clone;
mod git_commit;
mod git_push;
mod kustomize_set_image;
mod outcome;
pub mod template;
mod yaml_file;
pub mod yaml_path;
mod yaml_update;

pub use context::StepContext;
pub use error::StepError;
pub use git_clone::{GitClone, StageBranch};
pub use git_commit::{Author, DEFAULT_MESSAGE, GitCommit};
pub use git_push::GitPush;
pub use kustomize_set_image::{ImageUpdate, KustomizeSetImage};
pub use outcome::{CheckedOut, StepOutcome};
pub use yaml_update::{YamlUpdate, YamlValueUpdate};

use serde::de::DeserializeOwned;

/// One configured promotion step.
#[derive(Debug, Clone)]
pub enum Step {
    GitClone(GitClone),
    KustomizeSetImage(KustomizeSetImage),
    YamlUpdate(YamlUpdate),
    GitCommit(GitCommit),
    GitPush(GitPush),
}

impl Step {
    /// The `uses:` names, in the order a promotion usually runs them.
    pub const NAMES: [&'static str; 5] = ["git-clone", "kustomize-set-image", "yaml-update", "git-commit", "git-push"];

    /// The step `uses` configured by its `with` map (a JSON value, as the config loader gives).
    pub fn parse(uses: &str, with: &serde_json::Value) -> Result<Step, StepError> {
        Ok(match uses {
            "git-clone" => Step::GitClone(config("git-clone", with)?),
            "kustomize-set-image" => Step::KustomizeSetImage(config("kustomize-set-image", with)?),
            "yaml-update" => Step::YamlUpdate(config("yaml-update", with)?),
            "git-commit" => Step::GitCommit(config("git-commit", with)?),
            "git-push" => Step::GitPush(config("git-push", with)?),
            _ => return Err(StepError::UnknownStep { name: uses.to_owned() }),
        })
    }

    /// The step's `uses:` name.
    pub fn name(&self) -> &'static str {
        match self {
            Step::GitClone(_) => "git-clone",
            Step::KustomizeSetImage(_) => "kustomize-set-image",
            Step::YamlUpdate(_) => "yaml-update",
            Step::GitCommit(_) => "git-commit",
            Step::GitPush(_) => "git-push",
        }
    }

    /// Runs the step. Blocking.
    pub fn run(&self, ctx: &StepContext) -> Result<StepOutcome, StepError> {
        match self {
            Step::GitClone(step) => step.run(ctx),
            Step::KustomizeSetImage(step) => step.run(ctx),
            Step::YamlUpdate(step) => step.run(ctx),
            Step::GitCommit(step) => step.run(ctx),
            Step::GitPush(step) => step.run(ctx),
        }
    }
}

/// Reads a step's config, naming the offending field (`images[0].tag`) on error.
fn config<T: DeserializeOwned>(step: &'static str, with: &serde_json::Value) -> Result<T, StepError> {
    let empty = serde_json::Value::Object(serde_json::Map::new());
    let with = if with.is_null() { &empty } else { with };
    serde_path_to_error::deserialize(with).map_err(|e| {
        let path = e.path().to_string();
        StepError::Config {
            step,
            field: if path == "." { "(map)".to_owned() } else { path },
            message: e.into_inner().to_string(),
        }
    })
}
