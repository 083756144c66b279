//! `ferry controller`: keep every Application in sync until interrupted, and run the
//! promotion loop (Warehouse polls, auto-promotion, resumed promotions) when the control folder
//! has Pipelines.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ferry_controller::Engine;
use ferry_controller::controller::{self, ControllerOptions};
use ferry_controller::promotion::{Promoter, run_loop};
use ferry_controller::webhook::{self, Refreshes, WebhookState};

use super::Globals;
use crate::cli::ControllerArgs;

pub async fn run(globals: &Globals, args: &ControllerArgs) -> anyhow::Result<()> {
    let secret = match args.webhook_listen {
        Some(_) => Some(webhook_secret(args.webhook_secret_file.as_deref())?),
        None => None,
    };
    let engine = Arc::new(globals.engine().await?);
    let names: Vec<String> = engine.applications().map(|a| a.metadata.name.clone()).collect();
    tracing::info!(applications = ?names, poll_seconds = args.poll, "controller running");
    let refreshes = Arc::new(Refreshes::default());
    if let (Some(addr), Some(secret)) = (args.webhook_listen, secret) {
        start_webhooks(&engine, addr, secret, &refreshes).await?;
    }
    let promotions = start_promotions(&engine, refreshes);
    let opts = ControllerOptions { poll: Duration::from_secs(args.poll.max(1)) };
    controller::run(engine, opts, super::interrupted()).await;
    if let Some(task) = promotions {
        task.abort();
    }
    Ok(())
}

/// The promotion loop, when there is a Pipeline to run; it also polls the Warehouses webhooks
/// ask for through `refreshes`.
pub fn start_promotions(engine: &Arc<Engine>, refreshes: Arc<Refreshes>) -> Option<tokio::task::JoinHandle<()>> {
    if engine.config.pipelines.is_empty() {
        return None;
    }
    let promoter = Promoter::new(engine.clone());
    Some(tokio::spawn(run_loop::run_with(promoter, run_loop::DEFAULT_TICK, refreshes, super::interrupted())))
}

/// Serves webhooks on `addr` until interrupted.
pub async fn start_webhooks(
    engine: &Arc<Engine>,
    addr: std::net::SocketAddr,
    secret: Vec<u8>,
    refreshes: &Arc<Refreshes>,
) -> anyhow::Result<std::net::SocketAddr> {
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening for webhooks on {addr}"))?;
    let bound = listener.local_addr()?;
    let state = WebhookState { engine: engine.clone(), secret: Arc::new(secret), refreshes: refreshes.clone() };
    tokio::spawn(webhook::serve(listener, state, super::interrupted()));
    tracing::info!(address = %bound, path = webhook::PATH, "receiving webhooks");
    Ok(bound)
}

/// The webhooks' shared secret, from `file` or `$FERRY_WEBHOOK_SECRET`, trimmed.
fn webhook_secret(file: Option<&std::path::Path>) -> anyhow::Result<Vec<u8>> {
    let text = match file {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading the webhook secret {}", path.display()))?
        }
        None => std::env::var("FERRY_WEBHOOK_SECRET").map_err(|_| {
            anyhow::anyhow!(
                "--webhook-listen needs a shared secret: --webhook-secret-file FILE or $FERRY_WEBHOOK_SECRET"
            )
        })?,
    };
    let secret = text.trim().as_bytes().to_vec();
    anyhow::ensure!(secret.len() >= 16, "the webhook secret must be at least 16 characters");
    Ok(secret)
}
