//! The engine's own decisions: resume the promotions a stop interrupted, and promote by
//! itself into every Stage that asks for it (`autoPromote`), upstream Stages first, Pipelines
//! side by side.

use ferry_core::promotion::{self, ApprovalVerdict, FreightView, Next};
use ferry_store::{PromotionKind, PromotionRecord};

use super::promoter::{Promoter, StageRef, now};
use super::{PromotionError, facts};

/// How many Freight per Warehouse the decisions consider.
const CANDIDATES: i64 = 50;

impl Promoter {
    /// Resumes every promotion left Running or Verifying (after a crash or `kill -9`).
    pub async fn resume(&self) -> Result<Vec<PromotionRecord>, PromotionError> {
        let mut out = Vec::new();
        for p in self.engine.store.unfinished_promotions().await? {
            self.say(&format!("resuming promotion #{} of {} into {}", p.id, &p.freight_id[..12], p.stage));
            out.push(self.execute(p.id).await?);
        }
        Ok(out)
    }

    /// One pass over every Stage: the Pipelines side by side (a slow promotion or
    /// verification in one does not hold up another), each Pipeline's Stages upstream first,
    /// so that a Freight verified in dev can reach staging in the same pass. Returns what each
    /// Stage did or waits for, Pipelines in file order. A Stage's trouble is logged and does
    /// not stop the others.
    pub async fn tick(&self) -> Result<Vec<(String, Next)>, PromotionError> {
        let pipelines = self.engine.config.pipelines.iter().map(|l| self.tick_pipeline(&l.value.metadata.name));
        Ok(futures::future::join_all(pipelines).await.into_iter().flatten().collect())
    }

    async fn tick_pipeline(&self, pipeline: &str) -> Vec<(String, Next)> {
        let mut out = Vec::new();
        for s in self.stages().into_iter().filter(|s| s.pipeline.metadata.name == pipeline) {
            let (next, approvals) = match self.next_with_approvals(s).await {
                Ok(decided) => decided,
                Err(e) => {
                    tracing::warn!(stage = %s.subject(), error = %e, "cannot decide");
                    continue;
                }
            };
            match (&next, approvals) {
                (Next::Promote { freight, reason }, _) => self.auto_promote(s, freight, reason).await,
                (Next::Wait { freight, reason }, Some(ApprovalVerdict::Pending { .. })) => {
                    self.notify_waiting(s, freight, reason).await;
                }
                _ => {}
            }
            out.push((s.subject(), next));
        }
        out
    }

    async fn auto_promote(&self, s: StageRef<'_>, freight: &str, reason: &str) {
        let id = match self.begin(s, freight, PromotionKind::Promote, "ferry", reason).await {
            Ok(id) => id,
            Err(PromotionError::Busy { .. }) => return,
            Err(e) => {
                tracing::warn!(stage = %s.subject(), error = %e, "cannot start a promotion");
                return;
            }
        };
        match self.execute(id).await {
            Ok(rec) => self.say(&format!("{}: {}", s.subject(), rec.phase.as_str())),
            Err(e) => tracing::warn!(stage = %s.subject(), promotion = id, error = %e, "promotion stopped"),
        }
    }

    /// What `s` does next.
    pub async fn next_for(&self, s: StageRef<'_>) -> Result<Next, PromotionError> {
        self.next_with_approvals(s).await.map(|(next, _)| next)
    }

    /// What `s` does next, with the approvals of the Freight it promotes or waits with.
    async fn next_with_approvals(&self, s: StageRef<'_>) -> Result<(Next, Option<ApprovalVerdict>), PromotionError> {
        let store = &self.engine.store;
        let state = facts::pipeline_state(store, &s.pipeline.metadata.name).await?;
        let records = store.freight_list(None, CANDIDATES).await?;
        let views: Vec<FreightView> = records.iter().map(facts::view).collect();
        let mut verdicts = std::collections::HashMap::new();
        for f in &records {
            verdicts.insert(f.id.clone(), self.approval_verdict(s, f).await?);
        }
        let approvals =
            |f: &FreightView| verdicts.get(&f.id).cloned().unwrap_or(promotion::ApprovalVerdict::NotRequired);
        let windows = super::window::verdict(&s.stage.windows, now());
        let next = promotion::next_auto(s.stage, &views, &state, now(), &approvals, &windows);
        let verdict = match &next {
            Next::Promote { freight, .. } | Next::Wait { freight, .. } => verdicts.remove(freight),
            Next::Idle { .. } => None,
        };
        Ok((next, verdict))
    }
}
