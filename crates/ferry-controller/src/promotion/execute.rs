//! Running a recorded promotion to its end: the Git steps in a private work directory, then
//! the Stage's Applications synced to the pushed commit and awaited until Synced and Healthy,
//! then verification; a verification failure rolls the Stage back to its last verified
//! Freight (by a new promotion of kind `rollback`, i.e. another Git commit).
//!
//! Crash safety: the promotion row is written before the first step and after each one. A
//! resumed promotion runs its steps again from a fresh work directory: steps are idempotent
//! and the commit carries the promotion's own time, so it is the very same commit, and
//! `git-push` finds it already pushed — no commit is pushed twice.

use std::time::{Duration, UNIX_EPOCH};

use ferry_core::freight::Revision;
use ferry_gates::vuln::Date;
use ferry_store::{FreightRecord, PromotionEnd, PromotionKind, PromotionPhase, PromotionRecord};
use serde_json::json;

use super::promoter::{Promoter, StageRef, now};
use super::step_config::{self, AppStep, Planned};
use super::steps::{Step, StepContext, StepOutcome};
use super::verify::Verdict;
use super::{PromotionError, facts};

/// How long the implicit wait for Synced + Healthy after a push lasts.
pub const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_secs(300);

impl Promoter {
    /// Runs (or resumes) promotion `id` to its end and returns its final record.
    pub async fn execute(&self, id: i64) -> Result<PromotionRecord, PromotionError> {
        let rec = self.record(id).await?;
        let s = self.stage(Some(&rec.pipeline), &rec.stage)?;
        let freight = self
            .engine
            .store
            .freight(&rec.freight_id)
            .await?
            .ok_or_else(|| PromotionError::UnknownFreight { name: rec.freight_id.clone() })?;
        self.say(&format!("promoting {} to {} (#{id})", freight.alias, rec.stage));
        // A promotion resumed while verifying only verifies again; any earlier stop runs the
        // (idempotent) steps, sync and health wait again.
        if rec.phase != PromotionPhase::Verifying
            && let Err(e) = self.deploy(&rec, s, &freight).await
        {
            let deployed = self.record(id).await?.deployed;
            let phase = if deployed { PromotionPhase::Failed } else { PromotionPhase::Errored };
            return self.end(s, &rec, phase, &e.to_string(), None, deployed).await;
        }
        self.say("verifying");
        let report = self.verify(s, &freight.alias).await;
        let value = serde_json::to_value(&report).unwrap_or_default();
        match report.verdict() {
            Verdict::Passed => self.end(s, &rec, PromotionPhase::Succeeded, "verified", Some(&value), true).await,
            Verdict::Inconclusive => {
                let message = format!("verification inconclusive, not rolled back: {}", report.summary());
                self.end(s, &rec, PromotionPhase::Failed, &message, Some(&value), false).await
            }
            Verdict::Failed | Verdict::Error => {
                let message = format!("verification failed: {}", report.summary());
                self.end(s, &rec, PromotionPhase::Failed, &message, Some(&value), true).await
            }
        }
    }

    async fn record(&self, id: i64) -> Result<PromotionRecord, PromotionError> {
        self.engine.store.promotion(id).await?.ok_or_else(|| PromotionError::Refused(format!("no promotion #{id}")))
    }

    /// Ends a promotion; a failure after deployment (`may_roll_back`) rolls back when the
    /// Stage asks for it.
    async fn end(
        &self,
        s: StageRef<'_>,
        rec: &PromotionRecord,
        phase: PromotionPhase,
        message: &str,
        verification: Option<&serde_json::Value>,
        may_roll_back: bool,
    ) -> Result<PromotionRecord, PromotionError> {
        self.say(&format!("{}: {message}", phase.as_str()));
        let end = PromotionEnd { phase, message, verification, at: now() };
        self.engine.store.finish_promotion(rec.id, &end, &s.subject()).await?;
        self.notify_end(s, rec, phase, message, may_roll_back).await;
        let rollback = phase == PromotionPhase::Failed
            && may_roll_back
            && rec.kind == PromotionKind::Promote
            && s.stage.rollback.on_verification_failure;
        if rollback {
            self.roll_back_after_failure(s, rec).await?;
        }
        self.record(rec.id).await
    }

