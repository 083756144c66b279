//! Hooks: which phases an object runs in, read from `argocd.argoproj.io/hook` or Helm's
//! `helm.sh/hook`, and when the hook object is deleted (`HookInfo`).

use serde_json::Value;

use super::annotations::{self, HELM_HOOK, HELM_HOOK_DELETE_POLICY, HOOK, HOOK_DELETE_POLICY};
use super::{Phase, PlanError, ResourceKey};

const ARGO_TYPES: &str = "PreSync, Sync, PostSync, SyncFail, Skip";
const HELM_TYPES: &str = "pre-install, pre-upgrade, post-install, post-upgrade, crd-install, pre-delete, \
     post-delete, pre-rollback, post-rollback, test, test-success, test-failure";
const ARGO_POLICIES: &str = "HookSucceeded, HookFailed, BeforeHookCreation";
const HELM_POLICIES: &str = "before-hook-creation, hook-succeeded, hook-failed";

/// When the executor deletes a hook object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HookDeletePolicy {
    /// After the hook succeeded (e.g. its Job completed).
    HookSucceeded,
    /// After the hook failed.
    HookFailed,
    /// Before the hook is created again: the default when no policy is given.
    BeforeHookCreation,
}

/// What the executor needs to know about a hook task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookInfo {
    /// Never empty: `[BeforeHookCreation]` when the object names no policy, as in Argo CD.
    pub delete_policies: Vec<HookDeletePolicy>,
}

/// How an object takes part in a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HookRole {
    /// A normal resource: applied in the Sync phase and pruned when no longer desired.
    Resource,
    /// Never applied (`hook: Skip`, or only Helm hook types Ferry does not run, e.g. `test`).
    Skipped,
    /// A hook, created in each of `phases` (sorted, no duplicates).
    Hook { phases: Vec<Phase>, info: HookInfo },
}

/// Reads the hook role of `object`. The Argo CD annotation wins over Helm's when both are set.
pub(crate) fn hook_role(key: &ResourceKey, object: &Value) -> Result<HookRole, PlanError> {
    let (phases, skipped) = if let Some(value) = annotations::annotation(object, HOOK) {
        argo_phases(key, value)?
    } else if let Some(value) = annotations::annotation(object, HELM_HOOK) {
        helm_phases(key, value)?
    } else {
        return Ok(HookRole::Resource);
    };
    if !phases.is_empty() {
        Ok(HookRole::Hook { phases, info: HookInfo { delete_policies: delete_policies(key, object)? } })
    } else if skipped {
        Ok(HookRole::Skipped)
    } else {
        Ok(HookRole::Resource)
    }
}

/// The phases named by `argocd.argoproj.io/hook`, and whether the object is skipped. `Skip`
/// next to a phase is ignored, as Argo CD does.
fn argo_phases(key: &ResourceKey, value: &str) -> Result<(Vec<Phase>, bool), PlanError> {
    let mut phases = Vec::new();
    let mut items = annotations::csv(value).peekable();
    if items.peek().is_none() {
        return Err(unknown_hook(key, HOOK, value, ARGO_TYPES));
    }
    for item in items {
        match item {
            "PreSync" => phases.push(Phase::PreSync),
            "Sync" => phases.push(Phase::Sync),
            "PostSync" => phases.push(Phase::PostSync),
            "SyncFail" => phases.push(Phase::SyncFail),
            "Skip" => {}
            "PreDelete" | "PostDelete" => {
                return Err(PlanError::UnsupportedHook { key: Box::new(key.clone()), value: item.to_owned() });
            }
            _ => return Err(unknown_hook(key, HOOK, item, ARGO_TYPES)),
        }
    }
    phases.sort();
    phases.dedup();
    Ok((phases, true))
}

/// The phases a `helm.sh/hook` value maps to. `crd-install` alone leaves the object a normal
/// resource; Helm types Ferry does not run (delete, rollback, test) make it skipped when no
/// other type applies, as in Argo CD.
fn helm_phases(key: &ResourceKey, value: &str) -> Result<(Vec<Phase>, bool), PlanError> {
    let mut phases = Vec::new();
    let mut skipped = false;
    for item in annotations::csv(value) {
        match item {
            "pre-install" | "pre-upgrade" => phases.push(Phase::PreSync),
            "post-install" | "post-upgrade" => phases.push(Phase::PostSync),
            "crd-install" => {}
            "pre-delete" | "post-delete" | "pre-rollback" | "post-rollback" | "test" | "test-success"
            | "test-failure" => skipped = true,
            _ => return Err(unknown_hook(key, HELM_HOOK, item, HELM_TYPES)),
        }
    }
    phases.sort();
    phases.dedup();
    Ok((phases, skipped))
}

