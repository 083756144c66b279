//! ferry-controller: Ferry's sync engine. It renders Applications from Git
//! ([`render`]), compares them with what the cluster runs ([`compare`]), plans and runs syncs
//! ([`executor`], using the sans-IO plan of `ferry_core::plan`), records them in the store,
//! and keeps every cluster in sync: polling Git, and watching live objects to self-heal
//! ([`controller`]).

pub mod app;
pub mod check;
pub mod compare;
pub mod control_repo;
pub mod controller;
pub mod engine;
pub mod error;
pub mod executor;
pub mod notify;
pub mod promotion;
pub mod render;
pub mod status;
pub mod webhook;

pub use app::{SyncReport, SyncRequest};
pub use engine::{Engine, EngineOptions};
pub use error::EngineError;
pub use ferry_source::redact_url;
pub use status::{AppStatus, ResourceStatus, SyncStatus};
