//! The controller: keeps every Application in sync. Each Application gets a task that
//! re-renders at its target revision every poll interval (Git fetched), and re-compares at
//! once when a live object it owns changes (the live cache's watches — no polling of the
//! cluster) or a webhook reports a push to its repository (`Engine::refresh`). With automated sync it syncs each new revision; with self-heal it also re-applies
//! when live state drifts; failed syncs are retried with the Application's backoff.

use std::sync::Arc;
use std::time::Duration;

use ferry_api::Application;
use ferry_store::{Phase, Trigger};
use tokio::sync::broadcast::error::RecvError;

use crate::app::SyncRequest;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::status::SyncStatus;

#[derive(Debug, Clone)]
pub struct ControllerOptions {
    /// How often Git is fetched (Argo CD's default is 3 minutes).
    pub poll: Duration,
}

impl Default for ControllerOptions {
    fn default() -> Self {
        ControllerOptions { poll: Duration::from_secs(180) }
    }
}

/// Runs until the future resolves.
pub async fn run(engine: Arc<Engine>, opts: ControllerOptions, shutdown: impl std::future::Future<Output = ()>) {
    resume_interrupted(&engine).await;
    let mut tasks = Vec::new();
    for app in engine.applications() {
        let name = app.metadata.name.clone();
        tasks.push(tokio::spawn(keep_in_sync(engine.clone(), name, opts.clone())));
    }
    shutdown.await;
    for t in tasks {
        t.abort();
    }
}

/// Syncs a crash interrupted are marked Interrupted and run again (trigger `resumed`).
async fn resume_interrupted(engine: &Engine) {
    let now = crate::app::now();
    let interrupted = match engine.store.take_interrupted(now).await {
        Ok(list) => list,
        Err(e) => {
            tracing::error!(error = %e, "cannot read interrupted syncs");
            return;
        }
    };
    for record in interrupted {
        if engine.application(&record.application).is_err() {
            continue;
        }
        tracing::info!(app = %record.application, sync = record.id, revision = %record.revision, "resuming a sync interrupted by a restart");
        let revision = record.revision.split(',').next().map(String::from);
        let req = SyncRequest { trigger: Trigger::Resumed, revision, fetch: false, ..SyncRequest::default() };
        let quiet = |_: &str| {};
        if let Err(e) = engine.sync(&record.application, &req, &quiet).await {
            tracing::warn!(app = %record.application, error = %e, "resumed sync failed");
        }
    }
}

/// What the automation decided for one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Nothing,
    Sync(Trigger),
}

/// Argo CD's rules: automated sync once per new revision; re-sync of the same revision only
/// with self-heal.
fn decide(app: &Application, sync: SyncStatus, revision: &str, last_synced: Option<&str>) -> Decision {
    let Some(auto) = app.spec.sync_policy.as_ref().and_then(|p| p.automated.as_ref()).filter(|a| a.is_enabled()) else {
        return Decision::Nothing;
    };
    if sync != SyncStatus::OutOfSync {
        return Decision::Nothing;
    }
    match last_synced {
        Some(r) if r == revision && auto.self_heal => Decision::Sync(Trigger::SelfHeal),
        Some(r) if r == revision => Decision::Nothing,
        _ => Decision::Sync(Trigger::Automated),
    }
}

/// The retry delay after `attempt` failures: duration × factor^attempt, capped.
fn backoff(app: &Application, attempt: u32) -> Option<Duration> {
    // Without `retry`, a failed automated sync is not retried for the same revision (Argo CD).
    let retry = app.spec.sync_policy.as_ref().and_then(|p| p.retry.clone())?;
    if retry.limit >= 0 && i64::from(attempt) >= retry.limit {
        return None;
    }
    let base = retry.backoff.duration.as_secs_f64() * (retry.backoff.factor.max(1) as f64).powi(attempt as i32);
    Some(Duration::from_secs_f64(base.min(retry.backoff.max_duration.as_secs_f64())))
}

async fn keep_in_sync(engine: Arc<Engine>, name: String, opts: ControllerOptions) {
    let mut last_synced: Option<String> = None;
    let mut failures: u32 = 0;
    let mut fetch = true;
    loop {
        let next = match reconcile(&engine, &name, fetch, &mut last_synced, &mut failures).await {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!(app = %name, error = %e, "reconcile failed");
                Duration::from_secs(5).min(opts.poll)
            }
        };
        fetch = wait_for_change(&engine, &name, next.min(opts.poll), opts.poll).await;
    }
}

