//! Store failures.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open state database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("state database migration {version} failed: {source}")]
    Migrate {
        version: i64,
        #[source]
        source: sqlx::Error,
    },
    #[error("state database is at schema version {found}, newer than this Ferry knows ({known}); upgrade Ferry")]
    TooNew { found: i64, known: i64 },
    #[error("state database query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("stored value {value:?} in {column} is not valid")]
    Corrupt { column: &'static str, value: String },
}
