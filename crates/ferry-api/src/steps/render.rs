//! `render`: render the Stage's source to plain YAML into an output folder (the
//! rendered-manifests pattern: a stage branch holds exactly what is applied).

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};

/// `with` of `render`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Render {
    /// The source directory (plain YAML, kustomization or chart), in the working tree.
    pub path: String,
    /// The folder the rendered YAML (`manifests.yaml`) is written to, in the working tree —
    /// usually a `git-clone` `stageBranch` checkout; its files are replaced on every promotion.
    pub out_path: String,
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    let path = super::required_path(d, f, "path", "the source directory to render, in the working tree");
    let out_path = super::required_path(d, f, "outPath", "the folder the rendered YAML is written to");
    Some(StepAction::Render(Render { path: path?, out_path: out_path? }))
}
