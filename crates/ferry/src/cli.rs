//! Command-line syntax only: what flags exist and what they parse to. No behaviour here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use ferry_localkube::ClusterSpec;

#[derive(Debug, Parser)]
#[command(name = "ferry", version, about = "Ferry: a secure GitOps delivery engine in one binary")]
pub struct Cli {
    /// Where Ferry keeps its runtime state (local clusters, kubeconfig, database).
    #[arg(long, global = true, env = "FERRY_STATE_DIR", default_value = ".ferry")]
    pub state_dir: PathBuf,

    /// More log output (-v debug, -vv trace); FERRY_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start Ferry on embedded defaults: local clusters dev, staging and prod.
    #[command(
        after_help = "Examples:\n  ferry up\n  ferry up --state-dir /tmp/ferry\n\nThen, in another terminal:\n  export KUBECONFIG=$PWD/.ferry/kubeconfig\n  kubectl get namespaces\n  kubectl --context prod get nodes"
    )]
    Up(UpArgs),
    /// The local Kubernetes-compatible cluster (a simulation for trying Ferry and for tests).
    #[command(subcommand)]
    Localkube(LocalkubeCommand),
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Milliseconds before simulated workloads report ready.
    #[arg(long, default_value_t = 1000)]
    pub ready_delay_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum LocalkubeCommand {
    /// Serve local clusters on 127.0.0.1 until interrupted.
    #[command(
        after_help = "Examples:\n  ferry localkube serve --kubeconfig /tmp/kc\n  ferry localkube serve --kubeconfig /tmp/kc --cluster dev --cluster staging --cluster prod=6443 --state /tmp/clusters.json\n\nFailure injection:\n  an image tagged `broken` (nginx:broken) never becomes ready; the rollout ends with ProgressDeadlineExceeded\n  a Job whose pod template is annotated localkube.ferry.dev/fail: \"true\" fails"
    )]
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to write the kubeconfig (one context per cluster; the first is current).
    #[arg(long)]
    pub kubeconfig: PathBuf,

    /// A cluster to serve, as NAME or NAME=PORT; repeat for several (default: one named `local`).
    #[arg(long = "cluster", value_name = "NAME[=PORT]")]
    pub clusters: Vec<ClusterSpec>,

    /// Keep objects in this file so they survive a restart.
    #[arg(long)]
    pub state: Option<PathBuf>,

    /// Milliseconds before simulated workloads report ready.
    #[arg(long, default_value_t = 1000)]
    pub ready_delay_ms: u64,
}
