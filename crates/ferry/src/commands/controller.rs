//! `ferry controller`: keep every Application in sync until interrupted, and run the
//! promotion loop (Warehouse polls, auto-promotion, resumed promotions) when the control folder
//! has Pipelines.

use std::sync::Arc;
use std::time::Duration;

use ferry_controller::Engine;
use ferry_controller::controller::{self, ControllerOptions};
use ferry_controller::promotion::{Promoter, run_loop};

use super::Globals;
use crate::cli::ControllerArgs;

pub async fn run(globals: &Globals, args: &ControllerArgs) -> anyhow::Result<()> {
    let engine = Arc::new(globals.engine().await?);
    let names: Vec<String> = engine.applications().map(|a| a.metadata.name.clone()).collect();
    tracing::info!(applications = ?names, poll_seconds = args.poll, "controller running");
    let promotions = start_promotions(&engine);
    let opts = ControllerOptions { poll: Duration::from_secs(args.poll.max(1)) };
    controller::run(engine, opts, super::interrupted()).await;
    if let Some(task) = promotions {
        task.abort();
    }
    Ok(())
}

/// The promotion loop, when there is a Pipeline to run.
pub fn start_promotions(engine: &Arc<Engine>) -> Option<tokio::task::JoinHandle<()>> {
    if engine.config.pipelines.is_empty() {
        return None;
    }
    let promoter = Promoter::new(engine.clone());
    Some(tokio::spawn(run_loop::run(promoter, run_loop::DEFAULT_TICK, super::interrupted())))
}
