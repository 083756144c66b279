//! The notification outbox: messages recorded before they are sent, sent again with backoff
//! until delivered or given up, one per notifier and occurrence (`key`).

use serde::Serialize;
use sqlx::Row;

use crate::error::StoreError;
use crate::sqlite::Store;

/// A message to send, or sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationRecord {
    pub id: i64,
    pub notifier: String,
    pub event: String,
    pub key: String,
    pub payload: serde_json::Value,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt: i64,
    pub delivered_at: Option<i64>,
    pub gave_up: bool,
    pub last_error: String,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    /// Failed; try again at `retry_at`.
    Retry {
        error: String,
        retry_at: i64,
    },
    /// Failed for the last time.
    GiveUp {
        error: String,
    },
}

impl Store {
    /// Records a message to send now; false when `key` was already recorded (the occurrence
    /// was notified before).
    pub async fn enqueue_notification(
        &self,
        notifier: &str,
        event: &str,
        key: &str,
        payload: &serde_json::Value,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO notifications (notifier, event, key, payload, created_at, next_attempt)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        )
        .bind(notifier)
        .bind(event)
        .bind(key)
        .bind(payload.to_string())
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The messages due at `now`, oldest first.
    pub async fn due_notifications(&self, now: i64, limit: i64) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM notifications WHERE delivered_at IS NULL AND gave_up = 0 AND next_attempt <= ?
             ORDER BY id LIMIT ?",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }

    /// The newest messages, newest first.
    pub async fn notifications(&self, limit: i64) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM notifications ORDER BY id DESC LIMIT ?")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record).collect()
    }

    /// Records how an attempt to send message `id` ended.
    pub async fn record_attempt(&self, id: i64, attempt: &Attempt, now: i64) -> Result<(), StoreError> {
        let (delivered, gave_up, next, error) = match attempt {
            Attempt::Delivered => (Some(now), 0, now, ""),
            Attempt::Retry { error, retry_at } => (None, 0, *retry_at, error.as_str()),
            Attempt::GiveUp { error } => (None, 1, now, error.as_str()),
        };
        sqlx::query(
            "UPDATE notifications SET attempts = attempts + 1, delivered_at = ?, gave_up = ?, next_attempt = ?,
             last_error = ? WHERE id = ?",
        )
        .bind(delivered)
        .bind(gave_up)
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn record(r: &sqlx::sqlite::SqliteRow) -> Result<NotificationRecord, StoreError> {
    let payload: String = r.get("payload");
    Ok(NotificationRecord {
        id: r.get("id"),
        notifier: r.get("notifier"),
        event: r.get("event"),
        key: r.get("key"),
        payload: serde_json::from_str(&payload)
            .map_err(|_| StoreError::Corrupt { column: "notifications.payload", value: payload.clone() })?,
        created_at: r.get("created_at"),
        attempts: r.get("attempts"),
        next_attempt: r.get("next_attempt"),
        delivered_at: r.get("delivered_at"),
        gave_up: r.get::<i64, _>("gave_up") != 0,
        last_error: r.get("last_error"),
    })
}
