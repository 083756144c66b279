//! The embedded store: one SQLite file (WAL journal, synchronous writes), schema versions
//! applied in order at open. Each write is one transaction, so a crash leaves either the old
//! or the new state, never half of one.

use std::path::Path;
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqliteConnection};

use crate::error::StoreError;
use crate::model::{NewSync, Phase, ResourceResult, SyncRecord, Trigger};

/// Schema versions, applied in order; never edit one that has shipped, add the next.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_sync_history.sql")),
    (2, include_str!("../migrations/0002_promotion.sql")),
    (3, include_str!("../migrations/0003_notifications.sql")),
];

#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        // Another process opening a new file at the same moment holds it while it switches the
        // journal to WAL, which SQLite answers with "database is locked" at once (the busy
        // timeout does not cover it): try again shortly.
        let mut attempt = 0;
        loop {
            match Self::open_once(path).await {
                Err(e) if is_busy(&e) && attempt < OPEN_ATTEMPTS => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(attempt))).await;
                }
                result => return result,
            }
        }
    }

    async fn open_once(path: &Path) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open { path: path.display().to_string(), source };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await.map_err(open_err)?;
        let store = Store { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// A private in-memory database (tests, dry runs).
    pub async fn memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { path: ":memory:".into(), source })?;
        let store = Store { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)").execute(&mut *conn).await?;
        let current: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetch_one(&mut *conn).await?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > known {
            return Err(StoreError::TooNew { found: current, known });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            apply_migration(&mut conn, *version, sql).await?;
        }
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn pool_for_tests(&self) -> SqlitePool {
        self.pool.clone()
    }

    /// Records a sync as Running before any change is made.
    pub async fn begin_sync(&self, sync: &NewSync<'_>) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO sync_operations (application, revision, source, trigger_kind, started_at, phase)
             VALUES (?, ?, ?, ?, ?, 'Running') RETURNING id",
        )
        .bind(sync.application)
        .bind(sync.revision)
        .bind(sync.source)
        .bind(sync.trigger.as_str())
        .bind(sync.started_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.get::<i64, _>(0))
    }

    /// Completes a sync with its outcome and per-resource results, in one transaction.
    pub async fn finish_sync(
        &self,
        id: i64,
        phase: Phase,
        message: &str,
        finished_at: i64,
        resources: &[ResourceResult],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE sync_operations SET phase = ?, message = ?, finished_at = ? WHERE id = ?")
            .bind(phase.as_str())
            .bind(message)
            .bind(finished_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sync_resources WHERE operation_id = ?").bind(id).execute(&mut *tx).await?;
        for (i, r) in resources.iter().enumerate() {
            sqlx::query(
                "INSERT INTO sync_resources (operation_id, position, grp, kind, namespace, name, action, status, message)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(&r.group)
            .bind(&r.kind)
            .bind(&r.namespace)
            .bind(&r.name)
            .bind(&r.action)
            .bind(&r.status)
            .bind(&r.message)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// An Application's syncs, newest first.
    pub async fn history(&self, application: &str, limit: i64) -> Result<Vec<SyncRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM sync_operations WHERE application = ? ORDER BY id DESC LIMIT ?")
            .bind(application)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut rec = record(&row)?;
            rec.resources = self.resources(rec.id).await?;
            out.push(rec);
        }
        Ok(out)
    }

    /// One sync of an Application.
    pub async fn sync(&self, application: &str, id: i64) -> Result<Option<SyncRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM sync_operations WHERE application = ? AND id = ?")
            .bind(application)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut rec = record(&row)?;
        rec.resources = self.resources(id).await?;
        Ok(Some(rec))
    }

    async fn resources(&self, id: i64) -> Result<Vec<ResourceResult>, StoreError> {
        let rows = sqlx::query("SELECT * FROM sync_resources WHERE operation_id = ? ORDER BY position")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| ResourceResult {
                group: r.get("grp"),
                kind: r.get("kind"),
                namespace: r.get("namespace"),
                name: r.get("name"),
                action: r.get("action"),
                status: r.get("status"),
                message: r.get("message"),
            })
            .collect())
    }

    /// Syncs a crash left Running; they are marked Interrupted and returned so the caller
    /// can start them again.
    pub async fn take_interrupted(&self, now: i64) -> Result<Vec<SyncRecord>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query("SELECT * FROM sync_operations WHERE phase = 'Running' ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
        let records = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
        sqlx::query(
            "UPDATE sync_operations SET phase = 'Interrupted', finished_at = ?,
             message = 'interrupted: Ferry stopped during this sync' WHERE phase = 'Running'",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(records)
    }

    /// Keeps the newest `keep` finished syncs of an Application (Argo CD's
    /// `revisionHistoryLimit`); running ones are never removed.
    pub async fn prune_history(&self, application: &str, keep: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM sync_operations WHERE application = ? AND phase != 'Running' AND id NOT IN
             (SELECT id FROM sync_operations WHERE application = ? AND phase != 'Running' ORDER BY id DESC LIMIT ?)",
        )
        .bind(application)
        .bind(application)
        .bind(keep.max(0))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

/// How many times opening is tried while another process holds a new database file.
const OPEN_ATTEMPTS: u32 = 20;

/// SQLITE_BUSY or SQLITE_LOCKED, when opening or migrating.
fn is_busy(e: &StoreError) -> bool {
    let source = match e {
        StoreError::Open { source, .. } | StoreError::Migrate { source, .. } => source,
        StoreError::Query(source) => source,
        _ => return false,
    };
    matches!(source, sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("5" | "6")))
}

async fn apply_migration(conn: &mut SqliteConnection, version: i64, sql: &'static str) -> Result<(), StoreError> {
    let fail = |source| StoreError::Migrate { version, source };
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.map_err(fail)?;
    let result = async {
        // Another process may have applied it since this one read the version: the check is
        // repeated under the write lock `BEGIN IMMEDIATE` took.
        let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_version WHERE version = ?")
            .bind(version)
            .fetch_one(&mut *conn)
            .await?;
        if done > 0 {
            return sqlx::query("COMMIT").execute(&mut *conn).await;
        }
        sqlx::raw_sql(sql).execute(&mut *conn).await?;
        sqlx::query("INSERT INTO schema_version (version) VALUES (?)").bind(version).execute(&mut *conn).await?;
        sqlx::query("COMMIT").execute(&mut *conn).await
    }
    .await;
    if let Err(source) = result {
        let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
        return Err(fail(source));
    }
    Ok(())
}

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<SyncRecord, StoreError> {
    Ok(SyncRecord {
        id: row.get("id"),
        application: row.get("application"),
        revision: row.get("revision"),
        source: row.get("source"),
        trigger: Trigger::parse("trigger_kind", row.get("trigger_kind"))?,
        started_at: row.get("started_at"),
        finished_at: row.get("finished_at"),
        phase: Phase::parse("phase", row.get("phase"))?,
        message: row.get("message"),
        resources: Vec::new(),
    })
}
