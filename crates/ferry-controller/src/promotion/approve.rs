//! Approving and rejecting a Freight for a Stage: only the users and groups the Stage names,
//! never twice, and (unless the Stage allows it) not an author of the Freight's commits. A
//! refusal is audited like a decision.

use ferry_core::promotion::{self, ApprovalVerdict};
use ferry_store::{Decision, NewApproval, NewAudit, Recorded};

use super::PromotionError;
use super::promoter::{Promoter, now};

/// An approval or rejection as asked for.
#[derive(Debug, Clone)]
pub struct DecisionRequest {
    pub pipeline: Option<String>,
    pub stage: String,
    pub freight: String,
    /// Who decides (`--as`), and the groups they claim (`--group`).
    pub user: String,
    pub groups: Vec<String>,
    pub decision: Decision,
    pub comment: String,
}

/// What a decision did.
#[derive(Debug, Clone)]
pub struct Decided {
    pub freight_alias: String,
    /// `false` when this person had decided before: the earlier decision stands.
    pub counted: bool,
    pub verdict: ApprovalVerdict,
}

impl Promoter {
    /// Records an approval or a rejection.
    pub async fn decide(&self, req: &DecisionRequest) -> Result<Decided, PromotionError> {
        let s = self.stage(req.pipeline.as_deref(), &req.stage)?;
        let freight = self.freight(&req.freight).await?;
        let subject = format!("{}/{}", s.subject(), freight.alias);
        let at = now();
        if let Err(why) = promotion::may_decide(s.stage.approvals.as_ref(), &req.user, &req.groups, &freight.authors) {
            let detail = serde_json::json!({"decision": req.decision, "groups": req.groups, "reason": why});
            let entry = NewAudit { at, actor: &req.user, action: "approval.refused", subject: &subject, detail };
            self.engine.store.audit(&entry).await?;
            return Err(PromotionError::Refused(why));
        }
        let approval = NewApproval {
            pipeline: &s.pipeline.metadata.name,
            stage: &s.stage.name,
            freight_id: &freight.id,
            approver: &req.user,
            decision: req.decision,
            comment: &req.comment,
            at,
        };
        let counted = self.engine.store.record_approval(&approval, &subject).await? == Recorded::New;
        let verdict = self.approval_verdict(s, &freight).await?;
        Ok(Decided { freight_alias: freight.alias, counted, verdict })
    }
}
