//! ferry-store: Ferry's runtime state, kept out of Git: the sync history of every
//! Application; Freight, promotions (step by step), approvals and Warehouse polls; and the
//! append-only, hash-chained audit log. SQLite (one file under the state directory) is the embedded default; every
//! write is a transaction, so a crash at any point loses no recorded sync, and syncs a crash
//! interrupted are found again at start.
//!
//! PostgreSQL (DESIGN.md §7, the scaled mode) arrives with its issue behind the same methods.

pub mod approval;
pub mod audit;
pub mod error;
pub mod freight;
pub mod model;
pub mod notification;
pub mod promotion;
pub mod sqlite;
pub mod warehouse_poll;

pub use approval::{ApprovalRecord, NewApproval, Recorded};
pub use audit::{AuditEntry, NewAudit};
pub use error::StoreError;
pub use freight::FreightRecord;
pub use model::{Decision, NewSync, Phase, PromotionKind, PromotionPhase, ResourceResult, SyncRecord, Trigger};
pub use notification::{Attempt, NotificationRecord};
pub use promotion::{NewPromotion, PromotionEnd, PromotionRecord};
pub use sqlite::Store;
pub use warehouse_poll::WarehousePoll;

#[cfg(test)]
mod promotion_tests;
#[cfg(test)]
mod tests;
