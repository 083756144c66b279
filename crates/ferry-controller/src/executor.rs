//! Running a sync: the plan's steps one after another (phase → wave), each object applied
//! with server-side apply (or pruned, or created as a hook), the next step starting only when
//! the previous one is healthy, hooks waited for and deleted by their policies, SyncFail hooks
//! run when a sync fails, and every outcome recorded in the store.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use ferry_cluster::{ApplyOptions, ClusterClient, Propagation};
use ferry_core::health::HealthStatus;
use ferry_core::plan::{Action, HookDeletePolicy, PropagationPolicy, ResourceKey, SyncPlan, SyncTask};
use ferry_store::{Phase as RunPhase, ResourceResult};
use serde_json::{Value, json};

use crate::compare::health_of;

/// How long one step may take to become healthy before the sync fails.
pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_secs(300);
const POLL: Duration = Duration::from_millis(200);

/// What a sync did.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub phase: RunPhase,
    pub message: String,
    pub resources: Vec<ResourceResult>,
}

/// Receives progress lines (for the CLI).
pub type Progress<'a> = &'a (dyn Fn(&str) + Send + Sync);

pub struct Executor<'a> {
    pub client: Arc<ClusterClient>,
    /// Live objects the Application owns, by key: what prune tasks delete.
    pub live: HashMap<ResourceKey, Value>,
    /// Custom health checks, used while waiting for a step to become healthy.
    pub scripts: Arc<ferry_lua::HealthScripts>,
    pub dry_run: bool,
    pub step_timeout: Duration,
    pub progress: Progress<'a>,
}

fn result(task: &SyncTask, status: &str, message: impl Into<String>) -> ResourceResult {
    ResourceResult {
        group: task.key.group.clone(),
        kind: task.key.kind.clone(),
        namespace: task.key.namespace.clone(),
        name: task.key.name.clone(),
        action: if task.hook.is_some() { "hook".into() } else { task.action.as_str().to_lowercase() },
        status: status.into(),
        message: message.into(),
    }
}

