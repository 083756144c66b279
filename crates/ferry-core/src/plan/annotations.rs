//! The annotation names the plan reads and the small helpers that read them. Every wire string
//! of Argo CD's and Helm's sync annotations lives here.

use serde_json::Value;

/// Marks an object as a hook and names its phases (`PreSync,PostSync`, `Skip`, …).
pub const HOOK: &str = "argocd.argoproj.io/hook";
/// When a hook object is deleted (`HookSucceeded`, `HookFailed`, `BeforeHookCreation`).
pub const HOOK_DELETE_POLICY: &str = "argocd.argoproj.io/hook-delete-policy";
/// The wave of an object or hook: an integer, default 0.
pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";
/// Per-resource sync options, comma-separated (`Prune=false,Replace=true`).
pub const SYNC_OPTIONS: &str = "argocd.argoproj.io/sync-options";
/// Helm's hook annotation (`pre-install,pre-upgrade`, …).
pub const HELM_HOOK: &str = "helm.sh/hook";
/// Helm's hook weight; used as the wave when `argocd.argoproj.io/sync-wave` is absent.
pub const HELM_HOOK_WEIGHT: &str = "helm.sh/hook-weight";
/// Helm's hook delete policy (`before-hook-creation`, `hook-succeeded`, `hook-failed`).
pub const HELM_HOOK_DELETE_POLICY: &str = "helm.sh/hook-delete-policy";

/// The value of annotation `name` on `object`, if it is present and a string.
pub(crate) fn annotation<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    object.get("metadata")?.get("annotations")?.get(name)?.as_str()
}

/// The items of a comma-separated annotation value, trimmed, empty items dropped (as Argo CD's
/// `GetAnnotationCSVs` does).
pub(crate) fn csv(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|item| !item.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_annotations_and_splits_lists() {
        let object = json!({"metadata": {"annotations": {HOOK: " PreSync, ,PostSync "}}});
        let items: Vec<&str> = csv(annotation(&object, HOOK).unwrap()).collect();
        assert_eq!(items, ["PreSync", "PostSync"]);
        assert_eq!(annotation(&object, SYNC_WAVE), None);
        assert_eq!(annotation(&json!({}), HOOK), None);
    }
}
