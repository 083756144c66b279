//! The promotion steps that talk to the Stage's Applications: sync them to what was pushed
//! (or, for a Stage without Git steps, to the Freight's own commit of their repository), and
//! wait until they are Synced and Healthy.

use std::time::{Duration, Instant};

use ferry_core::freight::Revision;
use ferry_store::Trigger;

use super::PromotionError;
use super::promoter::{Promoter, StageRef};
use super::step_config::AppStep;
use crate::app::SyncRequest;
use crate::status::SyncStatus;

/// How often `wait-healthy` looks again (the status comes from the live cache, no API calls).
const POLL: Duration = Duration::from_millis(100);

impl Promoter {
    /// Runs one Application step; what it did, for the promotion's record.
    pub(crate) async fn app_step(
        &self,
        s: StageRef<'_>,
        step: &AppStep,
        revisions: &[Revision],
        pushed: bool,
    ) -> Result<String, PromotionError> {
        match step {
            AppStep::Sync(apps) => self.sync_apps(&stage_apps(s, apps), revisions, pushed).await,
            AppStep::WaitHealthy(apps, timeout) => self.wait_healthy(&stage_apps(s, apps), *timeout).await,
        }
    }

    async fn sync_apps(&self, apps: &[String], revisions: &[Revision], pushed: bool) -> Result<String, PromotionError> {
        let mut done = Vec::new();
        for name in apps {
            let app = &self.engine.application(name)?.value;
            // After a push the Application's branch holds the new commit; without Git steps the
            // Stage runs the Freight's own commit of the Application's repository.
            let revision = if pushed { None } else { freight_commit_for(app, revisions) };
            let req = SyncRequest { revision, trigger: Trigger::Promotion, prune: true, ..SyncRequest::default() };
            let quiet = |_: &str| {};
            let report = self.engine.sync(name, &req, &quiet).await?;
            if report.outcome.phase != ferry_store::Phase::Succeeded {
                return Err(PromotionError::Refused(format!(
                    "sync of {name} at {} failed: {}",
                    short(&report.revision),
                    report.outcome.message
                )));
            }
            done.push(format!("{name} synced to {}", short(&report.revision)));
        }
        Ok(done.join(", "))
    }

    async fn wait_healthy(&self, apps: &[String], timeout: Duration) -> Result<String, PromotionError> {
        let deadline = Instant::now() + timeout;
        for name in apps {
            loop {
                let status = self.engine.status(name, false).await?;
                if status.sync == SyncStatus::Synced && status.health == "Healthy" {
                    break;
                }
                // Degraded once synced is a failed rollout (Argo CD's reading too): no point waiting.
                if status.sync == SyncStatus::Synced && status.health == "Degraded" {
                    return Err(PromotionError::Refused(format!("{name} is Degraded: {}", degraded_message(&status))));
                }
                if Instant::now() >= deadline {
                    return Err(PromotionError::Refused(format!(
                        "{name} was not Synced and Healthy within {}s ({} / {})",
                        timeout.as_secs(),
                        status.sync.as_str(),
                        status.health
                    )));
                }
                tokio::time::sleep(POLL).await;
            }
        }
        Ok(format!("{} Synced and Healthy", apps.join(", ")))
    }
}

/// What the unhealthy resources say.
fn degraded_message(status: &crate::status::AppStatus) -> String {
    let said: Vec<String> = status
        .resources
        .iter()
        .filter_map(|r| r.health.as_ref().filter(|h| h.status == "Degraded").map(|h| (r, h)))
        .map(|(r, h)| format!("{} {}: {}", r.kind, r.name, h.message))
        .collect();
    if said.is_empty() { status.message.clone() } else { said.join("; ") }
}

/// The Applications a step names, else the Stage's.
pub(crate) fn stage_apps(s: StageRef<'_>, named: &[String]) -> Vec<String> {
    if named.is_empty() { s.stage.applications.iter().map(|a| a.name.clone()).collect() } else { named.to_vec() }
}

/// The Freight's commit of the repository an Application renders from.
fn freight_commit_for(app: &ferry_api::Application, revisions: &[Revision]) -> Option<String> {
    let sources: Vec<&ferry_api::Source> = app.spec.source.iter().chain(app.spec.sources.iter()).collect();
    revisions.iter().find_map(|r| match r {
        Revision::Git { repo_url, commit } if sources.iter().any(|s| same_repo(&s.repo_url, repo_url)) => {
            Some(commit.clone())
        }
        _ => None,
    })
}

fn same_repo(a: &str, b: &str) -> bool {
    let norm = |u: &str| u.trim_end_matches('/').trim_end_matches(".git").to_ascii_lowercase();
    norm(a) == norm(b)
}

fn short(revision: &str) -> &str {
    revision.get(..7).unwrap_or(revision)
}
