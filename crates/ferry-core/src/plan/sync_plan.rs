//! `SyncPlan`: the ordered tasks and the objects kept from pruning, and the steps the executor
//! runs one after another.

use std::collections::BTreeSet;

use super::order::{created_custom_kinds, is_created_custom_resource};
use super::{Phase, PruneSkipReason, ResourceKey, SyncTask};

/// The outcome of `plan`: every task in execution order (SyncFail tasks last), and the live
/// objects that are no longer desired but kept, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPlan {
    pub tasks: Vec<SyncTask>,
    pub prune_skipped: Vec<(ResourceKey, PruneSkipReason)>,
    /// Copied from the input: the executor sends every write as a server dry run and does not
    /// wait for health between steps; the tasks are the same as for a real sync.
    pub dry_run: bool,
}

/// One step: the phase and wave it belongs to and its tasks, in order.
pub type Step<'a> = (Phase, i32, Vec<&'a SyncTask>);

impl SyncPlan {
    /// The steps of a sync that goes well, in order (SyncFail tasks excluded). Within a step the
    /// executor works through the tasks in the listed order (kinds in order, prunes after
    /// applies); it starts a step only when every task of the previous one is done: hooks
    /// completed, applied objects healthy, pruned objects gone. That wait is the executor's. A wave that applies a CRD and custom resources of
    /// that CRD is split in two steps with the same phase and wave, so the CRD is established
    /// before its resources are applied.
    pub fn waves(&self) -> Vec<Step<'_>> {
        self.steps(|task| task.phase != Phase::SyncFail)
    }

    /// The steps to run when the sync failed: the SyncFail hooks, by wave.
    pub fn sync_fail_waves(&self) -> Vec<Step<'_>> {
        self.steps(|task| task.phase == Phase::SyncFail)
    }

    fn steps(&self, include: impl Fn(&SyncTask) -> bool) -> Vec<Step<'_>> {
        let created: BTreeSet<String> = created_custom_kinds(self.tasks.iter());
        let mut steps: Vec<(Step<'_>, bool)> = Vec::new();
        for task in self.tasks.iter().filter(|task| include(task)) {
            let custom = is_created_custom_resource(task, &created);
            match steps.last_mut() {
                Some(((phase, wave, tasks), last_custom))
                    if *phase == task.phase && *wave == task.wave && (*last_custom == custom || !custom) =>
                {
                    tasks.push(task);
                }
                _ => steps.push(((task.phase, task.wave, vec![task]), custom)),
            }
        }
        steps.into_iter().map(|(step, _)| step).collect()
    }
}
