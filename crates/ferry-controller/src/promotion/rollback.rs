//! `ferry rollback STAGE [--to FREIGHT]`: promote the Stage's last verified Freight (or the one
//! named) again, by a Git commit like any promotion, recorded as a rollback. A rollback skips
//! the approval gate and windows — it returns to something the Stage already ran verified —
//! but it is audited with who asked.

use ferry_store::{PromotionKind, PromotionRecord};

use super::promoter::Promoter;
use super::{PromotionError, facts};

impl Promoter {
    /// Rolls `stage` back; `to` names the Freight, else the last verified one other than the
    /// Freight the Stage runs now.
    pub async fn rollback(
        &self,
        pipeline: Option<&str>,
        stage: &str,
        to: Option<&str>,
        by: &str,
    ) -> Result<PromotionRecord, PromotionError> {
        let s = self.stage(pipeline, stage)?;
        let state = facts::pipeline_state(&self.engine.store, &s.pipeline.metadata.name).await?;
        let record = state.stage(stage);
        let target = match to {
            Some(name) => {
                let f = self.freight(name).await?;
                if !record.verified.contains_key(&f.id) {
                    return Err(PromotionError::Refused(format!(
                        "{} was never verified in {stage}; roll back only to Freight the stage ran verified",
                        f.alias
                    )));
                }
                f.id
            }
            None => {
                let current = record.current.clone().unwrap_or_default();
                state.rollback_target(stage, &current).ok_or_else(|| {
                    PromotionError::Refused(format!("{stage} has no earlier verified Freight to roll back to"))
                })?
            }
        };
        let id = self.begin(s, &target, PromotionKind::Rollback, by, "rollback asked for").await?;
        self.notify_rollback(s, id, &target, "rollback asked for", by).await;
        self.execute(id).await
    }
}