impl Executor<'_> {
    /// Runs the plan; SyncFail hooks run when a step fails.
    pub async fn run(&self, plan: &SyncPlan) -> RunOutcome {
        let mut results = Vec::new();
        let steps = plan.waves();
        let last = steps.len().saturating_sub(1);
        for (i, (phase, wave, tasks)) in steps.iter().enumerate() {
            (self.progress)(&format!("{} wave {wave}: {} task(s)", phase.as_str(), tasks.len()));
            let wait_health = i < last && !self.dry_run;
            if let Err(message) = self.run_step(tasks, wait_health, &mut results).await {
                self.run_sync_fail(plan, &mut results).await;
                return RunOutcome { phase: RunPhase::Failed, message, resources: results };
            }
        }
        let message = if self.dry_run { "dry run: nothing changed" } else { "successfully synced" };
        RunOutcome { phase: RunPhase::Succeeded, message: message.into(), resources: results }
    }

    async fn run_sync_fail(&self, plan: &SyncPlan, results: &mut Vec<ResourceResult>) {
        for (_, wave, tasks) in plan.sync_fail_waves() {
            (self.progress)(&format!("SyncFail wave {wave}: {} hook(s)", tasks.len()));
            let _ = self.run_step(&tasks, false, results).await;
        }
    }

    /// Applies a step's tasks, then waits for hooks (always) and for health (between steps).
    async fn run_step(
        &self,
        tasks: &[&SyncTask],
        wait_health: bool,
        results: &mut Vec<ResourceResult>,
    ) -> Result<(), String> {
        let mut applied: Vec<(&SyncTask, Value)> = Vec::new();
        let mut failure = None;
        for task in tasks {
            match self.run_task(task).await {
                Ok(Some(obj)) => {
                    results.push(result(task, self.done_status(task), ""));
                    applied.push((task, obj));
                }
                Ok(None) => results.push(result(task, self.done_status(task), "")),
                Err(message) => {
                    (self.progress)(&format!("  {} failed: {message}", task.key));
                    results.push(result(task, "SyncFailed", message.clone()));
                    failure.get_or_insert(format!("{}: {message}", task.key));
                }
            }
        }
        if let Some(f) = failure {
            return Err(f);
        }
        if self.dry_run {
            return Ok(());
        }
        for (task, obj) in &applied {
            let needs_wait = task.hook.is_some() || wait_health;
            if !needs_wait {
                continue;
            }
            let outcome = self.wait_healthy(obj).await;
            if task.hook.is_some() {
                self.after_hook(task, obj, outcome.is_ok()).await;
            }
            if let Err(message) = outcome {
                results.push(result(task, "Failed", message.clone()));
                return Err(format!("{}: {message}", task.key));
            }
        }
        Ok(())
    }

    fn done_status(&self, task: &SyncTask) -> &'static str {
        match (task.action, self.dry_run) {
            (Action::Prune, false) => "Pruned",
            (Action::Prune, true) => "WouldPrune",
            (Action::Skip, _) => "Skipped",
            (_, true) => "WouldApply",
            (_, false) => "Synced",
        }
    }

    /// Carries out one task; returns the object to watch, if any.
    async fn run_task(&self, task: &SyncTask) -> Result<Option<Value>, String> {
        let opts = ApplyOptions { field_manager: "ferry".into(), force: true, dry_run: self.dry_run };
        match task.action {
            Action::Skip => Ok(None),
            Action::Prune => {
                let Some(obj) = self.live.get(&task.key).cloned().or_else(|| task.object.clone()) else {
                    return Ok(None);
                };
                if !self.dry_run {
                    self.client
                        .delete(&obj, propagation(task.options.prune_propagation_policy))
                        .await
                        .map_err(|e| e.to_string())?;
                }
                Ok(None)
            }
            Action::Create => {
                let mut obj = task.object.clone().unwrap_or_default();
                ensure_name(&mut obj);
                let replace = task
                    .hook
                    .as_ref()
                    .is_some_and(|h| h.delete_policies.contains(&HookDeletePolicy::BeforeHookCreation));
                if replace && !self.dry_run {
                    self.delete_and_wait(&obj).await?;
                }
                self.client.apply(&obj, &opts).await.map(Some).map_err(|e| e.to_string())
            }
            Action::Apply => {
                let obj = task.object.clone().unwrap_or_default();
                self.client.apply(&obj, &opts).await.map(Some).map_err(|e| e.to_string())
            }
            Action::Replace => {
                let obj = task.object.clone().unwrap_or_default();
                self.client.replace(&obj, &opts).await.map(Some).map_err(|e| e.to_string())
            }
        }
    }

    async fn delete_and_wait(&self, obj: &Value) -> Result<(), String> {
        self.client.delete(obj, Propagation::Foreground).await.map_err(|e| e.to_string())?;
        let deadline = tokio::time::Instant::now() + self.step_timeout;
        while tokio::time::Instant::now() < deadline {
            if self.client.get(obj).await.map_err(|e| e.to_string())?.is_none() {
                return Ok(());
            }
            tokio::time::sleep(POLL).await;
        }
        Err("timed out waiting for the previous hook object to be deleted".into())
    }

    /// Polls the object until it is healthy (or has no health); Degraded or a timeout fails.
    async fn wait_healthy(&self, obj: &Value) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + self.step_timeout;
        let mut last = String::new();
        while tokio::time::Instant::now() < deadline {
            let live = self.client.get(obj).await.map_err(|e| e.to_string())?;
            match health_of(live.as_ref(), &self.scripts) {
                None => return Ok(()),
                Some(h) if h.status == HealthStatus::Healthy => return Ok(()),
                Some(h) if h.status == HealthStatus::Degraded => return Err(format!("Degraded: {}", h.message)),
                Some(h) => last = format!("{}: {}", h.status.as_str(), h.message),
            }
            tokio::time::sleep(POLL).await;
        }
        Err(format!("not healthy after {}s ({last})", self.step_timeout.as_secs()))
    }

    async fn after_hook(&self, task: &SyncTask, obj: &Value, succeeded: bool) {
        let Some(hook) = &task.hook else { return };
        let policy = if succeeded { HookDeletePolicy::HookSucceeded } else { HookDeletePolicy::HookFailed };
        if hook.delete_policies.contains(&policy)
            && let Err(e) = self.client.delete(obj, Propagation::Background).await
        {
            (self.progress)(&format!("  could not delete hook {}: {e}", task.key));
        }
    }
}

fn propagation(p: PropagationPolicy) -> Propagation {
    match p {
        PropagationPolicy::Foreground => Propagation::Foreground,
        PropagationPolicy::Background => Propagation::Background,
        PropagationPolicy::Orphan => Propagation::Orphan,
    }
}

/// Hooks may only have `generateName`: server-side apply needs a name, so one is made.
fn ensure_name(obj: &mut Value) {
    let has_name = obj.pointer("/metadata/name").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
    if has_name {
        return;
    }
    let prefix = obj.pointer("/metadata/generateName").and_then(Value::as_str).unwrap_or("hook-").to_string();
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut n = u64::from(nanos) ^ u64::from(std::process::id());
    let suffix: String = (0..5)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
            n /= ALPHABET.len() as u64;
            c
        })
        .collect();
    obj["metadata"]["name"] = json!(format!("{prefix}{suffix}"));
}
