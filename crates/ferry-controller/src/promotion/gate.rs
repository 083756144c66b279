//! What stands between a Freight and a Stage right now: eligibility and soak, approvals and
//! windows, each read from the store and the Stage's configuration.

use ferry_core::promotion::{self, ApprovalVerdict, Decision, PipelineState};
use ferry_store::{Decision as StoredDecision, FreightRecord};

use super::promoter::{Promoter, StageRef};
use super::{PromotionError, facts, window};

impl Promoter {
    /// The approval verdict of `freight` for `stage`.
    pub async fn approval_verdict(
        &self,
        s: StageRef<'_>,
        freight: &FreightRecord,
    ) -> Result<ApprovalVerdict, PromotionError> {
        let Some(gate) = &s.stage.approvals else { return Ok(ApprovalVerdict::NotRequired) };
        let stored = self.engine.store.approvals(&s.pipeline.metadata.name, &s.stage.name, &freight.id).await?;
        let decisions: Vec<Decision> = stored
            .into_iter()
            .map(|a| Decision {
                approved: a.decision == StoredDecision::Approved,
                approver: a.approver,
                comment: a.comment,
            })
            .collect();
        Ok(promotion::tally(Some(gate), &decisions, &freight.authors))
    }

    /// Everything that stops `freight` going into `stage` at `now` (empty: it may go).
    pub async fn blockers(
        &self,
        s: StageRef<'_>,
        freight: &FreightRecord,
        state: &PipelineState,
        now: i64,
        override_window: bool,
    ) -> Result<Vec<String>, PromotionError> {
        let approvals = self.approval_verdict(s, freight).await?;
        let windows = if override_window { Ok(()) } else { window::verdict(&s.stage.windows, now) };
        Ok(promotion::blockers(s.stage, &facts::view(freight), state, now, &approvals, &windows))
    }
}
