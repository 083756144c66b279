//! `argocd-sync`: sync Applications to the commit just pushed.

use serde::Serialize;

use super::StepAction;
use crate::decode::{Decoder, Fields};
use crate::reference::Reference;

/// `with` of `argocd-sync`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArgocdSync {
    /// The Applications to sync; the Stage's `applications` when empty.
    pub apps: Vec<Reference>,
}

pub(crate) fn decode(d: &mut Decoder, f: &mut Fields<'_>) -> Option<StepAction> {
    Some(StepAction::ArgocdSync(ArgocdSync { apps: f.references(d, "apps") }))
}
