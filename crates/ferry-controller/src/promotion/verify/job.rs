//! Job checks: a Kubernetes Job created in the Stage's cluster that must succeed within its
//! timeout — one container (`image`, `command`) or a whole JobSpec, as an Argo Rollouts job
//! metric takes it. The Job learns the Stage and Freight from `FERRY_STAGE` and `FERRY_FREIGHT`
//! (one-container form) and from its labels.
//!
//! The Job's own conditions decide: `Complete` passes, `Failed` fails. A Job past its timeout
//! fails and is deleted, as is a passed or cancelled one; a failed Job is kept so that its pods'
//! logs can be read (`ttlSecondsAfterFinished` lets the cluster remove it later).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferry_api::JobCheck;
use ferry_cluster::{ApplyOptions, ClusterClient, Propagation};
use serde_json::{Value, json};

use super::VerifyContext;
use super::client::humanize;
use super::report::{CheckKind, CheckResult, Verdict};

/// How often the Job's status is read.
const POLL: Duration = Duration::from_millis(250);
/// Reads of the Job that may fail in a row before the check is an Error.
const READ_ERRORS: u32 = 5;
/// How long a finished Job stays in the cluster (a failed one is kept for its logs).
const TTL_AFTER_FINISHED: u64 = 3600;
const FIELD_MANAGER: &str = "ferry-verification";

/// The cluster a Stage's Job runs in and the namespace it runs in unless the check names one:
/// those of the Stage's first Application.
#[derive(Clone)]
pub struct JobCluster {
    pub client: Arc<ClusterClient>,
    pub namespace: String,
}

impl std::fmt::Debug for JobCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobCluster").field("context", &self.client.context).field("namespace", &self.namespace).finish()
    }
}

/// How the wait ended.
enum End {
    Complete,
    Failed(String),
    TimedOut,
    Cancelled,
    ReadError(String),
}

/// Runs the Job to its verdict.
pub(crate) async fn run_job(check: &JobCheck, ctx: &VerifyContext) -> CheckResult {
    let Some(cluster) = &ctx.job_cluster else {
        return result(
            Verdict::Error,
            "no cluster to run the Job in: the Stage has no Application, or its cluster cannot be reached (see the log)",
        );
    };
    let namespace = check.namespace.clone().unwrap_or_else(|| cluster.namespace.clone());
    let name = job_name(&ctx.stage, &ctx.freight_alias, unique_suffix());
    let job = manifest(check, &name, &namespace, ctx);
    let at = format!("Job {namespace}/{name} in cluster {}", cluster.client.context);
    let apply = ApplyOptions { field_manager: FIELD_MANAGER.into(), force: true, dry_run: false };
    if let Err(e) = cluster.client.apply(&job, &apply).await {
        return result(Verdict::Error, format!("cannot create {at}: {e}"));
    }
    let end = tokio::select! {
        biased;
        () = ctx.cancel.cancelled() => End::Cancelled,
        end = wait(&cluster.client, &job, check.timeout) => end,
    };
    if !matches!(end, End::Failed(_))
        && let Err(e) = cluster.client.delete(&job, Propagation::Background).await
    {
        tracing::warn!(job = %at, error = %e, "cannot delete the verification Job");
    }
    let (verdict, message) = judge(&at, end, check.timeout);
    result(verdict, message)
}

fn result(verdict: Verdict, message: impl Into<String>) -> CheckResult {
    CheckResult::new("job", CheckKind::Job, verdict, message)
}

fn judge(at: &str, end: End, timeout: Duration) -> (Verdict, String) {
    match end {
        End::Complete => (Verdict::Passed, format!("{at} completed")),
        End::Failed(why) => (Verdict::Failed, format!("{at} failed: {why} (kept for its logs)")),
        End::TimedOut => (Verdict::Failed, format!("{at} did not finish within {}; it was deleted", humanize(timeout))),
        End::Cancelled => (Verdict::Error, format!("cancelled; {at} was deleted")),
        End::ReadError(e) => (Verdict::Error, format!("cannot read {at}: {e}")),
    }
}

