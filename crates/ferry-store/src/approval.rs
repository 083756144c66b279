//! Approvals and rejections of a Freight for a Stage: one decision per person, each written
//! together with its audit entry.

use serde::Serialize;
use sqlx::Row;

use crate::audit::{self, NewAudit};
use crate::error::StoreError;
use crate::model::Decision;
use crate::sqlite::Store;

/// A decision about to be recorded.
#[derive(Debug, Clone)]
pub struct NewApproval<'a> {
    pub pipeline: &'a str,
    pub stage: &'a str,
    pub freight_id: &'a str,
    pub approver: &'a str,
    pub decision: Decision,
    pub comment: &'a str,
    pub at: i64,
}

/// A recorded decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRecord {
    pub approver: String,
    pub decision: Decision,
    pub comment: String,
    pub at: i64,
}

/// What recording a decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The decision counts.
    New,
    /// This person had already decided; the earlier decision stands and counts once.
    AlreadyDecided(ApprovalRecord),
}

impl Store {
    /// Records one person's decision with its audit entry (`subject` names the Freight and
    /// Stage for people), in one transaction.
    pub async fn record_approval(&self, a: &NewApproval<'_>, subject: &str) -> Result<Recorded, StoreError> {
        let mut tx = self.pool.begin().await?;
        let existing =
            sqlx::query("SELECT * FROM approvals WHERE pipeline = ? AND stage = ? AND freight_id = ? AND approver = ?")
                .bind(a.pipeline)
                .bind(a.stage)
                .bind(a.freight_id)
                .bind(a.approver)
                .fetch_optional(&mut *tx)
                .await?;
        let detail = serde_json::json!({"decision": a.decision, "comment": a.comment, "stage": a.stage});
        if let Some(row) = existing {
            let earlier = approval(&row)?;
            let entry = NewAudit { at: a.at, actor: a.approver, action: "approval.repeated", subject, detail };
            audit::append(&mut tx, &entry).await?;
            tx.commit().await?;
            return Ok(Recorded::AlreadyDecided(earlier));
        }
        sqlx::query(
            "INSERT INTO approvals (pipeline, stage, freight_id, approver, decision, comment, at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(a.pipeline)
        .bind(a.stage)
        .bind(a.freight_id)
        .bind(a.approver)
        .bind(a.decision.as_str())
        .bind(a.comment)
        .bind(a.at)
        .execute(&mut *tx)
        .await?;
        let action = match a.decision {
            Decision::Approved => "approval.recorded",
            Decision::Rejected => "rejection.recorded",
        };
        audit::append(&mut tx, &NewAudit { at: a.at, actor: a.approver, action, subject, detail }).await?;
        tx.commit().await?;
        Ok(Recorded::New)
    }

    /// The decisions about a Freight for a Stage, oldest first.
    pub async fn approvals(
        &self,
        pipeline: &str,
        stage: &str,
        freight_id: &str,
    ) -> Result<Vec<ApprovalRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM approvals WHERE pipeline = ? AND stage = ? AND freight_id = ? ORDER BY at, approver",
        )
        .bind(pipeline)
        .bind(stage)
        .bind(freight_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(approval).collect()
    }
}

fn approval(row: &sqlx::sqlite::SqliteRow) -> Result<ApprovalRecord, StoreError> {
    Ok(ApprovalRecord {
        approver: row.get("approver"),
        decision: Decision::parse("approvals.decision", row.get("decision"))?,
        comment: row.get("comment"),
        at: row.get("at"),
    })
}
