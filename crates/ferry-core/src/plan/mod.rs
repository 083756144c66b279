//! The sync plan: which objects a sync applies, creates, prunes or skips, and in which order.
//! Computed from values only (desired objects, live objects, the diff's verdict, options); the
//! executor in another crate carries it out. This documentation is the specification, written
//! so that a user can predict the order of any sync. It follows Argo CD (gitops-engine
//! `pkg/sync`); where Ferry differs, it says so.
//!
//! # Inputs
//!
//! [`PlanInput`] holds the desired objects (what Git asks for, hooks included), the live objects
//! the Application owns (the caller selects them by Ferry's tracking annotation, so a prune can
//! never touch anything else), the keys the diff step found out of sync, whether to prune,
//! whether this is a dry run, the Application's `syncPolicy.syncOptions` ([`SyncOptions`]) and
//! the destination namespace. Keys are taken as given: the caller fills in the destination
//! namespace of namespaced objects before planning (it knows which kinds are namespaced).
//!
//! # Phases
//!
//! A sync runs in phases: **PreSync**, then **Sync**, then **PostSync**. **SyncFail** runs only
//! when an earlier phase failed. Ordinary objects are applied in the Sync phase. Hooks choose
//! their phase (below). A phase starts only when the previous one succeeded.
//!
//! # Hooks
//!
//! An object annotated `argocd.argoproj.io/hook` is a hook: it is created (not applied) in each
//! phase the comma-separated value names, `PreSync`, `Sync`, `PostSync` or `SyncFail`, one task
//! per phase. `Skip` alone means the object is never applied (`Skip` next to a phase is
//! ignored, as in Argo CD). `PreDelete` and `PostDelete` are not supported yet and are an
//! error; so is any other value. A hook may have `metadata.generateName` instead of a name: its
//! key has an empty name and the executor generates one.
//!
//! Helm's annotations are understood when there is no `argocd.argoproj.io/hook`:
//! `helm.sh/hook: pre-install|pre-upgrade` is PreSync, `post-install|post-upgrade` is PostSync,
//! `crd-install` is not a hook (the object is an ordinary resource); `pre-delete`,
//! `post-delete`, `pre-rollback`, `post-rollback` and the `test` types are never run, like
//! `Skip`. Other values are an error.
//!
//! `argocd.argoproj.io/hook-delete-policy` (`HookSucceeded`, `HookFailed`,
//! `BeforeHookCreation`) and Helm's `helm.sh/hook-delete-policy` (`hook-succeeded`,
//! `hook-failed`, `before-hook-creation`) say when the executor deletes a hook object; both are
//! combined, and a hook that names none gets `BeforeHookCreation` (the previous hook object is
//! deleted before the new one is created). Hooks are never pruned, and `ApplyOutOfSyncOnly`
//! never skips them.
//!
//! # Waves
//!
//! `argocd.argoproj.io/sync-wave` puts an object or hook in a wave: an integer, possibly
//! negative, default 0. Without it, Helm's `helm.sh/hook-weight` is the wave. A value that is
//! not an integer is an error naming the object (Argo CD falls back to 0 silently). Within a
//! phase, waves run from the lowest up; **the next wave starts only when every task of the
//! previous one is done**: hooks completed, applied objects healthy, pruned objects gone. That
//! wait is the executor's; [`SyncPlan::waves`] gives it the steps.
//!
//! # Order
//!
//! Tasks are ordered by phase, then wave, then kind, then name. The kind order is Helm's
//! install order, as Argo CD uses it (only the kind counts, not its group): `Namespace`,
//! `NetworkPolicy`, `ResourceQuota`, `LimitRange`, `PodSecurityPolicy`, `PodDisruptionBudget`,
//! `ServiceAccount`, `Secret`, `SecretList`, `ConfigMap`, `StorageClass`, `PersistentVolume`,
//! `PersistentVolumeClaim`, `CustomResourceDefinition`, `ClusterRole`, `ClusterRoleList`,
//! `ClusterRoleBinding`, `ClusterRoleBindingList`, `Role`, `RoleList`, `RoleBinding`,
//! `RoleBindingList`, `Service`, `DaemonSet`, `Pod`, `ReplicationController`, `ReplicaSet`,
//! `Deployment`, `HorizontalPodAutoscaler`, `StatefulSet`, `Job`, `CronJob`, `IngressClass`,
//! `Ingress`, `APIService`, then every other kind (custom resources).
//!
//! Three adjustments keep dependencies first, as gitops-engine's `syncTasks.Sort` does:
//!
//! - A Namespace the plan applies moves into the phase and wave of the earliest task for an
//!   object in that namespace, when that task would otherwise come first (a PreSync hook in
//!   namespace `shop` pulls Namespace `shop` into PreSync).
//! - A CustomResourceDefinition the plan applies moves likewise into the phase and wave of the
//!   earliest custom resource of its group and kind.
//! - Within a wave, custom resources whose CRD the plan applies come after every other object
//!   of the wave, in a step of their own, so the CRD is established before they are applied.
//!
//! `CreateNamespace=true` adds a task applying the destination Namespace (unless the desired
//! objects contain it). It is the very first task, in a PreSync wave of its own: one below the
//! lowest PreSync wave and at most -1.
//!
//! # Pruning
//!
//! A live object that is no longer desired is pruned when the sync prunes (`prune: true`) —
//! unless it carries `Prune=false` (kept, reason `Prune=false`) or `Prune=confirm` (kept, reason
//! `needs confirmation`). Without `prune` every such object is kept with reason `pruning
//! disabled`. Kept objects are listed in [`SyncPlan::prune_skipped`]; hooks are neither pruned
//! nor listed. The options of a pruned object come from the live object's annotation.
//!
//! Prunes run in the Sync phase, in **reverse wave order**: among the distinct waves of the
//! objects being pruned, the highest becomes the lowest (gitops-engine's symmetric swap), so an
//! object created in a late wave is removed early. A prune runs in the step of the wave it lands
//! in, listed after that wave's applies (Argo CD deletes a wave's prunes before applying it;
//! Ferry applies first, so a renamed object is replaced before the old one goes). Within a
//! wave, prunes are ordered by their own wave (highest first), then reverse kind order, then
//! name. With `PruneLast=true` (on the Application, or on the live object) a prune moves instead
//! to a final Sync wave after every other Sync-phase task: one above the highest wave in the
//! Sync phase (the mirrored prune waves included, as in gitops-engine), and at least 1.
//!
//! # Options
//!
//! Application options ([`SyncOptions`]): `CreateNamespace`, `PruneLast`, `ApplyOutOfSyncOnly`
//! (desired objects the diff found in sync get [`Action::Skip`]: still listed, so they can be
//! reported), `ServerSideApply` (Ferry applies server-side unless this is `false`), `Replace`
//! ([`Action::Replace`]), `PrunePropagationPolicy=foreground|background|orphan`, `Validate`,
//! `RespectIgnoreDifferences` (the diff step's), `FailOnSharedResource` (the executor's),
//! `SkipDryRunOnMissingResource`. Per-object `argocd.argoproj.io/sync-options` (comma-separated)
//! override them for that object: `Prune=false|confirm`, `Delete=false|confirm` (used when the
//! Application is deleted), `PruneLast`, `Replace`, `ServerSideApply`,
//! `SkipDryRunOnMissingResource`, `Force`, `Validate`. Boolean options take `true` or `false`.
//! Any other option is an error naming the object and the option. Each task carries its
//! resolved [`ResourceOptions`].
//!
//! # Errors
//!
//! The same key twice in the desired objects (a hook without a name excepted), an invalid wave,
//! an unknown hook type, delete policy or option: [`PlanError`], naming the object and value.

