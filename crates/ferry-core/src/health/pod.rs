//! Pod health: containers stuck in an error back-off are Degraded (only for
//! `restartPolicy: Always`, so hook pods are not failed early), then the phase decides;
//! a running long-lived pod is Healthy once Ready.

use serde_json::Value;

use super::fields::{conditions, find, int, list, string};
use super::{Health, HealthError, HealthStatus};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    let restart_policy = match string(obj, "spec.restartPolicy")? {
        "" => "Always",
        policy => policy,
    };
    let statuses = list(obj, "status.containerStatuses")?;
    if restart_policy == "Always"
        && let Some(health) = waiting_errors(statuses)?
    {
        return Ok(health);
    }
    let message = string(obj, "status.message")?.to_string();
    let health = match string(obj, "status.phase")? {
        "Pending" => Health::progressing(message),
        "Succeeded" => Health::new(HealthStatus::Healthy, message),
        "Failed" => Health::degraded(failure_message(obj, message)?),
        "Running" if restart_policy == "Always" => running(obj, statuses, message)?,
        "Running" => Health::progressing(message),
        _ => Health::new(HealthStatus::Unknown, message),
    };
    Ok(health)
}

/// Degraded when a container waits with an error reason (`ErrImagePull`,
/// `CreateContainerConfigError`, `CrashLoopBackOff`, `ImagePullBackOff`, ...).
fn waiting_errors(statuses: &[Value]) -> Result<Option<Health>, HealthError> {
    let mut messages = Vec::new();
    for status in statuses {
        let reason = string(status, "state.waiting.reason")?;
        if reason.starts_with("Err") || reason.ends_with("Error") || reason.ends_with("BackOff") {
            let message = string(status, "state.waiting.message")?;
            messages.push(if message.is_empty() { reason } else { message });
        }
    }
    Ok((!messages.is_empty()).then(|| Health::degraded(messages.join(", "))))
}

fn running(obj: &Value, statuses: &[Value], message: String) -> Result<Health, HealthError> {
    let conditions = conditions(obj)?;
    if find(&conditions, "Ready").is_some_and(|c| c.is_true()) {
        return Ok(Health::new(HealthStatus::Healthy, message));
    }
    for status in statuses {
        if status.pointer("/lastState/terminated").is_some_and(|t| !t.is_null()) {
            return Ok(Health::degraded(message));
        }
    }
    Ok(Health::progressing(message))
}

/// The pod's own message, or the first container that says why it failed.
fn failure_message(obj: &Value, message: String) -> Result<String, HealthError> {
    if !message.is_empty() {
        return Ok(message);
    }
    let init = list(obj, "status.initContainerStatuses")?;
    let main = list(obj, "status.containerStatuses")?;
    for status in init.iter().chain(main) {
        if status.pointer("/state/terminated").is_none_or(Value::is_null) {
            continue;
        }
        let text = string(status, "state.terminated.message")?;
        if !text.is_empty() {
            return Ok(text.to_string());
        }
        if string(status, "state.terminated.reason")? == "OOMKilled" {
            return Ok("OOMKilled".to_string());
        }
        let code = int(status, "state.terminated.exitCode")?;
        if code != 0 {
            return Ok(format!("container {:?} failed with exit code {code}", string(status, "name")?));
        }
    }
    Ok(String::new())
}
