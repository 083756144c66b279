//! `git-push`: push the commit to the checked-out branch (or `targetBranch`), rebasing and retrying when the
//! remote moved (two Stages promoting into one repository both land).

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};

/// Push attempts when `maxAttempts` is absent.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// `with` of `git-push`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GitPush {
    /// The working tree (`repo` when absent).
    pub path: String,
    /// Attempts (rebase and retry on a non-fast-forward), 1 to 20.
    pub max_attempts: u32,
    /// The branch pushed to, when not the one checked out (created when missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_branch: Option<String>,
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    let path = super::path_or(d, f, "path", super::DEFAULT_CHECKOUT);
    let target_branch = f.string(d, "targetBranch");
    let attempts_node = f.peek("maxAttempts");
    let max_attempts = match f.int(d, "maxAttempts") {
        None => DEFAULT_MAX_ATTEMPTS,
        Some(n) if (1..=20).contains(&n) => n as u32,
        Some(_) => {
            d.invalid(attempts_node?, &f.path("maxAttempts"), "a number from 1 to 20");
            return None;
        }
    };
    Some(StepAction::GitPush(GitPush { path: path?, max_attempts, target_branch }))
}
