//! What users do with an Application — get its status, diff, sync, history, rollback — on
//! top of render, compare, plan and executor.

use std::collections::{BTreeSet, HashMap};

use ferry_api::Application;
use ferry_core::plan::{self, LiveObject, PlanInput, ResourceKey, SyncOptions};
use ferry_core::tracking;
use ferry_store::{NewSync, Phase, SyncRecord, Trigger};
use serde_json::Value;

use crate::compare::compare;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::executor::{DEFAULT_STEP_TIMEOUT, Executor, Progress, RunOutcome};
use crate::render::{Desired, RenderOptions, render};
use crate::status::AppStatus;

/// A sync as asked for.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub prune: bool,
    pub dry_run: bool,
    pub revision: Option<String>,
    pub trigger: Trigger,
    pub fetch: bool,
    pub step_timeout: std::time::Duration,
}

impl Default for SyncRequest {
    fn default() -> Self {
        SyncRequest {
            prune: false,
            dry_run: false,
            revision: None,
            trigger: Trigger::Manual,
            fetch: true,
            step_timeout: DEFAULT_STEP_TIMEOUT,
        }
    }
}

/// A sync's result as the CLI reports it.
#[derive(Debug, Clone)]
pub struct SyncReport {
    pub id: Option<i64>,
    pub revision: String,
    pub outcome: RunOutcome,
    pub status: AppStatus,
}

