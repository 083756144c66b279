//! `git-commit`: commit the working tree's changes, with a message naming the Freight.

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};

/// `with` of `git-commit`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GitCommit {
    /// The working tree (`repo` when absent).
    pub path: String,
    /// The commit message; when absent it names the Freight's alias and versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    let path = super::path_or(d, f, "path", super::DEFAULT_CHECKOUT);
    let message = f.string(d, "message");
    Some(StepAction::GitCommit(GitCommit { path: path?, message }))
}
