//! Jobs: active at first, then Complete after the delay — or Failed (backoff limit
//! exceeded) when the pod template carries `localkube.ferry.dev/fail: "true"`.

use std::time::Duration;

use serde_json::{Value, json};

use super::{FAIL_ANNOTATION, Observed, condition, set_status};
use crate::api::{Cluster, Settings};
use crate::object::str_at;
use crate::resource::ResourceType;
use crate::time::now_rfc3339;

fn finished(job: &Value) -> bool {
    let conds = job.pointer("/status/conditions").and_then(Value::as_array);
    conds.into_iter().flatten().any(|c| {
        matches!(c.get("type").and_then(Value::as_str), Some("Complete" | "Failed"))
            && c.get("status").and_then(Value::as_str) == Some("True")
    })
}

pub fn reconcile(
    cluster: &Cluster,
    rt: &ResourceType,
    job: &Value,
    observed: &mut Observed,
    settings: &Settings,
) -> Option<Duration> {
    if finished(job) || job.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let now = now_rfc3339();
    let start = str_at(job, "/status/startTime").map(String::from).unwrap_or_else(|| now.clone());
    let elapsed = observed.elapsed(job);
    if elapsed < settings.ready_delay {
        set_status(
            cluster,
            rt,
            job,
            json!({"startTime": start, "active": 1, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {}}),
        );
        return Some(settings.ready_delay.saturating_sub(elapsed));
    }
    let fails = str_at(job, &format!("/spec/template/metadata/annotations/{}", FAIL_ANNOTATION.replace('/', "~1")))
        == Some("true");
    let status = if fails {
        let limit = job.pointer("/spec/backoffLimit").and_then(Value::as_i64).unwrap_or(6);
        let msg = "Job has reached the specified backoff limit";
        json!({
            "startTime": start, "failed": limit + 1, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {},
            "conditions": [
                condition("FailureTarget", true, "BackoffLimitExceeded", msg, &now),
                condition("Failed", true, "BackoffLimitExceeded", msg, &now),
            ],
        })
    } else {
        let completions = job.pointer("/spec/completions").and_then(Value::as_i64).unwrap_or(1);
        json!({
            "startTime": start, "completionTime": now, "succeeded": completions, "ready": 0, "terminating": 0,
            "uncountedTerminatedPods": {},
            "conditions": [
                condition("SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods", &now),
                condition("Complete", true, "CompletionsReached", "Reached expected number of succeeded pods", &now),
            ],
        })
    };
    set_status(cluster, rt, job, status);
    None
}
