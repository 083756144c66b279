//! Freight as stored: written once when a Warehouse finds it, never changed.

use serde::Serialize;
use sqlx::Row;

use crate::error::StoreError;
use crate::sqlite::Store;

/// A stored Freight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FreightRecord {
    /// The content address (64 hex digits).
    pub id: String,
    pub alias: String,
    /// The Warehouse that found it.
    pub warehouse: String,
    /// Its Revisions, as JSON (the store does not interpret them).
    pub revisions: serde_json::Value,
    /// Author emails of the Git commits in it (approvers may have to be someone else).
    pub authors: Vec<String>,
    pub created_at: i64,
}

impl Store {
    /// Records a Freight; `false` when it was already known (the same Revisions again).
    pub async fn insert_freight(&self, freight: &FreightRecord) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO freight (id, alias, warehouse, revisions, authors, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&freight.id)
        .bind(&freight.alias)
        .bind(&freight.warehouse)
        .bind(freight.revisions.to_string())
        .bind(serde_json::to_string(&freight.authors).unwrap_or_else(|_| "[]".into()))
        .bind(freight.created_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The Freight named by its id, an id prefix of at least 6 digits, or its alias.
    pub async fn find_freight(&self, name: &str) -> Result<Vec<FreightRecord>, StoreError> {
        let prefix = if name.len() >= 6 && name.chars().all(|c| c.is_ascii_hexdigit()) {
            format!("{}%", name.to_ascii_lowercase())
        } else {
            String::new()
        };
        let rows =
            sqlx::query("SELECT * FROM freight WHERE alias = ? OR (? != '' AND id LIKE ?) ORDER BY created_at DESC")
                .bind(name)
                .bind(&prefix)
                .bind(&prefix)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(freight_record).collect()
    }

    /// One Freight by its full id.
    pub async fn freight(&self, id: &str) -> Result<Option<FreightRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM freight WHERE id = ?").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(freight_record).transpose()
    }

    /// Freight, newest first; of one Warehouse when given.
    pub async fn freight_list(&self, warehouse: Option<&str>, limit: i64) -> Result<Vec<FreightRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM freight WHERE (? IS NULL OR warehouse = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?",
        )
        .bind(warehouse)
        .bind(warehouse)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(freight_record).collect()
    }
}

fn freight_record(row: &sqlx::sqlite::SqliteRow) -> Result<FreightRecord, StoreError> {
    let revisions: String = row.get("revisions");
    let authors: String = row.get("authors");
    Ok(FreightRecord {
        id: row.get("id"),
        alias: row.get("alias"),
        warehouse: row.get("warehouse"),
        revisions: serde_json::from_str(&revisions)
            .map_err(|_| StoreError::Corrupt { column: "freight.revisions", value: revisions.clone() })?,
        authors: serde_json::from_str(&authors)
            .map_err(|_| StoreError::Corrupt { column: "freight.authors", value: authors.clone() })?,
        created_at: row.get("created_at"),
    })
}
