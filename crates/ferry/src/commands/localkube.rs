//! `ferry localkube serve`: local clusters until interrupted.

use std::time::Duration;

use anyhow::Context;
use ferry_localkube::{LocalKube, ServeOptions, Settings};

use crate::cli::ServeArgs;

pub async fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let opts = ServeOptions {
        clusters: args.clusters.clone(),
        kubeconfig: args.kubeconfig.clone(),
        state: args.state.clone(),
        settings: Settings { ready_delay: Duration::from_millis(args.ready_delay_ms) },
    };
    let running = LocalKube::start(opts).await.context("starting the local clusters")?;
    for (cluster, addr) in &running.clusters {
        tracing::info!(cluster = %cluster.name, address = %format!("http://{addr}"), "local cluster serving");
    }
    tracing::info!(kubeconfig = %running.kubeconfig.display(), "kubeconfig written");
    super::interrupted().await;
    running.shutdown().context("saving the local cluster state")?;
    Ok(())
}