/// Unix seconds now (history timestamps).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Engine {
    /// Desired state and the live objects the Application owns.
    async fn observe(
        &self,
        app: &Application,
        opts: &RenderOptions,
    ) -> Result<(Desired, Vec<Value>, String), EngineError> {
        let name = &app.metadata.name;
        let client = self.cluster_of(app).await?;
        let desired = render(&self.git, app, &client, opts, &self.render_settings).await?;
        let cache = self
            .cache(&client)
            .await
            .map_err(|source| EngineError::Cluster { app: name.clone(), source: source.into() })?;
        // New kinds (a CRD applied since) need a watch; discovery only runs when one is missing.
        let unwatched = desired.objects.iter().any(|d| !cache.watches(&d.key.group, &d.key.kind));
        if unwatched {
            cache
                .watch_new_kinds()
                .await
                .map_err(|source| EngineError::Cluster { app: name.clone(), source: source.into() })?;
        }
        let live: Vec<Value> = cache.owned_by(name).into_iter().filter(|o| tracking::owned_by(o, name)).collect();
        Ok((desired, live, client.context.clone()))
    }

    /// Sync and health status, rendered at the target revision (fetching first if asked).
    pub async fn status(&self, name: &str, fetch: bool) -> Result<AppStatus, EngineError> {
        let app = self.application(name)?.value.clone();
        let (desired, live, cluster) = self.observe(&app, &RenderOptions { revision: None, fetch }).await?;
        compare(&app, &cluster, &desired, &live, &self.health_scripts)
    }

    /// The rendered desired objects (`ferry app manifests`).
    pub async fn manifests(&self, name: &str, revision: Option<String>) -> Result<Desired, EngineError> {
        let app = self.application(name)?.value.clone();
        let client = self.cluster_of(&app).await?;
        render(&self.git, &app, &client, &RenderOptions { revision, fetch: true }, &self.render_settings).await
    }

    /// Syncs an Application and records the outcome.
    pub async fn sync(&self, name: &str, req: &SyncRequest, progress: Progress<'_>) -> Result<SyncReport, EngineError> {
        let app = self.application(name)?.value.clone();
        let render_opts = RenderOptions { revision: req.revision.clone(), fetch: req.fetch };
        let (desired, live, cluster) = self.observe(&app, &render_opts).await?;
        let before = compare(&app, &cluster, &desired, &live, &self.health_scripts)?;
        let allow_empty =
            app.spec.sync_policy.as_ref().and_then(|p| p.automated.as_ref()).is_some_and(|a| a.allow_empty);
        if desired.objects.is_empty() && !live.is_empty() && req.trigger == Trigger::Automated && !allow_empty {
            return Err(EngineError::Refused {
                app: name.into(),
                message: "automated sync would delete every resource (the source renders nothing); set allowEmpty to permit it".into(),
            });
        }
        let plan = self.plan_for(&app, &desired, &live, &before, req)?;
        let client = self.cluster_of(&app).await?;
        let id = if req.dry_run { None } else { Some(self.begin(&app, &desired, req.trigger).await?) };
        let live_by_key: HashMap<ResourceKey, Value> =
            live.iter().filter_map(|o| Some((ResourceKey::from_object(o).ok()?, o.clone()))).collect();
        let executor = Executor {
            client,
            live: live_by_key,
            scripts: self.health_scripts.clone(),
            dry_run: req.dry_run,
            step_timeout: req.step_timeout,
            progress,
        };
        let outcome = executor.run(&plan).await;
        if let Some(id) = id {
            self.store.finish_sync(id, outcome.phase, &outcome.message, now(), &outcome.resources).await?;
            self.store.prune_history(name, app.spec.revision_history_limit()).await?;
        }
        let status = self.status_after(&app, &desired).await.unwrap_or(before);
        Ok(SyncReport { id, revision: desired.revision(), outcome, status })
    }

    fn plan_for(
        &self,
        app: &Application,
        desired: &Desired,
        live: &[Value],
        status: &AppStatus,
        req: &SyncRequest,
    ) -> Result<plan::SyncPlan, EngineError> {
        let name = app.metadata.name.clone();
        let policy = app.spec.sync_policy.as_ref();
        let options = SyncOptions::parse(policy.map(|p| p.sync_options.clone()).unwrap_or_default())
            .map_err(|source| EngineError::Plan { app: name.clone(), source: source.into() })?;
        let automated_prune = policy.and_then(|p| p.automated.as_ref()).is_some_and(|a| a.prune);
        let prune = req.prune || (req.trigger != Trigger::Manual && automated_prune);
        let out_of_sync: BTreeSet<ResourceKey> = status.out_of_sync().map(|r| r.key.clone()).collect();
        let live = live
            .iter()
            .filter_map(|o| Some(LiveObject { key: ResourceKey::from_object(o).ok()?, object: o.clone() }))
            .collect();
        let input = PlanInput {
            desired: desired.objects.clone(),
            live,
            out_of_sync,
            prune,
            dry_run: req.dry_run,
            options,
            destination_namespace: app.spec.destination.namespace.clone(),
        };
        plan::plan(&input).map_err(|source| EngineError::Plan { app: name, source: source.into() })
    }

    async fn begin(&self, app: &Application, desired: &Desired, trigger: Trigger) -> Result<i64, EngineError> {
        let sources: Vec<String> = app
            .spec
            .all_sources()
            .iter()
            .map(|s| format!("{} {}", ferry_source::redact_url(&s.repo_url), s.path))
            .collect();
        let sync = NewSync {
            application: &app.metadata.name,
            revision: &desired.revision(),
            source: &sources.join(", "),
            trigger,
            started_at: now(),
        };
        Ok(self.store.begin_sync(&sync).await?)
    }

    /// Status right after a sync, from the server (the cache may not have caught up yet).
    async fn status_after(&self, app: &Application, desired: &Desired) -> Result<AppStatus, EngineError> {
        let client = self.cluster_of(app).await?;
        let cache = self
            .cache(&client)
            .await
            .map_err(|source| EngineError::Cluster { app: app.metadata.name.clone(), source: source.into() })?;
        let mut live = Vec::new();
        for d in &desired.objects {
            if let Ok(Some(obj)) = client.get(&d.object).await {
                live.push(obj);
            }
        }
        let extra = cache.owned_by(&app.metadata.name);
        for o in extra {
            let key = ResourceKey::from_object(&o).ok();
            if !desired.objects.iter().any(|d| Some(&d.key) == key.as_ref())
                && client.get(&o).await.ok().flatten().is_some()
            {
                live.push(o);
            }
        }
        compare(app, &client.context, desired, &live, &self.health_scripts)
    }

    pub async fn history(&self, name: &str) -> Result<Vec<SyncRecord>, EngineError> {
        let app = self.application(name)?;
        Ok(self.store.history(name, app.value.spec.revision_history_limit().max(1) * 2).await?)
    }

    /// Syncs a past revision again. With automated sync on, refused unless forced (as Argo CD
    /// does: the automation would undo it at once).
    pub async fn rollback(
        &self,
        name: &str,
        id: i64,
        force: bool,
        progress: Progress<'_>,
    ) -> Result<SyncReport, EngineError> {
        let app = self.application(name)?.value.clone();
        let automated =
            app.spec.sync_policy.as_ref().and_then(|p| p.automated.as_ref()).is_some_and(|a| a.is_enabled());
        if automated && !force {
            return Err(EngineError::Refused {
                app: name.into(),
                message: "rollback cannot be initiated when automated sync is enabled (it would be undone); \
                          disable automated sync in Git, or use --force"
                    .into(),
            });
        }
        let record = self.store.sync(name, id).await?.ok_or_else(|| EngineError::Refused {
            app: name.into(),
            message: format!("no sync with id {id} in its history (see `ferry app history {name}`)"),
        })?;
        if record.phase != Phase::Succeeded {
            return Err(EngineError::Refused {
                app: name.into(),
                message: format!("sync {id} did not succeed ({}); roll back to a successful one", record.phase),
            });
        }
        let revision = record.revision.split(',').next().unwrap_or("").to_string();
        let req =
            SyncRequest { revision: Some(revision), trigger: Trigger::Rollback, prune: true, ..SyncRequest::default() };
        self.sync(name, &req, progress).await
    }
}
