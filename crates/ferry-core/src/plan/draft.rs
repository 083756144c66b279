//! Turning desired objects into tasks before they are ordered: one task per resource, one per
//! hook phase, none for skipped objects, plus the destination namespace under
//! `CreateNamespace=true`.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::hook::{HookRole, hook_role};
use super::wave::wave;
use super::{Action, DesiredObject, Phase, PlanError, PlanInput, ResourceKey, ResourceOptions, SyncTask};

/// Where a task sorts within its phase and wave, before kind and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// The namespace `CreateNamespace=true` adds: first of all.
    CreatedNamespace,
    /// Resources and hooks.
    Object,
    /// Custom resources whose CRD this plan applies: after the CRD, in a step of their own.
    CustomResource,
    /// Prunes: after everything applied in the same wave.
    Prune,
}

/// A task with what ordering needs to know about it beyond the task itself.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub task: SyncTask,
    pub rank: Rank,
    /// The wave the object itself asks for (prunes are moved away from it).
    pub own_wave: i32,
    /// `metadata.generateName`, to order hooks that have no name.
    pub generate_name: String,
}

impl Draft {
    pub fn new(task: SyncTask, rank: Rank) -> Self {
        let generate_name = task.object.as_ref().map_or("", generate_name).to_owned();
        Self { own_wave: task.wave, task, rank, generate_name }
    }
}

/// The tasks for every desired object, in input order. Two objects with the same key (and a
/// name) are an error.
pub(crate) fn desired_drafts(input: &PlanInput) -> Result<Vec<Draft>, PlanError> {
    let mut seen = BTreeSet::new();
    let mut drafts = Vec::new();
    for desired in &input.desired {
        if !desired.key.name.is_empty() && !seen.insert(&desired.key) {
            return Err(PlanError::Duplicate { key: Box::new(desired.key.clone()) });
        }
        drafts.extend(object_drafts(desired, input)?);
    }
    Ok(drafts)
}

fn object_drafts(desired: &DesiredObject, input: &PlanInput) -> Result<Vec<Draft>, PlanError> {
    let (key, object) = (&desired.key, &desired.object);
    let role = hook_role(key, object)?;
    let wave = wave(key, object)?;
    let options = ResourceOptions::for_object(key, object, &input.options)?;
    let task = |phase, action, hook| SyncTask {
        key: key.clone(),
        phase,
        wave,
        action,
        hook,
        object: Some(object.clone()),
        options: options.clone(),
    };
    Ok(match role {
        HookRole::Skipped => Vec::new(),
        HookRole::Hook { phases, info } => phases
            .into_iter()
            .map(|phase| Draft::new(task(phase, Action::Create, Some(info.clone())), Rank::Object))
            .collect(),
        HookRole::Resource => {
            let action = if input.options.apply_out_of_sync_only && !input.out_of_sync.contains(key) {
                Action::Skip
            } else if options.replace {
                Action::Replace
            } else {
                Action::Apply
            };
            vec![Draft::new(task(Phase::Sync, action, None), Rank::Object)]
        }
    })
}

/// The destination namespace as a task, when `CreateNamespace=true` asks for it and the desired
/// objects do not contain it already. Its wave is set when the plan is ordered.
pub(crate) fn created_namespace(input: &PlanInput) -> Option<Draft> {
    let name = input.destination_namespace.as_deref().filter(|name| !name.is_empty())?;
    let key = ResourceKey::new("", "Namespace", "", name);
    if !input.options.create_namespace || input.desired.iter().any(|desired| desired.key == key) {
        return None;
    }
    let object = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    let task = SyncTask {
        key,
        phase: Phase::PreSync,
        wave: 0,
        action: Action::Apply,
        hook: None,
        object: Some(object),
        options: ResourceOptions::from_app(&input.options),
    };
    Some(Draft::new(task, Rank::CreatedNamespace))
}

fn generate_name(object: &Value) -> &str {
    object.get("metadata").and_then(|m| m.get("generateName")).and_then(Value::as_str).unwrap_or("")
}