/// The union of the Argo CD and Helm delete policies, `[BeforeHookCreation]` when neither is
/// given.
fn delete_policies(key: &ResourceKey, object: &Value) -> Result<Vec<HookDeletePolicy>, PlanError> {
    let mut policies = Vec::new();
    for item in annotations::annotation(object, HOOK_DELETE_POLICY).map(annotations::csv).into_iter().flatten() {
        policies.push(match item {
            "HookSucceeded" => HookDeletePolicy::HookSucceeded,
            "HookFailed" => HookDeletePolicy::HookFailed,
            "BeforeHookCreation" => HookDeletePolicy::BeforeHookCreation,
            _ => return Err(unknown_policy(key, HOOK_DELETE_POLICY, item, ARGO_POLICIES)),
        });
    }
    for item in annotations::annotation(object, HELM_HOOK_DELETE_POLICY).map(annotations::csv).into_iter().flatten() {
        policies.push(match item {
            "hook-succeeded" => HookDeletePolicy::HookSucceeded,
            "hook-failed" => HookDeletePolicy::HookFailed,
            "before-hook-creation" => HookDeletePolicy::BeforeHookCreation,
            _ => return Err(unknown_policy(key, HELM_HOOK_DELETE_POLICY, item, HELM_POLICIES)),
        });
    }
    policies.sort();
    policies.dedup();
    if policies.is_empty() {
        policies.push(HookDeletePolicy::BeforeHookCreation);
    }
    Ok(policies)
}

/// Whether a live object is a hook (hooks are never pruned).
pub(crate) fn is_hook_object(object: &Value) -> bool {
    annotations::annotation(object, HOOK).is_some()
        || annotations::annotation(object, HELM_HOOK).is_some_and(|value| value.trim() != "crd-install")
}

fn unknown_hook(key: &ResourceKey, annotation: &'static str, value: &str, expected: &'static str) -> PlanError {
    PlanError::UnknownHook { key: Box::new(key.clone()), annotation, value: value.to_owned(), expected }
}

fn unknown_policy(key: &ResourceKey, annotation: &'static str, value: &str, expected: &'static str) -> PlanError {
    PlanError::UnknownDeletePolicy { key: Box::new(key.clone()), annotation, value: value.to_owned(), expected }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn role(annotations: Value) -> Result<HookRole, PlanError> {
        let object = json!({"metadata": {"annotations": annotations}});
        hook_role(&ResourceKey::new("batch", "Job", "ns", "job"), &object)
    }

    fn phases(annotations: Value) -> Vec<Phase> {
        match role(annotations).unwrap() {
            HookRole::Hook { phases, .. } => phases,
            other => panic!("not a hook: {other:?}"),
        }
    }

    #[test]
    fn argo_hooks_in_several_phases() {
        assert_eq!(phases(json!({HOOK: "PostSync,PreSync,PreSync"})), [Phase::PreSync, Phase::PostSync]);
        assert_eq!(phases(json!({HOOK: "Skip,SyncFail"})), [Phase::SyncFail]);
        assert_eq!(role(json!({HOOK: "Skip"})).unwrap(), HookRole::Skipped);
        assert_eq!(role(json!({})).unwrap(), HookRole::Resource);
    }

    #[test]
    fn argo_hook_wins_over_helm() {
        assert_eq!(phases(json!({HOOK: "PostSync", HELM_HOOK: "pre-install"})), [Phase::PostSync]);
    }

    #[test]
    fn helm_hook_types_map_to_phases() {
        assert_eq!(phases(json!({HELM_HOOK: "pre-install,pre-upgrade"})), [Phase::PreSync]);
        assert_eq!(phases(json!({HELM_HOOK: "post-upgrade, test"})), [Phase::PostSync]);
        assert_eq!(role(json!({HELM_HOOK: "crd-install"})).unwrap(), HookRole::Resource);
        assert_eq!(role(json!({HELM_HOOK: "test"})).unwrap(), HookRole::Skipped);
    }

    #[test]
    fn bad_hook_values_are_errors() {
        let err = role(json!({HOOK: "Presync"})).unwrap_err();
        assert!(err.to_string().contains("unknown hook type \"Presync\""), "{err}");
        let err = role(json!({HOOK: "PreDelete"})).unwrap_err();
        assert!(err.to_string().contains("PreDelete is not supported yet"), "{err}");
        assert!(role(json!({HOOK: ""})).is_err());
        assert!(role(json!({HELM_HOOK: "pre-instal"})).is_err());
    }

    #[test]
    fn delete_policies_default_and_union() {
        let info = |annotations: Value| match role(annotations).unwrap() {
            HookRole::Hook { info, .. } => info.delete_policies,
            other => panic!("not a hook: {other:?}"),
        };
        assert_eq!(info(json!({HOOK: "PreSync"})), [HookDeletePolicy::BeforeHookCreation]);
        assert_eq!(
            info(json!({HOOK: "PreSync", HOOK_DELETE_POLICY: "HookFailed", HELM_HOOK_DELETE_POLICY: "hook-succeeded"})),
            [HookDeletePolicy::HookSucceeded, HookDeletePolicy::HookFailed]
        );
        let err = role(json!({HOOK: "PreSync", HOOK_DELETE_POLICY: "OnSuccess"})).unwrap_err();
        assert!(err.to_string().contains("unknown hook delete policy \"OnSuccess\""), "{err}");
    }
}