/// One observation and, when the automation says so, a sync. Returns when to look again.
async fn reconcile(
    engine: &Engine,
    name: &str,
    fetch: bool,
    last_synced: &mut Option<String>,
    failures: &mut u32,
) -> Result<Duration, EngineError> {
    let app = engine.application(name)?.value.clone();
    let status = engine.status(name, fetch).await?;
    if last_synced.is_none() && status.sync == SyncStatus::Synced {
        *last_synced = Some(status.revision.clone());
    }
    tracing::debug!(app = %name, sync = status.sync.as_str(), health = %status.health, "observed");
    let Decision::Sync(trigger) = decide(&app, status.sync, &status.revision, last_synced.as_deref()) else {
        return Ok(Duration::MAX);
    };
    let drifted: Vec<String> = status.out_of_sync().map(|r| r.key.to_string()).collect();
    tracing::info!(app = %name, trigger = trigger.as_str(), revision = %status.revision, out_of_sync = ?drifted, "syncing");
    let req = SyncRequest { trigger, fetch: false, revision: Some(status.revision.clone()), ..SyncRequest::default() };
    let quiet = |_: &str| {};
    let report = engine.sync(name, &req, &quiet).await?;
    if report.outcome.phase == Phase::Succeeded {
        *failures = 0;
        *last_synced = Some(report.revision.clone());
        tracing::info!(app = %name, revision = %report.revision, "synced");
        return Ok(Duration::MAX);
    }
    *failures += 1;
    match backoff(&app, *failures - 1) {
        Some(delay) => {
            tracing::warn!(app = %name, message = %report.outcome.message, retry_in = ?delay, "sync failed; retrying");
            Ok(delay)
        }
        None => {
            tracing::error!(app = %name, message = %report.outcome.message, "sync failed; retry limit reached");
            *last_synced = Some(report.revision.clone());
            Ok(Duration::MAX)
        }
    }
}

/// Waits until `timeout` passes or a live object of the Application changes. Returns whether
/// the next look should fetch Git (a poll) rather than only re-compare (a live change).
async fn wait_for_change(engine: &Engine, name: &str, timeout: Duration, poll: Duration) -> bool {
    let Ok(app) = engine.application(name).map(|a| a.value.clone()) else {
        tokio::time::sleep(timeout).await;
        return true;
    };
    let cache = match engine.cluster_of(&app).await {
        Ok(client) => engine.cache(&client).await.ok(),
        Err(_) => None,
    };
    let Some(cache) = cache else {
        tokio::time::sleep(timeout).await;
        return true;
    };
    let mut changes = cache.subscribe();
    let mut refresh = engine.refresh.subscribe();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => return timeout >= poll,
            // A webhook saw a push to the Application's repository: fetch now.
            asked = refresh.recv() => match asked {
                Ok(app) if app == name => return true,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return true,
            },
            change = changes.recv() => match change {
                Ok(key) => {
                    let ours = cache.owner(&key).is_none_or(|owner| owner == name);
                    if ours {
                        // Let a burst of changes settle before comparing.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        return false;
                    }
                }
                Err(RecvError::Lagged(_)) => return false,
                Err(RecvError::Closed) => return true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(yaml_policy: &str) -> Application {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: a}}\nspec:\n  source: {{repoURL: /r, path: .}}\n  destination: {{name: dev, namespace: d}}\n{yaml_policy}"
        );
        ferry_api::parse_str(&text, std::path::Path::new("a.yaml")).unwrap().remove(0).value
    }

    #[test]
    fn automation_follows_argo_cd_rules() {
        let manual = app("");
        assert_eq!(decide(&manual, SyncStatus::OutOfSync, "r1", None), Decision::Nothing);
        let auto = app("  syncPolicy: {automated: {}}\n");
        assert_eq!(decide(&auto, SyncStatus::OutOfSync, "r1", None), Decision::Sync(Trigger::Automated));
        assert_eq!(
            decide(&auto, SyncStatus::OutOfSync, "r1", Some("r1")),
            Decision::Nothing,
            "drift without self-heal"
        );
        assert_eq!(decide(&auto, SyncStatus::OutOfSync, "r2", Some("r1")), Decision::Sync(Trigger::Automated));
        assert_eq!(decide(&auto, SyncStatus::Synced, "r2", Some("r1")), Decision::Nothing);
        let heal = app("  syncPolicy: {automated: {selfHeal: true}}\n");
        assert_eq!(decide(&heal, SyncStatus::OutOfSync, "r1", Some("r1")), Decision::Sync(Trigger::SelfHeal));
    }

    #[test]
    fn backoff_grows_and_stops_at_the_limit() {
        let a = app("  syncPolicy:\n    retry: {limit: 2, backoff: {duration: 1s, factor: 2, maxDuration: 3s}}\n");
        assert_eq!(backoff(&a, 0), Some(Duration::from_secs(1)));
        assert_eq!(backoff(&a, 1), Some(Duration::from_secs(2)));
        assert_eq!(backoff(&a, 2), None, "two retries, then stop");
        let capped = app("  syncPolicy:\n    retry: {limit: 5, backoff: {duration: 1s, factor: 2, maxDuration: 3s}}\n");
        assert_eq!(backoff(&capped, 3), Some(Duration::from_secs(3)), "capped at maxDuration");
        assert_eq!(backoff(&app(""), 0), None, "no retry policy, no retry");
    }
}