    async fn roll_back_after_failure(&self, s: StageRef<'_>, failed: &PromotionRecord) -> Result<(), PromotionError> {
        let state = facts::pipeline_state(&self.engine.store, &failed.pipeline).await?;
        let Some(target) = state.rollback_target(&failed.stage, &failed.freight_id) else {
            self.say(&format!("no verified freight to roll {} back to", failed.stage));
            return Ok(());
        };
        let reason = format!("verification of promotion #{} failed", failed.id);
        let id = self.begin(s, &target, PromotionKind::Rollback, "ferry", &reason).await?;
        self.say(&format!("rolling {} back (#{id})", failed.stage));
        self.notify_rollback(s, id, &target, &reason, "ferry").await;
        Box::pin(self.execute(id)).await.map(|_| ())
    }

    /// Steps, then sync and health: after this the Stage runs the Freight.
    async fn deploy(
        &self,
        rec: &PromotionRecord,
        s: StageRef<'_>,
        freight: &FreightRecord,
    ) -> Result<(), PromotionError> {
        let revisions = facts::revisions(freight)?;
        let planned: Vec<Planned> = s
            .stage
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                step_config::plan(step, &revisions).map_err(|source| PromotionError::Step {
                    step: Planned::label(step),
                    index,
                    source,
                })
            })
            .collect::<Result<_, _>>()?;
        let ctx = self.step_context(rec, s, freight, &revisions)?;
        let mut done: Vec<serde_json::Value> = Vec::new();
        let mut pushed = None;
        let mut synced = false;
        let total = planned.len();
        // The gates read what will be pushed: the stage-branch checkout when there is one.
        let clone = planned.iter().find_map(|p| match p {
            Planned::Git(Step::GitClone(c)) => {
                let dir = c.stage_branch.as_ref().map_or(c.path.clone(), |b| b.path.clone());
                Some((dir, c.repo_url.clone()))
            }
            _ => None,
        });
        let mut gated = clone.is_none();
        for (index, (step, this)) in s.stage.steps.iter().zip(&planned).enumerate() {
            let label = Planned::label(step);
            if !gated && matches!(this, Planned::Git(Step::GitPush(_)) | Planned::App(_)) {
                gated = true;
                let (path, url) = clone.clone().unwrap_or_default();
                let outcome = self.gates(s, &ctx, &revisions, (&path, &url)).await?;
                done.push(json!({"step": "gates", "result": outcome}));
            }
            self.say(&format!("step {}/{total}: {label}", index + 1));
            let what = match this {
                Planned::Git(git) => {
                    let outcome = run_git_step(git.clone(), ctx.clone())
                        .await
                        .map_err(|source| PromotionError::Step { step: label.clone(), index, source })?;
                    if let Some(commit) = outcome.pushed_commit() {
                        pushed = Some(commit.to_string());
                        self.engine.store.mark_deployed(rec.id).await?;
                    }
                    outcome.to_string()
                }
                Planned::App(app_step) => {
                    synced = true;
                    self.app_step(s, app_step, &revisions, pushed.is_some()).await?
                }
                Planned::Render { path, out_path } => self
                    .render_step(s, &ctx, path, out_path)
                    .await
                    .map_err(|source| PromotionError::Step { step: label.clone(), index, source })?,
            };
            self.say(&format!("  {what}"));
            done.push(json!({"step": label, "result": what}));
            self.engine.store.record_step(rec.id, index as i64 + 1, &json!(done), pushed.as_deref()).await?;
        }
        if !synced {
            let apps = Vec::new();
            self.app_step(s, &AppStep::Sync(apps.clone()), &revisions, pushed.is_some()).await?;
            self.app_step(s, &AppStep::WaitHealthy(apps, DEFAULT_HEALTH_TIMEOUT), &revisions, true).await?;
        }
        self.engine.store.mark_verifying(rec.id).await?;
        Ok(())
    }

    fn step_context(
        &self,
        rec: &PromotionRecord,
        s: StageRef<'_>,
        freight: &FreightRecord,
        revisions: &[Revision],
    ) -> Result<StepContext, PromotionError> {
        let work_dir = self.engine.options.state_dir.join("promotions").join(rec.id.to_string());
        // A resumed promotion starts from a clean work directory (see the module comment).
        let _ = std::fs::remove_dir_all(&work_dir);
        std::fs::create_dir_all(&work_dir).map_err(|e| {
            PromotionError::Refused(format!("cannot create work directory {}: {e}", work_dir.display()))
        })?;
        Ok(StepContext {
            work_dir,
            stage: s.stage.name.clone(),
            freight_alias: freight.alias.clone(),
            revisions: step_config::versions(revisions),
            now: UNIX_EPOCH + Duration::from_secs(u64::try_from(rec.created_at).unwrap_or(0)),
        })
    }

    /// The Stage's gates on its Applications rendered from the work tree: the findings (JSON)
    /// when none blocks, else the promotion stops here, before anything is pushed.
    async fn gates(
        &self,
        s: StageRef<'_>,
        ctx: &StepContext,
        revisions: &[Revision],
        (checkout, url): (&str, &str),
    ) -> Result<serde_json::Value, PromotionError> {
        let images = match &s.stage.gates.vulnerabilities {
            Some(gate) => {
                self.say("gates: reading the vulnerability reports attached to the Freight's images");
                super::vulnerability_gate::fetch(&self.discovery, gate, revisions).await
            }
            None => Vec::new(),
        };
        let days = ctx.now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
        let today = Date::from_unix_days(i64::try_from(days).unwrap_or(i64::MAX))
            .ok_or_else(|| PromotionError::Refused("the promotion's date is outside the years 0000-9999".to_owned()))?;
        self.say("gates: rendering the stage from the work tree");
        let checkout = ctx.resolve("git-clone.path", checkout).map_err(|source| PromotionError::Step {
            step: "gates".to_owned(),
            index: 0,
            source,
        })?;
        let apps: Vec<ferry_api::Application> = super::apps::stage_apps(s, &[])
            .iter()
            .map(|name| self.engine.application(name).map(|l| l.value.clone()))
            .collect::<Result<_, _>>()?;
        let stage = s.stage.clone();
        let (control, git, settings) =
            (self.engine.config_dir().to_path_buf(), self.engine.git.clone(), self.engine.render_settings.clone());
        let url = url.to_owned();
        let findings = tokio::task::spawn_blocking(move || {
            let inputs = super::stage_gates::GateInputs {
                stage: &stage,
                apps: &apps,
                checkout: &checkout,
                clone_url: &url,
                control_dir: &control,
                git: &git,
                settings: &settings,
                images: &images,
                today,
            };
            super::stage_gates::run(&inputs)
        })
        .await
        .map_err(|e| PromotionError::Refused(format!("the gates stopped: {e}")))?;
        let blocking: Vec<&crate::check::Finding> = findings.iter().filter(|f| f.blocks()).collect();
        if !blocking.is_empty() {
            return Err(PromotionError::GatesBlocked {
                count: blocking.len(),
                findings: blocking.iter().map(|f| describe(f)).collect::<Vec<_>>().join("; "),
            });
        }
        self.say(&format!("  gates passed ({} findings, none blocking)", findings.len()));
        Ok(serde_json::to_value(&findings).unwrap_or_default())
    }

    /// The `render` step, on a blocking thread.
    async fn render_step(
        &self,
        s: StageRef<'_>,
        ctx: &StepContext,
        path: &str,
        out_path: &str,
    ) -> Result<String, super::steps::StepError> {
        let template = super::apps::stage_apps(s, &[])
            .first()
            .and_then(|name| self.engine.application(name).ok())
            .map(|l| l.value.clone());
        let (ctx, path, out_path) = (ctx.clone(), path.to_owned(), out_path.to_owned());
        let (settings, git) = (self.engine.render_settings.clone(), self.engine.git.clone());
        tokio::task::spawn_blocking(move || {
            super::render_step::run(&ctx, &path, &out_path, template.as_ref(), &settings, &git)
        })
        .await
        .unwrap_or_else(|e| {
            Err(super::steps::StepError::Io {
                file: "(render)".to_owned(),
                source: std::io::Error::other(e.to_string()),
            })
        })
    }

    pub(crate) fn say(&self, line: &str) {
        tracing::info!(target: "ferry::promotion", "{line}");
        if let Some(progress) = &self.progress {
            progress(line);
        }
    }
}

/// Git steps block (the `git` program, files).
async fn run_git_step(step: super::steps::Step, ctx: StepContext) -> Result<StepOutcome, super::steps::StepError> {
    match tokio::task::spawn_blocking(move || step.run(&ctx)).await {
        Ok(result) => result,
        Err(e) => Err(super::steps::StepError::Io {
            file: "(step)".to_owned(),
            source: std::io::Error::other(format!("the step stopped: {e}")),
        }),
    }
}

/// A finding in one line: gate, rule, where, what.
fn describe(f: &crate::check::Finding) -> String {
    let place = match (&f.application, &f.object, &f.location) {
        (_, _, Some(l)) => format!(" at {}:{}", l.file, l.line),
        (Some(a), Some(o), None) => format!(" in {a} ({o})"),
        (Some(a), None, None) => format!(" in {a}"),
        _ => String::new(),
    };
    format!("{} {}{place}: {}", f.gate.as_str(), f.rule, f.message)
}
