//! `PlanError`: why a sync plan could not be computed. Every variant is a mistake in the
//! manifests or the Application (none is worth retrying) and names the object and the value a
//! user has to fix. Keys are boxed to keep `Result<_, PlanError>` small.

use std::num::ParseIntError;

use thiserror::Error;

use super::ResourceKey;

/// A sync plan could not be computed from the desired and live objects.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PlanError {
    #[error("{key} appears more than once in the desired state")]
    Duplicate { key: Box<ResourceKey> },
    #[error("{key}: annotation {annotation} must be an integer, found {value:?}")]
    InvalidWave {
        key: Box<ResourceKey>,
        annotation: &'static str,
        value: String,
        #[source]
        source: ParseIntError,
    },
    #[error("{object}: unknown sync option {option:?}; expected one of {expected}")]
    UnknownOption { object: String, option: String, expected: &'static str },
    #[error("{key}: unknown hook type {value:?} in annotation {annotation}; expected one of {expected}")]
    UnknownHook { key: Box<ResourceKey>, annotation: &'static str, value: String, expected: &'static str },
    #[error("{key}: hook type {value} is not supported yet (Ferry runs PreSync, Sync, PostSync and SyncFail hooks)")]
    UnsupportedHook { key: Box<ResourceKey>, value: String },
    #[error("{key}: unknown hook delete policy {value:?} in annotation {annotation}; expected one of {expected}")]
    UnknownDeletePolicy { key: Box<ResourceKey>, annotation: &'static str, value: String, expected: &'static str },
    #[error("invalid object: {reason}")]
    InvalidObject { reason: String },
}
