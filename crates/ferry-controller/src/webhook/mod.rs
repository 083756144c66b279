//! The webhook receiver of `ferry controller` and `ferry up` (DESIGN.md §2, §9): a push to a
//! Git repository refreshes the Applications and Warehouses that follow it at once; an image
//! pushed to a registry refreshes the Warehouses subscribed to it. Polling stays the safety net.
//!
//! `POST /api/webhook` takes GitHub, GitLab and registry-notification requests (one endpoint,
//! told apart by their headers, as Argo CD's). Every request is authenticated with the shared
//! secret before its body is parsed (`ferry_source::webhook`); bodies are capped. Answers name
//! what was refreshed, nothing else.

mod matching;
mod refreshes;
mod server;

pub use matching::Targets;
pub use refreshes::Refreshes;
pub use server::{WebhookState, router, serve};

/// The path webhooks are sent to.
pub const PATH: &str = "/api/webhook";
