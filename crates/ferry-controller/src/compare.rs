//! Compare: desired objects against the live objects an Application owns, giving each
//! resource a sync status and a health, and the Application both.

use ferry_api::Application;
use ferry_core::diff::{self, DiffOptions, IgnoreRule};
use ferry_core::health::{self, Health, HealthStatus};
use ferry_core::plan::{HELM_HOOK, HOOK, ResourceKey};
use ferry_lua::HealthScripts;
use serde_json::Value;

use crate::error::EngineError;
use crate::render::Desired;
use crate::status::{AppStatus, HealthView, ResourceStatus, SyncStatus};

/// Hooks are run by syncs, not kept in sync: they never count toward sync status.
pub fn is_hook(obj: &Value) -> bool {
    let ann = obj.pointer("/metadata/annotations");
    ann.and_then(|a| a.get(HOOK).or_else(|| a.get(HELM_HOOK))).is_some()
}

/// The Application's `ignoreDifferences` in the core's terms.
pub fn ignore_rules(app: &Application) -> Vec<IgnoreRule> {
    app.spec
        .ignore_differences
        .iter()
        .map(|d| IgnoreRule {
            group: Some(d.group.clone()),
            kind: d.kind.clone(),
            name: d.name.clone(),
            namespace: d.namespace.clone(),
            json_pointers: d.json_pointers.clone(),
            managed_fields_managers: d.managed_fields_managers.clone(),
        })
        .collect()
}

/// Health of one live object: a custom Lua health check for its kind when there is one
/// (as Argo CD), else the built-in rules; `None` for kinds without health.
pub fn health_of(live: Option<&Value>, scripts: &HealthScripts) -> Option<Health> {
    let obj = match live {
        None => return Some(Health::new(HealthStatus::Missing, "resource does not exist")),
        Some(obj) => obj,
    };
    let ignored = obj.pointer("/metadata/annotations").and_then(|a| a.get(health::IGNORE_HEALTHCHECK_ANNOTATION));
    if ignored.and_then(Value::as_str) == Some("true") {
        return None;
    }
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    match scripts.for_kind(group, kind) {
        Some(script) => {
            let result = ferry_lua::evaluate(script, obj);
            let status = result.status.parse().unwrap_or(HealthStatus::Unknown);
            Some(Health::new(status, result.message))
        }
        None => health::assess(obj),
    }
}

fn resource(key: &ResourceKey, status: SyncStatus, health: Option<Health>) -> ResourceStatus {
    ResourceStatus {
        group: key.group.clone(),
        kind: key.kind.clone(),
        namespace: key.namespace.clone(),
        name: key.name.clone(),
        status,
        health: health.as_ref().map(HealthView::from),
        requires_pruning: false,
        key: key.clone(),
        diff: None,
    }
}

/// The status of `app` given its desired objects and the live objects it owns.
pub fn compare(
    app: &Application,
    cluster: &str,
    desired: &Desired,
    live: &[Value],
    scripts: &HealthScripts,
) -> Result<AppStatus, EngineError> {
    let name = app.metadata.name.clone();
    let opts = DiffOptions { ignore_differences: ignore_rules(app), ..DiffOptions::default() };
    let live_by_key: Vec<(ResourceKey, &Value)> =
        live.iter().filter_map(|o| Some((ResourceKey::from_object(o).ok()?, o))).collect();
    let find = |k: &ResourceKey| live_by_key.iter().find(|(lk, _)| lk == k).map(|(_, o)| *o);
    let mut resources = Vec::new();
    let mut healths = Vec::new();
    for d in desired.objects.iter().filter(|d| !is_hook(&d.object)) {
        let current = find(&d.key);
        let result = diff::diff(&d.object, current, &opts)
            .map_err(|source| EngineError::Diff { app: name.clone(), source: source.into() })?;
        let status = if result.in_sync { SyncStatus::Synced } else { SyncStatus::OutOfSync };
        let health = health_of(current, scripts);
        if let Some(h) = &health {
            healths.push(h.status);
        }
        let mut r = resource(&d.key, status, health);
        r.diff = Some(result);
        resources.push(r);
    }
    for (key, obj) in &live_by_key {
        let wanted = desired.objects.iter().any(|d| &d.key == key);
        if wanted || is_hook(obj) {
            continue;
        }
        let mut r = resource(key, SyncStatus::OutOfSync, health_of(Some(obj), scripts));
        r.requires_pruning = true;
        resources.push(r);
    }
    resources.sort_by(|a, b| a.key.cmp(&b.key));
    let sync = if resources.iter().any(|r| r.status == SyncStatus::OutOfSync) {
        SyncStatus::OutOfSync
    } else {
        SyncStatus::Synced
    };
    Ok(AppStatus {
        name,
        cluster: cluster.to_string(),
        namespace: app.spec.destination.namespace.clone().unwrap_or_default(),
        revision: desired.revision(),
        sync,
        health: health::worst(healths).as_str().to_string(),
        message: String::new(),
        resources,
    })
}
