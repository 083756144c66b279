//! ferry-store: Ferry's runtime state, kept out of Git — for now the sync history of every
//! Application. SQLite (one file under the state directory) is the embedded default; every
//! write is a transaction, so a crash at any point loses no recorded sync, and syncs a crash
//! interrupted are found again at start.
//!
//! PostgreSQL (DESIGN.md §7, the scaled mode) arrives with its issue behind the same methods.

pub mod error;
pub mod model;
pub mod sqlite;

pub use error::StoreError;
pub use model::{NewSync, Phase, ResourceResult, SyncRecord, Trigger};
pub use sqlite::Store;

#[cfg(test)]
mod tests;
