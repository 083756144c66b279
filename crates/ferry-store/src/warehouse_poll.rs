//! What each Warehouse's last poll did: when, how many failed in a row (for backoff), when the
//! next poll is due, and the last error.

use serde::Serialize;
use sqlx::Row;

use crate::error::StoreError;
use crate::sqlite::Store;

/// A Warehouse's polling state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WarehousePoll {
    pub warehouse: String,
    pub polled_at: i64,
    pub failures: i64,
    pub next_poll: i64,
    pub message: String,
}

impl Store {
    /// Records a poll: `error` is `None` when it succeeded (the failure count resets).
    pub async fn record_poll(
        &self,
        warehouse: &str,
        at: i64,
        next_poll: i64,
        error: Option<&str>,
        message: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO warehouse_polls (warehouse, polled_at, failures, next_poll, message)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (warehouse) DO UPDATE SET polled_at = ?2,
               failures = CASE WHEN ?3 = 0 THEN 0 ELSE failures + 1 END, next_poll = ?4, message = ?5",
        )
        .bind(warehouse)
        .bind(at)
        .bind(i64::from(error.is_some()))
        .bind(next_poll)
        .bind(error.unwrap_or(message))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every Warehouse's polling state.
    pub async fn warehouse_polls(&self) -> Result<Vec<WarehousePoll>, StoreError> {
        let rows = sqlx::query("SELECT * FROM warehouse_polls ORDER BY warehouse").fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| WarehousePoll {
                warehouse: r.get("warehouse"),
                polled_at: r.get("polled_at"),
                failures: r.get("failures"),
                next_poll: r.get("next_poll"),
                message: r.get("message"),
            })
            .collect())
    }
}
