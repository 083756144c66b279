//! Promotions as stored: written when one starts, after every step, when its commit is
//! deployed and when it ends — so a restart resumes each unfinished promotion at its next step
//! and knows which commit it already pushed.

use serde::Serialize;
use sqlx::Row;

use crate::audit::{self, NewAudit};
use crate::error::StoreError;
use crate::model::{PromotionKind, PromotionPhase};
use crate::sqlite::Store;

/// A promotion about to start.
#[derive(Debug, Clone)]
pub struct NewPromotion<'a> {
    pub pipeline: &'a str,
    pub stage: &'a str,
    pub freight_id: &'a str,
    pub kind: PromotionKind,
    /// A user, or `ferry` when the engine decided (auto-promotion, automatic rollback).
    pub requested_by: &'a str,
    pub at: i64,
    /// Why, for the audit log (e.g. "auto-promotion: newest verified Freight of dev").
    pub reason: &'a str,
}

/// A recorded promotion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionRecord {
    pub id: i64,
    pub pipeline: String,
    pub stage: String,
    pub freight_id: String,
    pub kind: PromotionKind,
    pub requested_by: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub phase: PromotionPhase,
    /// The index of the next step to run.
    pub next_step: i64,
    /// What each finished step did (JSON).
    pub steps: serde_json::Value,
    /// The commit the steps pushed.
    pub commit_sha: Option<String>,
    /// Whether the Stage runs this Freight (its commit is synced).
    pub deployed: bool,
    /// The verification report (JSON), once verified.
    pub verification: Option<serde_json::Value>,
    pub message: String,
}

impl Store {
    /// Records a promotion as Running, with its audit entry. `None` when the Stage already has
    /// a promotion in progress (one at a time per Stage).
    pub async fn begin_promotion(&self, p: &NewPromotion<'_>, subject: &str) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO promotions (pipeline, stage, freight_id, kind, requested_by, created_at, phase)
             VALUES (?, ?, ?, ?, ?, ?, 'Running') RETURNING id",
        )
        .bind(p.pipeline)
        .bind(p.stage)
        .bind(p.freight_id)
        .bind(p.kind.as_str())
        .bind(p.requested_by)
        .bind(p.at)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.get(0),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let action = match p.kind {
            PromotionKind::Promote => "promotion.started",
            PromotionKind::Rollback => "rollback.started",
        };
        let detail =
            serde_json::json!({"promotion": id, "stage": p.stage, "freight": p.freight_id, "reason": p.reason});
        audit::append(&mut tx, &NewAudit { at: p.at, actor: p.requested_by, action, subject, detail }).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Records a finished step: what it did, the next step's index, and the commit it pushed.
    pub async fn record_step(
        &self,
        id: i64,
        next_step: i64,
        steps: &serde_json::Value,
        commit_sha: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE promotions SET next_step = ?, steps = ?, commit_sha = COALESCE(?, commit_sha) WHERE id = ?",
        )
        .bind(next_step)
        .bind(steps.to_string())
        .bind(commit_sha)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The promotion's commit reached the Stage's branch: from now on a failure rolls back.
    pub async fn mark_deployed(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE promotions SET deployed = 1 WHERE id = ?").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Steps, sync and health wait are done: verification runs (a resumed promotion in this
    /// phase only verifies again).
    pub async fn mark_verifying(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE promotions SET deployed = 1, phase = 'Verifying' WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a promotion, with its audit entry.
    pub async fn finish_promotion(&self, id: i64, end: &PromotionEnd<'_>, subject: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE promotions SET phase = ?, message = ?, finished_at = ?, verification = ? WHERE id = ?")
            .bind(end.phase.as_str())
            .bind(end.message)
            .bind(end.at)
            .bind(end.verification.map(|v| v.to_string()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let action = format!("promotion.{}", end.phase.as_str().to_ascii_lowercase());
        let detail = serde_json::json!({"promotion": id, "message": end.message});
        audit::append(&mut tx, &NewAudit { at: end.at, actor: "ferry", action: &action, subject, detail }).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One promotion.
    pub async fn promotion(&self, id: i64) -> Result<Option<PromotionRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM promotions WHERE id = ?").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(record).transpose()
    }

    /// A Stage's promotions, newest first.
    pub async fn promotions(
        &self,
        pipeline: &str,
        stage: &str,
        limit: i64,
    ) -> Result<Vec<PromotionRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM promotions WHERE pipeline = ? AND stage = ? ORDER BY id DESC LIMIT ?")
            .bind(pipeline)
            .bind(stage)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record).collect()
    }

    /// Every promotion of a Pipeline, oldest first (what the engine decides from).
    pub async fn pipeline_promotions(&self, pipeline: &str) -> Result<Vec<PromotionRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM promotions WHERE pipeline = ? ORDER BY id")
            .bind(pipeline)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record).collect()
    }

    /// Promotions a stop left Running or Verifying, oldest first: to resume.
    pub async fn unfinished_promotions(&self) -> Result<Vec<PromotionRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM promotions WHERE phase IN ('Running', 'Verifying') ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record).collect()
    }
}

/// How a promotion ended.
#[derive(Debug, Clone)]
pub struct PromotionEnd<'a> {
    pub phase: PromotionPhase,
    pub message: &'a str,
    pub verification: Option<&'a serde_json::Value>,
    pub at: i64,
}

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<PromotionRecord, StoreError> {
    let steps: String = row.get("steps");
    let verification: Option<String> = row.get("verification");
    let json = |column: &'static str, text: &str| {
        serde_json::from_str(text).map_err(|_| StoreError::Corrupt { column, value: text.to_owned() })
    };
    Ok(PromotionRecord {
        id: row.get("id"),
        pipeline: row.get("pipeline"),
        stage: row.get("stage"),
        freight_id: row.get("freight_id"),
        kind: PromotionKind::parse("promotions.kind", row.get("kind"))?,
        requested_by: row.get("requested_by"),
        created_at: row.get("created_at"),
        finished_at: row.get("finished_at"),
        phase: PromotionPhase::parse("promotions.phase", row.get("phase"))?,
        next_step: row.get("next_step"),
        steps: json("promotions.steps", &steps)?,
        commit_sha: row.get("commit_sha"),
        deployed: row.get::<i64, _>("deployed") != 0,
        verification: verification.as_deref().map(|v| json("promotions.verification", v)).transpose()?,
        message: row.get("message"),
    })
}