/// Polls the Job until one of its conditions says it finished, or `timeout` passes.
async fn wait(client: &ClusterClient, job: &Value, timeout: Duration) -> End {
    let deadline = Instant::now() + timeout;
    let mut errors = 0;
    loop {
        match client.get(job).await {
            Ok(Some(live)) => {
                errors = 0;
                if let Some(end) = finished(&live) {
                    return end;
                }
            }
            Ok(None) => return End::Failed("it was deleted before it finished".into()),
            Err(e) => {
                errors += 1;
                if errors >= READ_ERRORS {
                    return End::ReadError(e.to_string());
                }
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return End::TimedOut;
        }
        tokio::time::sleep(POLL.min(deadline - now)).await;
    }
}

/// `Complete` or `Failed` when the Job's conditions say so.
fn finished(job: &Value) -> Option<End> {
    let conditions = job.pointer("/status/conditions").and_then(Value::as_array)?;
    conditions.iter().filter(|c| c.get("status").and_then(Value::as_str) == Some("True")).find_map(|c| {
        match c.get("type").and_then(Value::as_str) {
            Some("Complete") => Some(End::Complete),
            Some("Failed") => {
                let text = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
                let why = [text("reason"), text("message")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
                Some(End::Failed(if why.is_empty() { "condition Failed".into() } else { why.join(": ") }))
            }
            _ => None,
        }
    })
}

/// The Job to create: the check's own JobSpec, or one container that runs `image`.
fn manifest(check: &JobCheck, name: &str, namespace: &str, ctx: &VerifyContext) -> Value {
    let mut spec = check.spec.clone().unwrap_or_else(|| one_container(check, ctx));
    let deadline = check.timeout.as_secs().max(1);
    if let Some(obj) = spec.as_object_mut() {
        obj.entry("activeDeadlineSeconds").or_insert(json!(deadline));
        obj.entry("ttlSecondsAfterFinished").or_insert(json!(TTL_AFTER_FINISHED));
    }
    if let Some(pod) = spec.pointer_mut("/template/spec").and_then(Value::as_object_mut) {
        pod.entry("restartPolicy").or_insert(json!("Never"));
    }
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {
                "app.kubernetes.io/managed-by": "ferry",
                "ferry.dev/verification-stage": label_value(&ctx.stage),
                "ferry.dev/verification-freight": label_value(&ctx.freight_alias),
            },
        },
        "spec": spec,
    })
}

fn one_container(check: &JobCheck, ctx: &VerifyContext) -> Value {
    let mut container = json!({
        "name": "verify",
        "image": check.image.clone().unwrap_or_default(),
        "env": [
            {"name": "FERRY_STAGE", "value": ctx.stage},
            {"name": "FERRY_FREIGHT", "value": ctx.freight_alias},
        ],
    });
    if !check.command.is_empty() {
        container["command"] = json!(check.command);
    }
    json!({"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never", "containers": [container]}}})
}

/// `ferry-verify-STAGE-ALIAS-SUFFIX`, a valid DNS label of at most 63 characters.
fn job_name(stage: &str, alias: &str, suffix: String) -> String {
    let mut base = dns_label(&format!("ferry-verify-{stage}-{alias}"));
    base.truncate(63 - suffix.len() - 1);
    format!("{}-{suffix}", base.trim_end_matches('-'))
}

/// Five hex digits from the clock, so that a re-run verification makes a new Job.
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("{:05x}", (nanos / 1000) as u64 & 0xfffff)
}

fn dns_label(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// A label value: at most 63 characters of `[A-Za-z0-9._-]`, starting and ending alphanumeric.
fn label_value(s: &str) -> String {
    let mut v: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect();
    v.truncate(63);
    v.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_are_dns_labels_of_at_most_63_characters() {
        assert_eq!(job_name("dev", "brave-otter", "0a1b2".into()), "ferry-verify-dev-brave-otter-0a1b2");
        let long = job_name(&"Stage_".repeat(20), "x", "0a1b2".into());
        assert!(long.len() <= 63 && long.ends_with("-0a1b2"), "{long}");
        assert!(long.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{long}");
        assert!(!long.contains("--0a1b2"), "{long}");
    }

    #[test]
    fn conditions_decide_the_end() {
        let failed = json!({"status": {"conditions": [
            {"type": "FailureTarget", "status": "True"},
            {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"},
        ]}});
        match finished(&failed) {
            Some(End::Failed(why)) => {
                assert_eq!(why, "BackoffLimitExceeded: Job has reached the specified backoff limit")
            }
            _ => panic!("not failed"),
        }
        assert!(matches!(
            finished(&json!({"status": {"conditions": [{"type": "Complete", "status": "True"}]}})),
            Some(End::Complete)
        ));
        assert!(finished(&json!({"status": {"active": 1}})).is_none());
        assert!(finished(&json!({"status": {"conditions": [{"type": "Complete", "status": "False"}]}})).is_none());
    }
}
