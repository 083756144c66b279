//! Verification after a promotion (DESIGN.md §1): runs a Stage's HTTP probes, Prometheus
//! queries, command and Job concurrently and reports one verdict, Failed if any check failed.
//!
//! Application health is not checked here: the promotion engine checks it itself.
//!
//! The measurement logic (conditions, Argo Rollouts' limits) is sans-IO in
//! [`ferry_core::analysis`]; the files here do the I/O: `http.rs`, `prometheus.rs`,
//! `command.rs`, `job.rs`.

pub(crate) mod client;
mod command;
mod http;
mod job;
mod json_path;
mod prometheus;
mod prometheus_answer;
mod report;
mod tail;

use std::future::Future;
use std::pin::Pin;

use ferry_api::Verification;
use tokio_util::sync::CancellationToken;

pub use client::{MAX_BODY_BYTES, redact_url};
pub use job::JobCluster;
pub use prometheus::QUERY_TIMEOUT;
pub use report::{CheckKind, CheckResult, MeasurementRecord, Verdict, VerificationReport};
pub use tail::{MAX_LINE_CHARS, MAX_LINES};

/// What a verification runs for, and how to stop it.
#[derive(Debug, Clone)]
pub struct VerifyContext {
    pub stage: String,
    pub freight_alias: String,
    /// Cancelling stops every check: queries stop measuring, commands are killed, and the
    /// checks still running end as Error ("cancelled").
    pub cancel: CancellationToken,
    /// Where a Job check runs (the Stage's first Application's cluster and namespace); a Job
    /// check without it is an Error.
    pub job_cluster: Option<JobCluster>,
}

type CheckFuture<'a> = Pin<Box<dyn Future<Output = CheckResult> + Send + 'a>>;

/// Runs every check of `verification` concurrently and waits for all of them.
pub async fn run(verification: &Verification, ctx: &VerifyContext) -> VerificationReport {
    let mut checks: Vec<CheckFuture<'_>> = Vec::new();
    if !verification.http.is_empty() || !verification.prometheus.is_empty() {
        match client::client() {
            Ok(c) => add_http_checks(&mut checks, verification, c, ctx),
            Err(message) => checks.push(Box::pin(std::future::ready(CheckResult::new(
                "http-client",
                CheckKind::Http,
                Verdict::Error,
                message,
            )))),
        }
    }
    if let Some(command) = &verification.command {
        checks.push(Box::pin(command::run_command(command, ctx)));
    }
    if let Some(job) = &verification.job {
        checks.push(Box::pin(job::run_job(job, ctx)));
    }
    let checks = futures::future::join_all(checks).await;
    let verdict = Verdict::worst(checks.iter().map(|c| c.verdict));
    tracing::info!(stage = %ctx.stage, freight = %ctx.freight_alias, ?verdict, checks = checks.len(), "verification finished");
    VerificationReport { stage: ctx.stage.clone(), freight_alias: ctx.freight_alias.clone(), verdict, checks }
}

fn add_http_checks<'a>(
    checks: &mut Vec<CheckFuture<'a>>,
    verification: &'a Verification,
    client: reqwest::Client,
    ctx: &'a VerifyContext,
) {
    for (i, probe) in verification.http.iter().enumerate() {
        let name = format!("http-{}", i + 1);
        let client = client.clone();
        checks.push(Box::pin(cancellable(name.clone(), CheckKind::Http, &ctx.cancel, async move {
            http::probe(&client, probe, name).await
        })));
    }
    for (i, query) in verification.prometheus.iter().enumerate() {
        let name = query.name.clone().unwrap_or_else(|| format!("query-{}", i + 1));
        let client = client.clone();
        checks.push(Box::pin(async move { prometheus::run_query(&client, query, name, &ctx.cancel).await }));
    }
}

/// Runs `check` unless `cancel` fires first (then the check is an Error).
async fn cancellable(
    name: String,
    kind: CheckKind,
    cancel: &CancellationToken,
    check: impl Future<Output = CheckResult>,
) -> CheckResult {
    tokio::select! {
        biased;
        () = cancel.cancelled() => CheckResult::new(name, kind, Verdict::Error, "cancelled"),
        result = check => result,
    }
}
