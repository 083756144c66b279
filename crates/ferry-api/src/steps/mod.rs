//! `steps` of a Stage: the promotion steps, run in order to write a Freight's versions into Git
//! and roll them out. Each step is `{uses, with}`; each kind of step checks its own `with`
//! fields strictly (one module per step).

mod argocd_sync;
mod git_clone;
mod git_commit;
mod git_push;
mod kustomize_set_image;
mod render;
mod wait_healthy;
mod yaml_update;

use serde::Serialize;

pub use argocd_sync::ArgocdSync;
pub use git_clone::{DEFAULT_CHECKOUT, GitClone, StageBranch};
pub use git_commit::GitCommit;
pub use git_push::{DEFAULT_MAX_ATTEMPTS, GitPush};
pub use kustomize_set_image::{ImageUpdate, KustomizeSetImage};
pub use render::Render;
pub use wait_healthy::{DEFAULT_TIMEOUT as DEFAULT_WAIT_TIMEOUT, WaitHealthy};
pub use yaml_update::{YamlUpdate, YamlValue, YamlValueUpdate};

use crate::decode::{Decoder, Fields};
use crate::node::{Node, NodeKind};

/// One promotion step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionStep {
    /// A label for the step in history and output (the `uses` word when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the step does, with its settings.
    #[serde(flatten)]
    pub action: StepAction,
}

/// The built-in steps and their `with` settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "uses", content = "with", rename_all = "kebab-case")]
pub enum StepAction {
    GitClone(GitClone),
    KustomizeSetImage(KustomizeSetImage),
    YamlUpdate(YamlUpdate),
    Render(Render),
    GitCommit(GitCommit),
    GitPush(GitPush),
    ArgocdSync(ArgocdSync),
    WaitHealthy(WaitHealthy),
}

impl StepAction {
    /// The `uses` word.
    pub fn uses(&self) -> &'static str {
        match self {
            StepAction::GitClone(_) => "git-clone",
            StepAction::KustomizeSetImage(_) => "kustomize-set-image",
            StepAction::YamlUpdate(_) => "yaml-update",
            StepAction::Render(_) => "render",
            StepAction::GitCommit(_) => "git-commit",
            StepAction::GitPush(_) => "git-push",
            StepAction::ArgocdSync(_) => "argocd-sync",
            StepAction::WaitHealthy(_) => "wait-healthy",
        }
    }
}

type DecodeWith = fn(&mut Decoder, &mut Fields<'_>) -> Option<StepAction>;

const STEPS: &[(&str, DecodeWith)] = &[
    ("git-clone", git_clone::decode),
    ("kustomize-set-image", kustomize_set_image::decode),
    ("yaml-update", yaml_update::decode),
    ("render", render::decode),
    ("git-commit", git_commit::decode),
    ("git-push", git_push::decode),
    ("argocd-sync", argocd_sync::decode),
    ("wait-healthy", wait_healthy::decode),
];

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<PromotionStep> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, path)?;
    let name = f.string(d, "name");
    let uses_node = f.peek("uses");
    let uses = f.required_string(d, "uses", "a step: one of git-clone, kustomize-set-image, yaml-update, render, git-commit, git-push, argocd-sync, wait-healthy");
    let empty = Node { line: f.line(), kind: NodeKind::Map(Vec::new()) };
    let with_node = f.take("with").unwrap_or(&empty);
    f.finish(d);
    let uses = uses?;
    let Some((_, decode_with)) = STEPS.iter().find(|(word, _)| *word == uses) else {
        let words: Vec<String> = STEPS.iter().map(|(w, _)| format!("`{w}`")).collect();
        d.invalid(uses_node?, &format!("{path}.uses"), &format!("one of {}", words.join(", ")));
        return None;
    };
    let mut w = d.fields(with_node, &format!("{path}.with"))?;
    let action = decode_with(d, &mut w);
    w.finish(d);
    (d.error_count() == errors_before).then_some(PromotionStep { name, action: action? })
}

/// An optional path inside the working tree (relative, without `..`), or `default`.
pub(crate) fn path_or(d: &mut Decoder, f: &mut Fields<'_>, key: &'static str, default: &str) -> Option<String> {
    let node = f.peek(key);
    match f.string(d, key) {
        None => Some(default.to_owned()),
        Some(p) if crate::stage_gates::is_confined(&p) => Some(p),
        Some(_) => {
            d.invalid(node?, &f.path(key), "a relative path without `..` or backslashes");
            None
        }
    }
}

/// A required path inside the working tree.
pub(crate) fn required_path(d: &mut Decoder, f: &mut Fields<'_>, key: &'static str, what: &str) -> Option<String> {
    let node = f.peek(key);
    let p = f.required_string(d, key, what)?;
    if !crate::stage_gates::is_confined(&p) {
        d.invalid(node?, &f.path(key), "a relative path without `..` or backslashes");
        return None;
    }
    Some(p)
}
