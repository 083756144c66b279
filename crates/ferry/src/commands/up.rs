//! `ferry up`: Ferry on embedded defaults. For now it starts local clusters `dev`,
//! `staging` and `prod` (state kept under the state directory) and says how to reach them.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use ferry_localkube::{ClusterSpec, LocalKube, ServeOptions, Settings};

use crate::cli::UpArgs;

pub async fn run(state_dir: &Path, args: &UpArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(state_dir).with_context(|| format!("creating state directory {}", state_dir.display()))?;
    let state_dir = state_dir.canonicalize().with_context(|| format!("resolving {}", state_dir.display()))?;
    let clusters = ["dev", "staging", "prod"].iter().map(|n| ClusterSpec { name: n.to_string(), port: None }).collect();
    let opts = ServeOptions {
        clusters,
        kubeconfig: state_dir.join("kubeconfig"),
        state: Some(state_dir.join("localkube.json")),
        settings: Settings { ready_delay: Duration::from_millis(args.ready_delay_ms) },
    };
    let running = LocalKube::start(opts).await.context("starting the local clusters")?;
    println!("Ferry is up: local clusters (simulated; no containers run)");
    for (cluster, addr) in &running.clusters {
        println!("  {:<8} http://{addr}", cluster.name);
    }
    println!();
    println!("Use them with kubectl from another terminal:");
    println!("  export KUBECONFIG={}", running.kubeconfig.display());
    println!("  kubectl get namespaces                 # context dev (current)");
    println!("  kubectl --context prod get nodes");
    println!();
    println!("State is kept in {}; press Ctrl-C to stop.", state_dir.display());
    super::interrupted().await;
    running.shutdown().context("saving the local cluster state")?;
    println!("Stopped; state saved.");
    Ok(())
}
