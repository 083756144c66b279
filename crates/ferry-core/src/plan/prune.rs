//! Pruning: live objects of the Application that the desired state no longer contains become
//! `Prune` tasks, or are reported with the reason they are kept. Hooks are never pruned.

use std::collections::BTreeSet;
use std::fmt;

use super::draft::{Draft, Rank};
use super::hook::is_hook_object;
use super::options::Removal;
use super::wave::wave;
use super::{Action, Phase, PlanError, PlanInput, ResourceKey, ResourceOptions, SyncTask};

/// Why a live object that is no longer desired is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PruneSkipReason {
    /// The sync was not asked to prune (`prune: false`).
    PruningDisabled,
    /// The object carries `Prune=false`.
    PruneFalse,
    /// The object carries `Prune=confirm` and nobody confirmed.
    NeedsConfirmation,
}

impl PruneSkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PruneSkipReason::PruningDisabled => "pruning disabled",
            PruneSkipReason::PruneFalse => "Prune=false",
            PruneSkipReason::NeedsConfirmation => "needs confirmation",
        }
    }
}

impl fmt::Display for PruneSkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of looking at the live objects: prune tasks (waves as the objects ask; reversal
/// happens when ordering) and the objects kept, sorted by key.
pub(crate) struct Prunes {
    pub drafts: Vec<Draft>,
    pub skipped: Vec<(ResourceKey, PruneSkipReason)>,
}

/// The prunes for `input`; `desired` holds every desired key, hooks and skipped objects included.
pub(crate) fn prune_drafts(input: &PlanInput, desired: &BTreeSet<&ResourceKey>) -> Result<Prunes, PlanError> {
    let mut drafts = Vec::new();
    let mut skipped = Vec::new();
    for live in &input.live {
        if desired.contains(&live.key) || is_hook_object(&live.object) {
            continue;
        }
        let options = ResourceOptions::for_object(&live.key, &live.object, &input.options)?;
        let reason = match options.prune {
            _ if !input.prune => Some(PruneSkipReason::PruningDisabled),
            Removal::Disabled => Some(PruneSkipReason::PruneFalse),
            Removal::NeedsConfirmation => Some(PruneSkipReason::NeedsConfirmation),
            Removal::Allowed => None,
        };
        if let Some(reason) = reason {
            skipped.push((live.key.clone(), reason));
            continue;
        }
        let task = SyncTask {
            key: live.key.clone(),
            phase: Phase::Sync,
            wave: wave(&live.key, &live.object)?,
            action: Action::Prune,
            hook: None,
            object: None,
            options,
        };
        drafts.push(Draft::new(task, Rank::Prune));
    }
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Prunes { drafts, skipped })
}
