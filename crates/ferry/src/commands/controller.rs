//! `ferry controller`: keep every Application in sync until interrupted.

use std::sync::Arc;
use std::time::Duration;

use ferry_controller::controller::{self, ControllerOptions};

use super::Globals;
use crate::cli::ControllerArgs;

pub async fn run(globals: &Globals, args: &ControllerArgs) -> anyhow::Result<()> {
    let engine = Arc::new(globals.engine().await?);
    let names: Vec<String> = engine.applications().map(|a| a.metadata.name.clone()).collect();
    tracing::info!(applications = ?names, poll_seconds = args.poll, "controller running");
    let opts = ControllerOptions { poll: Duration::from_secs(args.poll.max(1)) };
    controller::run(engine, opts, super::interrupted()).await;
    Ok(())
}
