//! Sync options: the Application's `syncPolicy.syncOptions` (`SyncOptions`) and the
//! per-resource `argocd.argoproj.io/sync-options` annotation, resolved against them into the
//! options one object is synced with (`ResourceOptions`). An option Ferry does not know is an
//! error naming it: a typo must never be ignored silently.

use serde_json::Value;

use super::annotations::{self, SYNC_OPTIONS};
use super::{PlanError, ResourceKey};

const APP_OPTIONS: &str = "CreateNamespace=true|false, PruneLast=true|false, ApplyOutOfSyncOnly=true|false, \
     ServerSideApply=true|false, Replace=true|false, PrunePropagationPolicy=foreground|background|orphan, \
     Validate=true|false, RespectIgnoreDifferences=true|false, FailOnSharedResource=true|false, \
     SkipDryRunOnMissingResource=true|false";
const RESOURCE_OPTIONS: &str = "Prune=true|false|confirm, Delete=true|false|confirm, PruneLast=true|false, \
     Replace=true|false, ServerSideApply=true|false, SkipDryRunOnMissingResource=true|false, Force=true|false, \
     Validate=true|false";

/// Whether an object may be pruned (`Prune=`) or deleted with its Application (`Delete=`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Removal {
    /// `true` (the default): removed without asking.
    #[default]
    Allowed,
    /// `false`: never removed.
    Disabled,
    /// `confirm`: removed only after a person confirms.
    NeedsConfirmation,
}

/// How a prune deletes dependents (`PrunePropagationPolicy=`); Argo CD's default is foreground.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PropagationPolicy {
    #[default]
    Foreground,
    Background,
    Orphan,
}

/// The Application's `syncPolicy.syncOptions`. `Default` is what an Application without
/// options gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// Create the destination namespace before anything else.
    pub create_namespace: bool,
    /// Prune after every other Sync-phase task.
    pub prune_last: bool,
    /// Skip desired objects the diff found in sync.
    pub apply_out_of_sync_only: bool,
    /// `ServerSideApply=`; `None` leaves Ferry's default (server-side apply).
    pub server_side_apply: Option<bool>,
    /// Replace objects (`kubectl replace`/create) instead of applying them.
    pub replace: bool,
    pub prune_propagation_policy: PropagationPolicy,
    /// `Validate=false` turns off schema validation of applied objects.
    pub validate: bool,
    /// Used by the diff step: ignoreDifferences also hold while syncing.
    pub respect_ignore_differences: bool,
    /// Fail when an object is already tracked by another Application (the executor checks).
    pub fail_on_shared_resource: bool,
    pub skip_dry_run_on_missing_resource: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            create_namespace: false,
            prune_last: false,
            apply_out_of_sync_only: false,
            server_side_apply: None,
            replace: false,
            prune_propagation_policy: PropagationPolicy::Foreground,
            validate: true,
            respect_ignore_differences: false,
            fail_on_shared_resource: false,
            skip_dry_run_on_missing_resource: false,
        }
    }
}

impl SyncOptions {
    /// Parses the Application's `syncPolicy.syncOptions` strings (`CreateNamespace=true`, …).
    pub fn parse<S: AsRef<str>>(options: impl IntoIterator<Item = S>) -> Result<Self, PlanError> {
        let mut parsed = Self::default();
        for option in options {
            let option = option.as_ref().trim();
            parsed.set(option).ok_or_else(|| PlanError::UnknownOption {
                object: "Application syncPolicy.syncOptions".to_owned(),
                option: option.to_owned(),
                expected: APP_OPTIONS,
            })?;
        }
        Ok(parsed)
    }

    fn set(&mut self, option: &str) -> Option<()> {
        let (name, value) = option.split_once('=')?;
        match name {
            "CreateNamespace" => self.create_namespace = flag(value)?,
            "PruneLast" => self.prune_last = flag(value)?,
            "ApplyOutOfSyncOnly" => self.apply_out_of_sync_only = flag(value)?,
            "ServerSideApply" => self.server_side_apply = Some(flag(value)?),
            "Replace" => self.replace = flag(value)?,
            "PrunePropagationPolicy" => self.prune_propagation_policy = propagation(value)?,
            "Validate" => self.validate = flag(value)?,
            "RespectIgnoreDifferences" => self.respect_ignore_differences = flag(value)?,
            "FailOnSharedResource" => self.fail_on_shared_resource = flag(value)?,
            "SkipDryRunOnMissingResource" => self.skip_dry_run_on_missing_resource = flag(value)?,
            _ => return None,
        }
        Some(())
    }
}

