//! Starting a promotion: the Freight must pass the Stage's gates (eligibility and soak,
//! approvals, windows — an emergency override of the windows is audited), the Stage must be
//! free, and the promotion is recorded before anything runs.

use ferry_store::{NewAudit, NewPromotion, PromotionKind, PromotionRecord};

use super::PromotionError;
use super::facts;
use super::promoter::{Promoter, StageRef, now};

/// A promotion as asked for.
#[derive(Debug, Clone)]
pub struct PromoteRequest {
    pub pipeline: Option<String>,
    pub stage: String,
    /// Alias or id (prefix) of the Freight.
    pub freight: String,
    /// Who asks: a user (`--as`), or `ferry`.
    pub requested_by: String,
    /// Promote inside a closed window; the reason is audited.
    pub override_window: Option<String>,
}

impl Promoter {
    /// Checks the gates, records the promotion and runs it to the end (steps, sync,
    /// verification, and a rollback when verification fails).
    pub async fn promote(&self, req: &PromoteRequest) -> Result<PromotionRecord, PromotionError> {
        let s = self.stage(req.pipeline.as_deref(), &req.stage)?;
        let freight = self.freight(&req.freight).await?;
        let state = facts::pipeline_state(&self.engine.store, &s.pipeline.metadata.name).await?;
        let at = now();
        let blocked = self.blockers(s, &freight, &state, at, req.override_window.is_some()).await?;
        if !blocked.is_empty() {
            self.audit_refusal(s, &freight.alias, &req.requested_by, &blocked.join("; ")).await?;
            return Err(PromotionError::Blocked {
                freight: freight.alias.clone(),
                stage: s.stage.name.clone(),
                reasons: blocked.join("; "),
            });
        }
        if let Some(reason) = &req.override_window
            && super::window::verdict(&s.stage.windows, at).is_err()
        {
            let detail = serde_json::json!({"freight": freight.alias, "reason": reason});
            let subject = s.subject();
            let entry =
                NewAudit { at, actor: &req.requested_by, action: "window.overridden", subject: &subject, detail };
            self.engine.store.audit(&entry).await?;
        }
        let id = self.begin(s, &freight.id, PromotionKind::Promote, &req.requested_by, "asked for").await?;
        self.execute(id).await
    }

    /// Records a new promotion as Running; refused when the Stage is busy.
    pub(crate) async fn begin(
        &self,
        s: StageRef<'_>,
        freight_id: &str,
        kind: PromotionKind,
        requested_by: &str,
        reason: &str,
    ) -> Result<i64, PromotionError> {
        let new = NewPromotion {
            pipeline: &s.pipeline.metadata.name,
            stage: &s.stage.name,
            freight_id,
            kind,
            requested_by,
            at: now(),
            reason,
        };
        match self.engine.store.begin_promotion(&new, &s.subject()).await? {
            Some(id) => Ok(id),
            None => {
                let busy = self.engine.store.promotions(&s.pipeline.metadata.name, &s.stage.name, 1).await?;
                Err(PromotionError::Busy { stage: s.stage.name.clone(), id: busy.first().map_or(0, |p| p.id) })
            }
        }
    }

    async fn audit_refusal(&self, s: StageRef<'_>, alias: &str, actor: &str, why: &str) -> Result<(), PromotionError> {
        let subject = s.subject();
        let detail = serde_json::json!({"freight": alias, "reasons": why});
        let entry = NewAudit { at: now(), actor, action: "promotion.refused", subject: &subject, detail };
        self.engine.store.audit(&entry).await?;
        Ok(())
    }
}
