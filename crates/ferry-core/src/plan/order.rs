//! Ordering the drafted tasks: dependencies pulled forward (namespaces and CRDs before the
//! objects that need them), custom resources after their CRD, prune waves reversed, `PruneLast`
//! prunes moved to a final wave, the created namespace first, then the sort itself
//! (phase → wave → rank → kind → name).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::draft::{Draft, Rank};
use super::kind_order::kind_rank;
use super::{Action, Phase, SyncTask};

/// Orders `drafts` in place; see the module documentation of `plan` for the rules.
pub(crate) fn order(drafts: &mut [Draft]) {
    pull_forward(drafts, provided_namespace, needed_namespace);
    pull_forward(drafts, provided_custom_kind, needed_custom_kind);
    let created = created_custom_kinds(drafts.iter().map(|draft| &draft.task));
    for draft in drafts.iter_mut() {
        if draft.rank == Rank::Object && is_created_custom_resource(&draft.task, &created) {
            draft.rank = Rank::CustomResource;
        }
    }
    reverse_prune_waves(drafts);
    move_prune_last(drafts);
    place_created_namespace(drafts);
    drafts.sort_by(compare);
}

/// Moves each dependency (a namespace, a CRD) that the plan applies into the phase and wave of
/// the earliest task that needs it, when that task would otherwise run first.
fn pull_forward(
    drafts: &mut [Draft],
    provides: fn(&SyncTask) -> Option<String>,
    needs: fn(&SyncTask) -> Option<String>,
) {
    let mut earliest: BTreeMap<String, (Phase, i32)> = BTreeMap::new();
    for task in drafts.iter().map(|draft| &draft.task) {
        if task.action == Action::Prune || task.phase == Phase::SyncFail {
            continue;
        }
        if let Some(dependency) = needs(task) {
            let slot = earliest.entry(dependency).or_insert((task.phase, task.wave));
            *slot = (*slot).min((task.phase, task.wave));
        }
    }
    for draft in drafts.iter_mut().filter(|draft| draft.rank == Rank::Object && applies_resource(&draft.task)) {
        let Some(&(phase, wave)) = provides(&draft.task).and_then(|name| earliest.get(&name)) else { continue };
        if (phase, wave) < (draft.task.phase, draft.task.wave) {
            (draft.task.phase, draft.task.wave) = (phase, wave);
        }
    }
}

fn applies_resource(task: &SyncTask) -> bool {
    task.hook.is_none() && matches!(task.action, Action::Apply | Action::Replace)
}

fn provided_namespace(task: &SyncTask) -> Option<String> {
    (task.key.group.is_empty() && task.key.kind == "Namespace").then(|| task.key.name.clone())
}

fn needed_namespace(task: &SyncTask) -> Option<String> {
    (!task.key.namespace.is_empty()).then(|| task.key.namespace.clone())
}

/// `group/Kind` of the custom resources a CRD task defines.
fn provided_custom_kind(task: &SyncTask) -> Option<String> {
    if task.key.group != "apiextensions.k8s.io" || task.key.kind != "CustomResourceDefinition" {
        return None;
    }
    let spec = task.object.as_ref()?.get("spec")?;
    let group = spec.get("group")?.as_str()?;
    let kind = spec.get("names")?.get("kind").and_then(Value::as_str)?;
    Some(format!("{group}/{kind}"))
}

fn needed_custom_kind(task: &SyncTask) -> Option<String> {
    Some(format!("{}/{}", task.key.group, task.key.kind))
}

/// The custom kinds (`group/Kind`) whose CRD this plan applies or replaces.
pub(crate) fn created_custom_kinds<'a>(tasks: impl Iterator<Item = &'a SyncTask>) -> BTreeSet<String> {
    tasks.filter(|task| applies_resource(task)).filter_map(provided_custom_kind).collect()
}

/// Whether `task` works on a custom resource whose CRD is in `created`.
pub(crate) fn is_created_custom_resource(task: &SyncTask, created: &BTreeSet<String>) -> bool {
    task.action != Action::Prune && needed_custom_kind(task).is_some_and(|kind| created.contains(&kind))
}

/// Prunes run in the mirror image of their own waves: among the distinct waves of the pruned
/// objects, the highest becomes the lowest (gitops-engine's symmetric swap).
fn reverse_prune_waves(drafts: &mut [Draft]) {
    let waves: Vec<i32> = {
        let set: BTreeSet<i32> = drafts.iter().filter(|d| d.rank == Rank::Prune).map(|d| d.own_wave).collect();
        set.into_iter().collect()
    };
    for draft in drafts.iter_mut().filter(|draft| draft.rank == Rank::Prune) {
        if let Ok(index) = waves.binary_search(&draft.own_wave) {
            draft.task.wave = waves[waves.len() - 1 - index];
        }
    }
}

/// `PruneLast` prunes move to one final Sync wave: after the last Sync-phase wave (at least 0).
fn move_prune_last(drafts: &mut [Draft]) {
    let last = drafts.iter().filter(|d| d.task.phase == Phase::Sync).map(|d| d.task.wave).fold(0, i32::max);
    for draft in drafts.iter_mut().filter(|draft| draft.rank == Rank::Prune && draft.task.options.prune_last) {
        draft.task.wave = last.saturating_add(1);
    }
}

/// The created namespace gets a PreSync wave of its own, before every other PreSync wave.
fn place_created_namespace(drafts: &mut [Draft]) {
    let first = drafts
        .iter()
        .filter(|d| d.rank != Rank::CreatedNamespace && d.task.phase == Phase::PreSync)
        .map(|d| d.task.wave)
        .fold(0, i32::min);
    for draft in drafts.iter_mut().filter(|draft| draft.rank == Rank::CreatedNamespace) {
        draft.task.wave = first.saturating_sub(1);
    }
}

/// Phase → wave → rank → kind order (prunes: own wave descending, then reverse kind order) →
/// name, then the rest of the key and `generateName` so that the order is total.
fn compare(a: &Draft, b: &Draft) -> Ordering {
    let (ta, tb) = (&a.task, &b.task);
    let by_kind = if a.rank == Rank::Prune && b.rank == Rank::Prune {
        b.own_wave.cmp(&a.own_wave).then_with(|| kind_rank(&tb.key.kind).cmp(&kind_rank(&ta.key.kind)))
    } else {
        kind_rank(&ta.key.kind).cmp(&kind_rank(&tb.key.kind))
    };
    (ta.phase, ta.wave, a.rank)
        .cmp(&(tb.phase, tb.wave, b.rank))
        .then(by_kind)
        .then_with(|| ta.key.name.cmp(&tb.key.name))
        .then_with(|| {
            (&ta.key.kind, &ta.key.group, &ta.key.namespace).cmp(&(&tb.key.kind, &tb.key.group, &tb.key.namespace))
        })
        .then_with(|| a.generate_name.cmp(&b.generate_name))
}
