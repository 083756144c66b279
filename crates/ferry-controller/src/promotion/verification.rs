//! Verification after a promotion: the Stage's Applications must be Healthy (unless
//! `verification.health: false`), then the Stage's own checks run concurrently ([`verify`]):
//! HTTP probes, Prometheus queries with Argo Rollouts' analysis semantics, a command, a Job.
//!
//! A failed or errored check fails the verification (and rolls back); an inconclusive one
//! leaves the Freight unverified without rolling back, for a person to decide.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::apps::stage_apps;
use super::promoter::{Promoter, StageRef};
use super::verify::{self, JobCluster, Verdict, VerificationReport, VerifyContext};

/// One check's result, as shown in promotion messages.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub name: String,
    pub verdict: Verdict,
    pub message: String,
}

/// The verification of a promotion.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub checks: Vec<CheckReport>,
    /// The Stage's own checks in full (measurements, command output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<VerificationReport>,
}

impl Report {
    /// The worst verdict of all checks (Passed when there are none).
    pub fn verdict(&self) -> Verdict {
        Verdict::worst(self.checks.iter().map(|c| c.verdict))
    }

    /// The checks that did not pass, for messages.
    pub fn summary(&self) -> String {
        let failed: Vec<String> = self
            .checks
            .iter()
            .filter(|c| c.verdict != Verdict::Passed)
            .map(|c| format!("{} ({:?}): {}", c.name, c.verdict, c.message))
            .collect();
        failed.join("; ")
    }
}

impl Promoter {
    /// Verifies the Stage as it runs now, for Freight `alias`.
    pub(crate) async fn verify(&self, s: StageRef<'_>, alias: &str) -> Report {
        let mut checks = Vec::new();
        if s.stage.verification.health {
            for name in stage_apps(s, &[]) {
                let label = format!("health of {name}");
                checks.push(match self.engine.status(&name, false).await {
                    Ok(st) => CheckReport {
                        name: label,
                        verdict: if st.health == "Healthy" { Verdict::Passed } else { Verdict::Failed },
                        message: format!("{} / {}", st.sync.as_str(), st.health),
                    },
                    Err(e) => CheckReport { name: label, verdict: Verdict::Error, message: e.to_string() },
                });
            }
        }
        let v = &s.stage.verification;
        let analysis = if v.http.is_empty() && v.prometheus.is_empty() && v.command.is_none() && v.job.is_none() {
            None
        } else {
            let job_cluster = if v.job.is_some() { self.job_cluster(s).await } else { None };
            let ctx = VerifyContext {
                stage: s.stage.name.clone(),
                freight_alias: alias.to_owned(),
                cancel: CancellationToken::new(),
                job_cluster,
            };
            Some(verify::run(v, &ctx).await)
        };
        for c in analysis.iter().flat_map(|a| a.checks.iter()) {
            checks.push(CheckReport { name: c.name.clone(), verdict: c.verdict, message: c.message.clone() });
        }
        Report { checks, analysis }
    }

    /// The cluster and namespace of the Stage's first Application, where a Job check runs.
    async fn job_cluster(&self, s: StageRef<'_>) -> Option<JobCluster> {
        let name = stage_apps(s, &[]).into_iter().next()?;
        let app = &self.engine.application(&name).ok()?.value;
        match self.engine.cluster_of(app).await {
            Ok(client) => {
                let namespace = app.spec.destination.namespace.clone().unwrap_or_else(|| "default".into());
                Some(JobCluster { client, namespace })
            }
            Err(e) => {
                tracing::warn!(stage = %s.subject(), error = %e, "no cluster for the verification Job");
                None
            }
        }
    }
}
