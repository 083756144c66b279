//! `verification` of a Stage: the checks after a promotion that mark a Freight verified in
//! the Stage — Application health, HTTP probes, Prometheus queries, a command, a Job. Failure
//! rolls back unless `rollback.onVerificationFailure` is false.

use std::time::Duration;

use serde::Serialize;

use crate::decode::{Decoder, Fields};
use crate::duration;
use crate::http_probe::{self, HttpProbe};
use crate::node::Node;
use crate::prometheus_query::{self, PrometheusQuery};

/// How long a verification command or Job may run when `timeout` is absent.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// The checks after a promotion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// The Stage's Applications must be Healthy (true when absent).
    pub health: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub http: Vec<HttpProbe>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prometheus: Vec<PrometheusQuery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<JobCheck>,
}

impl Default for Verification {
    fn default() -> Self {
        Verification { health: true, http: Vec::new(), prometheus: Vec::new(), command: None, job: None }
    }
}

/// A program run on Ferry's host that must exit 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandCheck {
    /// The program and its arguments (no shell).
    pub run: Vec<String>,
    #[serde(serialize_with = "duration::serialize")]
    pub timeout: Duration,
}

/// A Kubernetes Job in the Stage's cluster that must succeed: either one container (`image`,
/// `command`) or a whole `spec` (a batch/v1 JobSpec, as in an Argo Rollouts job metric).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobCheck {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// A whole JobSpec; `image`/`command` may not be given with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<serde_json::Value>,
    /// The namespace of the Stage's first Application when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(serialize_with = "duration::serialize")]
    pub timeout: Duration,
}

/// `rollback` of a Stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollback {
    /// Promote the Stage's last verified Freight again when verification fails (true when
    /// absent).
    pub on_verification_failure: bool,
}

impl Default for Rollback {
    fn default() -> Self {
        Rollback { on_verification_failure: true }
    }
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Verification> {
    let mut f = d.fields(node, path)?;
    let health = f.optional_bool(d, "health").unwrap_or(true);
    let http = f.list(d, "http", http_probe::decode);
    let prometheus = f.list(d, "prometheus", prometheus_query::decode);
    let command = f.take("command").and_then(|n| decode_command(d, n, &f.path("command")));
    let job = f.take("job").and_then(|n| decode_job(d, n, &f.path("job")));
    f.finish(d);
    Some(Verification { health, http, prometheus, command, job })
}

fn decode_command(d: &mut Decoder, node: &Node, path: &str) -> Option<CommandCheck> {
    let mut f = d.fields(node, path)?;
    let run = non_empty(d, &mut f, "run", "the program and its arguments, e.g. `[make, smoke-test]`");
    let timeout = f.duration(d, "timeout").unwrap_or(DEFAULT_COMMAND_TIMEOUT);
    f.finish(d);
    Some(CommandCheck { run: run?, timeout })
}

fn decode_job(d: &mut Decoder, node: &Node, path: &str) -> Option<JobCheck> {
    let mut f = d.fields(node, path)?;
    let line = f.line();
    let image = f.string(d, "image");
    let command = f.strings(d, "command");
    let spec_node = f.take("spec");
    let spec = spec_node.and_then(|n| decode_job_spec(d, n, &f.path("spec")));
    let namespace = f.string(d, "namespace");
    let timeout = f.duration(d, "timeout").unwrap_or(DEFAULT_COMMAND_TIMEOUT);
    f.finish(d);
    if image.is_none() && spec_node.is_none() {
        d.missing(line, &format!("{path}.image"), "the container image the Job runs (or a whole JobSpec in `spec`)");
        return None;
    }
    if spec_node.is_some() && (image.is_some() || !command.is_empty()) {
        let found = "`spec` with `image` or `command`".to_owned();
        d.invalid_at(line, path, "either `image` (with `command`) or `spec`, not both", found);
        return None;
    }
    if image.is_none() && spec.is_none() {
        return None;
    }
    Some(JobCheck { image, command, spec, namespace, timeout })
}

/// A JobSpec must at least name its pod template's containers.
fn decode_job_spec(d: &mut Decoder, node: &Node, path: &str) -> Option<serde_json::Value> {
    let spec = node.to_json();
    let containers = spec.pointer("/template/spec/containers").and_then(serde_json::Value::as_array);
    if containers.is_none_or(|c| c.is_empty()) {
        d.invalid(node, path, "a batch/v1 JobSpec with `template.spec.containers`");
        return None;
    }
    Some(spec)
}

fn non_empty(d: &mut Decoder, f: &mut Fields<'_>, key: &'static str, expected: &str) -> Option<Vec<String>> {
    let node = f.peek(key);
    let items = f.strings(d, key);
    if items.is_empty() {
        match node {
            Some(n) => d.invalid(n, &f.path(key), expected),
            None => d.missing(f.line(), &f.path(key), expected),
        }
        return None;
    }
    Some(items)
}

/// `rollback: {onVerificationFailure}`.
pub(crate) fn decode_rollback(d: &mut Decoder, node: &Node, path: &str) -> Option<Rollback> {
    let mut f = d.fields(node, path)?;
    let on_verification_failure = f.optional_bool(d, "onVerificationFailure").unwrap_or(true);
    f.finish(d);
    Some(Rollback { on_verification_failure })
}
