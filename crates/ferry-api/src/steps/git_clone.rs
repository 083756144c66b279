//! `git-clone`: check out a branch of a repository into the promotion's working tree.

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};

/// Where a checkout goes when `path` is absent.
pub const DEFAULT_CHECKOUT: &str = "repo";

/// `with` of `git-clone`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GitClone {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The branch checked out; the repository's default branch when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The directory of the working tree (`repo` when absent).
    pub path: String,
    /// A second checkout of the same repository at a stage branch (the rendered-manifests
    /// pattern), created as an orphan branch when the remote has none yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage_branch: Option<StageBranch>,
}

/// `stageBranch: {branch, path}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageBranch {
    pub branch: String,
    /// Its working tree (`out` when absent).
    pub path: String,
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    let repo_url = f.required_string(d, "repoURL", "the URL of the Git repository to write to");
    let branch = f.string(d, "branch");
    let path = super::path_or(d, f, "path", DEFAULT_CHECKOUT);
    let stage_branch = f.take("stageBranch").and_then(|n| decode_stage_branch(d, n, &f.path("stageBranch")));
    Some(StepAction::GitClone(GitClone { repo_url: repo_url?, branch, path: path?, stage_branch }))
}

fn decode_stage_branch(d: &mut Decoder, node: &crate::node::Node, path: &str) -> Option<StageBranch> {
    let mut f = d.fields(node, path)?;
    let branch = f.required_string(d, "branch", "the stage branch, e.g. `stage/dev`");
    let out = super::path_or(d, &mut f, "path", "out");
    f.finish(d);
    Some(StageBranch { branch: branch?, path: out? })
}
