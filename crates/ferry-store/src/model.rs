//! What the store records: sync operations and their per-resource results. Wire strings of
//! every enum live here, in one place.

use serde::Serialize;

use crate::error::StoreError;

macro_rules! wire_enum {
    ($name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name { $($variant),* }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(column: &'static str, s: &str) -> Result<Self, StoreError> {
                match s {
                    $($text => Ok($name::$variant),)*
                    other => Err(StoreError::Corrupt { column, value: other.to_string() }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(Trigger { Automated => "automated", Manual => "manual", SelfHeal => "self-heal", Rollback => "rollback", Resumed => "resumed", Promotion => "promotion" });
wire_enum!(Decision { Approved => "approved", Rejected => "rejected" });
wire_enum!(PromotionKind { Promote => "promote", Rollback => "rollback" });
wire_enum!(PromotionPhase { Running => "Running", Verifying => "Verifying", Succeeded => "Succeeded", Failed => "Failed", Errored => "Errored" });
wire_enum!(Phase { Running => "Running", Succeeded => "Succeeded", Failed => "Failed", Error => "Error", Interrupted => "Interrupted" });

/// A sync about to start.
#[derive(Debug, Clone)]
pub struct NewSync<'a> {
    pub application: &'a str,
    pub revision: &'a str,
    /// The source it was rendered from (repo URL and path), for history display.
    pub source: &'a str,
    pub trigger: Trigger,
    pub started_at: i64,
}

/// One resource's outcome in a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceResult {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// What was done: apply, prune, hook, skip, …
    pub action: String,
    /// Synced, Pruned, SyncFailed, PruneSkipped, …
    pub status: String,
    pub message: String,
}

/// A recorded sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncRecord {
    pub id: i64,
    pub application: String,
    pub revision: String,
    pub source: String,
    pub trigger: Trigger,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub phase: Phase,
    pub message: String,
    pub resources: Vec<ResourceResult>,
}
