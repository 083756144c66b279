//! Health of live objects, as Argo CD (gitops-engine `pkg/health`) assesses it: one rule per
//! kind in its own file, a generic rule for kinds that report `status.conditions`, and the
//! ordering that makes an Application's health the worst of its children's.
//!
//! Rules read plain JSON and never panic: a field of the wrong type gives `Unknown` with a
//! message naming it. Kinds without a rule have no health (`None`) and do not count toward
//! an Application's health.

mod apiservice;
mod conditions;
mod daemonset;
mod deployment;
mod fields;
mod hpa;
mod ingress;
mod job;
mod namespace;
mod pod;
mod pvc;
mod replicaset;
mod service;
mod statefulset;
mod status;

use serde_json::Value;

pub use fields::HealthError;
pub use status::{HealthStatus, ParseHealthStatusError, worst};

/// The annotation that opts an object out of health assessment.
pub const IGNORE_HEALTHCHECK_ANNOTATION: &str = "argocd.argoproj.io/ignore-healthcheck";

/// The health of one object: a status and a human-readable message (often empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub status: HealthStatus,
    pub message: String,
}

impl Health {
    pub fn new(status: HealthStatus, message: impl Into<String>) -> Self {
        Health { status, message: message.into() }
    }

    pub fn healthy() -> Self {
        Health::new(HealthStatus::Healthy, "")
    }

    pub fn progressing(message: impl Into<String>) -> Self {
        Health::new(HealthStatus::Progressing, message)
    }

    pub fn degraded(message: impl Into<String>) -> Self {
        Health::new(HealthStatus::Degraded, message)
    }
}

/// One built-in rule: the health of an object of its kind.
type Rule = fn(&Value) -> Result<Health, HealthError>;

/// The health of `obj` by the built-in rules; `None` when no rule applies or the object
/// carries `argocd.argoproj.io/ignore-healthcheck: "true"`.
pub fn assess(obj: &Value) -> Option<Health> {
    if ignores_healthcheck(obj) {
        return None;
    }
    if obj.pointer("/metadata/deletionTimestamp").is_some_and(|t| !t.is_null()) && !is_hook(obj) {
        return Some(Health::progressing("Pending deletion"));
    }
    let rule = rule_for(obj)?;
    Some(rule(obj).unwrap_or_else(|err| Health::new(HealthStatus::Unknown, err.to_string())))
}

/// The rule for `obj`'s group and kind, or the generic conditions rule when it reports
/// conditions that rule understands.
fn rule_for(obj: &Value) -> Option<Rule> {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let rule: Rule = match (group, kind) {
        ("apps" | "extensions", "Deployment") => deployment::assess,
        ("apps", "StatefulSet") => statefulset::assess,
        ("apps" | "extensions", "DaemonSet") => daemonset::assess,
        ("apps" | "extensions", "ReplicaSet") => replicaset::assess,
        ("", "Pod") => pod::assess,
        ("batch", "Job") => job::assess,
        ("", "PersistentVolumeClaim") => pvc::assess,
        ("", "Service") => service::assess,
        ("networking.k8s.io" | "extensions", "Ingress") => ingress::assess,
        ("autoscaling", "HorizontalPodAutoscaler") => hpa::assess,
        ("apiregistration.k8s.io", "APIService") => apiservice::assess,
        ("", "Namespace") => namespace::assess,
        _ if conditions::applies(obj) => conditions::assess,
        _ => return None,
    };
    Some(rule)
}

fn ignores_healthcheck(obj: &Value) -> bool {
    obj.pointer("/metadata/annotations")
        .and_then(|a| a.get(IGNORE_HEALTHCHECK_ANNOTATION))
        .and_then(Value::as_str)
        .is_some_and(|v| v == "true")
}

/// Hooks being deleted keep their own health (their result decides the sync phase).
fn is_hook(obj: &Value) -> bool {
    let Some(annotations) = obj.pointer("/metadata/annotations") else {
        return false;
    };
    ["argocd.argoproj.io/hook", "helm.sh/hook"].iter().any(|k| annotations.get(*k).is_some())
}

#[cfg(test)]
mod tests;
