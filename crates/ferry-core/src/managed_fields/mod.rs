//! Server-side apply field management (structured-merge-diff semantics): who owns which
//! fields (`metadata.managedFields`), applying a configuration with conflict detection and
//! removal of fields the applier stopped setting, and recording ownership of ordinary
//! writes.

mod apply;
mod entry;
mod merge;
mod remove;
mod update;

use thiserror::Error;

pub use apply::{Applied, Conflict, apply};
pub use entry::{ManagedFieldsEntry, Operation};
pub use update::record_update;

use crate::field_set::FieldSetError;

/// A managed-fields entry could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EntryError {
    #[error("managedFields{at}: expected {expected}")]
    Shape { at: String, expected: &'static str },
    #[error("managedFields{at}: unknown operation {found:?} (expected Apply or Update)")]
    Operation { at: String, found: String },
    #[error("managedFields{at}.fieldsV1: {source}")]
    Fields {
        at: String,
        #[source]
        source: FieldSetError,
    },
}

/// A server-side apply was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ApplyError {
    #[error("apply configuration must be an object, found {found}")]
    NotAnObject { found: &'static str },
    #[error("apply configuration is missing {field:?}")]
    MissingField { field: &'static str },
    #[error("{}", conflict_message(.0))]
    Conflicts(Vec<Conflict>),
}

/// Kubernetes' wording: `Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas`.
fn conflict_message(conflicts: &[Conflict]) -> String {
    let noun = if conflicts.len() == 1 { "conflict" } else { "conflicts" };
    let mut msg = format!("Apply failed with {} {noun}:", conflicts.len());
    for c in conflicts {
        msg.push_str(&format!(" conflict with {:?}: {}", c.manager, c.field));
        if c != conflicts.last().unwrap_or(c) {
            msg.push(';');
        }
    }
    msg
}

#[cfg(test)]
mod tests;
