//! The audit log: every decision (promotion, approval, rejection, override, rollback) with who
//! and when. Append-only (triggers refuse updates and deletes) and hash-chained: each entry's
//! hash covers the previous entry's hash, so an edit made behind Ferry's back shows in
//! [`Store::verify_audit_chain`].

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};

use crate::error::StoreError;
use crate::sqlite::Store;

/// The hash before the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One decision to record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAudit<'a> {
    pub at: i64,
    /// Who decided: a user (`--as`), or `ferry` for the engine's own decisions.
    pub actor: &'a str,
    /// What was done, e.g. `promotion.started`, `approval.recorded`, `approval.refused`.
    pub action: &'a str,
    /// What it was done to, e.g. `demo/production/brave-otter-417`.
    pub subject: &'a str,
    /// Details as JSON; never secrets.
    pub detail: serde_json::Value,
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
    pub hash: String,
}

impl Store {
    /// Appends one entry.
    pub async fn audit(&self, entry: &NewAudit<'_>) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The newest entries first; only those whose subject starts with `subject` when given.
    pub async fn audit_log(&self, subject: Option<&str>, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let pattern = subject.map(|s| format!("{}%", s.replace('%', "\\%").replace('_', "\\_")));
        let rows = sqlx::query(
            "SELECT * FROM audit_log WHERE (? IS NULL OR subject LIKE ? ESCAPE '\\') ORDER BY id DESC LIMIT ?",
        )
        .bind(&pattern)
        .bind(&pattern)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry).collect()
    }

    /// Checks every entry's hash against its content and its predecessor; the number of
    /// entries, or the id of the first entry that does not match.
    pub async fn verify_audit_chain(&self) -> Result<Result<usize, i64>, StoreError> {
        let rows = sqlx::query("SELECT * FROM audit_log ORDER BY id").fetch_all(&self.pool).await?;
        let mut prev = GENESIS.to_owned();
        for row in &rows {
            let stored_prev: String = row.get("prev_hash");
            let e = entry(row)?;
            let expected = hash(&prev, e.at, &e.actor, &e.action, &e.subject, &e.detail.to_string());
            if stored_prev != prev || e.hash != expected {
                return Ok(Err(e.id));
            }
            prev = e.hash;
        }
        Ok(Ok(rows.len()))
    }
}

/// Appends an entry inside the caller's transaction, so a decision and its audit entry are
/// written together or not at all.
pub(crate) async fn append(conn: &mut SqliteConnection, e: &NewAudit<'_>) -> Result<i64, StoreError> {
    let prev: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
    let detail = e.detail.to_string();
    let hash = hash(&prev, e.at, e.actor, e.action, e.subject, &detail);
    let row = sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(e.at)
    .bind(e.actor)
    .bind(e.action)
    .bind(e.subject)
    .bind(&detail)
    .bind(&prev)
    .bind(&hash)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.get(0))
}

fn hash(prev: &str, at: i64, actor: &str, action: &str, subject: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &at.to_string(), actor, action, subject, detail] {
        h.update(part.len().to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn entry(row: &sqlx::sqlite::SqliteRow) -> Result<AuditEntry, StoreError> {
    let detail: String = row.get("detail");
    Ok(AuditEntry {
        id: row.get("id"),
        at: row.get("at"),
        actor: row.get("actor"),
        action: row.get("action"),
        subject: row.get("subject"),
        detail: serde_json::from_str(&detail)
            .map_err(|_| StoreError::Corrupt { column: "audit_log.detail", value: detail.clone() })?,
        hash: row.get("hash"),
    })
}