/// The options one object is synced with: the Application's options, overridden by the
/// object's `argocd.argoproj.io/sync-options` annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceOptions {
    pub prune: Removal,
    /// Removal when the Application is deleted (`Delete=`); the plan itself never deletes.
    pub delete: Removal,
    pub prune_last: bool,
    pub replace: bool,
    /// Apply server-side (Ferry's default) or not (`ServerSideApply=false`).
    pub server_side_apply: bool,
    pub skip_dry_run_on_missing_resource: bool,
    /// Delete and re-create when an apply or replace fails (`Force=true`).
    pub force: bool,
    pub validate: bool,
    pub prune_propagation_policy: PropagationPolicy,
}

impl ResourceOptions {
    /// The Application's options before any annotation.
    pub fn from_app(app: &SyncOptions) -> Self {
        Self {
            prune: Removal::Allowed,
            delete: Removal::Allowed,
            prune_last: app.prune_last,
            replace: app.replace,
            server_side_apply: app.server_side_apply.unwrap_or(true),
            skip_dry_run_on_missing_resource: app.skip_dry_run_on_missing_resource,
            force: false,
            validate: app.validate,
            prune_propagation_policy: app.prune_propagation_policy,
        }
    }

    /// The options for `object` (whose key is `key`): `from_app` overridden by its
    /// `argocd.argoproj.io/sync-options` annotation.
    pub fn for_object(key: &ResourceKey, object: &Value, app: &SyncOptions) -> Result<Self, PlanError> {
        let mut options = Self::from_app(app);
        for option in annotations::annotation(object, SYNC_OPTIONS).map(annotations::csv).into_iter().flatten() {
            options.set(option).ok_or_else(|| PlanError::UnknownOption {
                object: key.to_string(),
                option: option.to_owned(),
                expected: RESOURCE_OPTIONS,
            })?;
        }
        Ok(options)
    }

    fn set(&mut self, option: &str) -> Option<()> {
        let (name, value) = option.split_once('=')?;
        match name {
            "Prune" => self.prune = removal(value)?,
            "Delete" => self.delete = removal(value)?,
            "PruneLast" => self.prune_last = flag(value)?,
            "Replace" => self.replace = flag(value)?,
            "ServerSideApply" => self.server_side_apply = flag(value)?,
            "SkipDryRunOnMissingResource" => self.skip_dry_run_on_missing_resource = flag(value)?,
            "Force" => self.force = flag(value)?,
            "Validate" => self.validate = flag(value)?,
            _ => return None,
        }
        Some(())
    }
}

fn flag(value: &str) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn removal(value: &str) -> Option<Removal> {
    match value {
        "confirm" => Some(Removal::NeedsConfirmation),
        _ => Some(if flag(value)? { Removal::Allowed } else { Removal::Disabled }),
    }
}

fn propagation(value: &str) -> Option<PropagationPolicy> {
    match value {
        "foreground" => Some(PropagationPolicy::Foreground),
        "background" => Some(PropagationPolicy::Background),
        "orphan" => Some(PropagationPolicy::Orphan),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn app_options_parse() {
        let options =
            SyncOptions::parse(["CreateNamespace=true", "PruneLast=true", "PrunePropagationPolicy=orphan"]).unwrap();
        assert!(options.create_namespace && options.prune_last);
        assert_eq!(options.prune_propagation_policy, PropagationPolicy::Orphan);
        assert_eq!(SyncOptions::parse(Vec::<String>::new()).unwrap(), SyncOptions::default());
    }

    #[test]
    fn unknown_or_misspelt_app_options_are_errors() {
        for bad in ["CreateNamespaces=true", "PruneLast=yes", "Prune=false", "CreateNamespace"] {
            let err = SyncOptions::parse([bad]).unwrap_err();
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
            assert!(err.to_string().contains("syncPolicy.syncOptions"), "{err}");
        }
    }

    #[test]
    fn annotation_overrides_app_options() {
        let app = SyncOptions::parse(["ServerSideApply=false", "Replace=true"]).unwrap();
        let object =
            json!({"metadata": {"annotations": {SYNC_OPTIONS: "Prune=confirm, ServerSideApply=true,Replace=false"}}});
        let key = ResourceKey::new("", "ConfigMap", "ns", "cm");
        let options = ResourceOptions::for_object(&key, &object, &app).unwrap();
        assert_eq!(options.prune, Removal::NeedsConfirmation);
        assert!(options.server_side_apply && !options.replace);
        assert!(ResourceOptions::from_app(&SyncOptions::default()).server_side_apply);
    }

    #[test]
    fn unknown_resource_option_names_the_object() {
        let object = json!({"metadata": {"annotations": {SYNC_OPTIONS: "Prune=false,PruneLastt=true"}}});
        let key = ResourceKey::new("", "ConfigMap", "ns", "cm");
        let err = ResourceOptions::for_object(&key, &object, &SyncOptions::default()).unwrap_err();
        assert!(err.to_string().starts_with("/ConfigMap/ns/cm: unknown sync option \"PruneLastt=true\""), "{err}");
    }
}