mod annotations;
mod draft;
mod error;
mod hook;
mod key;
mod kind_order;
mod options;
mod order;
mod prune;
mod sync_plan;
mod task;
mod wave;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde_json::Value;

pub use annotations::{
    HELM_HOOK, HELM_HOOK_DELETE_POLICY, HELM_HOOK_WEIGHT, HOOK, HOOK_DELETE_POLICY, SYNC_OPTIONS, SYNC_WAVE,
};
pub use error::PlanError;
pub use hook::{HookDeletePolicy, HookInfo};
pub use key::ResourceKey;
pub use kind_order::KIND_ORDER;
pub use options::{PropagationPolicy, Removal, ResourceOptions, SyncOptions};
pub use prune::PruneSkipReason;
pub use sync_plan::{Step, SyncPlan};
pub use task::{Action, Phase, SyncTask};

/// An object the desired state (Git) asks for; hooks included.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredObject {
    pub key: ResourceKey,
    pub object: Value,
}

/// A live object that belongs to the Application (tracked by Ferry's tracking annotation).
#[derive(Debug, Clone, PartialEq)]
pub struct LiveObject {
    pub key: ResourceKey,
    pub object: Value,
}

/// Everything a plan is computed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanInput {
    pub desired: Vec<DesiredObject>,
    pub live: Vec<LiveObject>,
    /// Keys the diff step found out of sync (missing, different); used by `ApplyOutOfSyncOnly`.
    pub out_of_sync: BTreeSet<ResourceKey>,
    /// Prune live objects that are no longer desired.
    pub prune: bool,
    pub dry_run: bool,
    pub options: SyncOptions,
    /// The Application's `destination.namespace`; the namespace `CreateNamespace=true` creates.
    pub destination_namespace: Option<String>,
}

/// Computes the sync plan for `input`, as the module documentation specifies.
pub fn plan(input: &PlanInput) -> Result<SyncPlan, PlanError> {
    let mut drafts = draft::desired_drafts(input)?;
    drafts.extend(draft::created_namespace(input));
    let mut desired: BTreeSet<&ResourceKey> = input.desired.iter().map(|desired| &desired.key).collect();
    let created = drafts.iter().find(|d| d.rank == draft::Rank::CreatedNamespace).map(|d| d.task.key.clone());
    if let Some(key) = &created {
        desired.insert(key);
    }
    let prunes = prune::prune_drafts(input, &desired)?;
    drafts.extend(prunes.drafts);
    order::order(&mut drafts);
    let tasks = drafts.into_iter().map(|draft| draft.task).collect();
    Ok(SyncPlan { tasks, prune_skipped: prunes.skipped, dry_run: input.dry_run })
}
