//! `SyncTask`: one unit of work in a sync plan, with the phase and wave it runs in and what the
//! executor does with the object (`Action`).

use std::fmt;

use serde_json::Value;

use super::{HookInfo, ResourceKey, ResourceOptions};

/// The phase of a sync a task runs in. `Ord` is the order phases run in; `SyncFail` runs only
/// when an earlier phase failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    PreSync,
    Sync,
    PostSync,
    SyncFail,
}

impl Phase {
    /// The wire name, as in `argocd.argoproj.io/hook` and Argo CD's sync results.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::PreSync => "PreSync",
            Phase::Sync => "Sync",
            Phase::PostSync => "PostSync",
            Phase::SyncFail => "SyncFail",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the executor does with a task's object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Server-side apply the object (or client-side when `ServerSideApply=false`).
    Apply,
    /// Replace the object (create it when missing): `Replace=true`.
    Replace,
    /// Create a hook object (after deleting the previous one under `BeforeHookCreation`).
    Create,
    /// Delete a live object that is no longer desired.
    Prune,
    /// Nothing: the object is in sync and `ApplyOutOfSyncOnly=true`. Listed for reporting.
    Skip,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Apply => "Apply",
            Action::Replace => "Replace",
            Action::Create => "Create",
            Action::Prune => "Prune",
            Action::Skip => "Skip",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of work on one object. A hook in several phases has one task per phase.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncTask {
    pub key: ResourceKey,
    pub phase: Phase,
    /// The wave the task runs in. For prunes this is the wave after reversal (see the module
    /// documentation), not the object's own annotation.
    pub wave: i32,
    pub action: Action,
    /// Set for hooks (`Action::Create`).
    pub hook: Option<HookInfo>,
    /// The desired object to apply, replace or create (also kept for `Skip`); `None` for prunes.
    pub object: Option<Value>,
    /// The effective options: the Application's, overridden by the object's annotation (for a
    /// prune, the live object's annotation).
    pub options: ResourceOptions,
}

/// `phase/wave/action/key`, e.g. `Sync/2/Apply/apps/Deployment/shop/web`.
impl fmt::Display for SyncTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}/{}", self.phase, self.wave, self.action, self.key)
    }
}
