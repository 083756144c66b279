//! Promotion: moving a Freight into a Stage (DESIGN.md §1). [`steps`] holds the steps that
//! write the Freight's versions into Git; [`Promoter`] decides (with the sans-IO rules of
//! `ferry_core::promotion`), records every decision in the store with an audit entry, runs
//! promotions step by step (resumable), syncs and verifies the Stage, and rolls it back when
//! verification fails.

mod approve;
mod apps;
mod auto;
mod error;
mod execute;
mod facts;
mod gate;
mod notify;
mod promote;
mod promoter;
mod render_step;
mod rollback;
pub mod run_loop;
mod stage_gates;
mod step_config;
pub mod steps;
mod verification;
pub mod verify;
mod vulnerability_gate;
mod warehouse;
mod window;

pub use approve::{Decided, DecisionRequest};
pub use error::PromotionError;
pub use execute::DEFAULT_HEALTH_TIMEOUT;
pub use facts::{pipeline_state, revisions, view};
pub use promote::PromoteRequest;
pub use promoter::{ProgressSink, Promoter, StageRef};
pub use verification::{CheckReport, Report};
pub use warehouse::{PollOutcome, discovery_for};
