//! One module per subcommand.

mod admission;
mod app;
mod check;
mod controller;
mod health;
mod localkube;
mod manifests;
mod output;
mod pipeline;
mod policy;
mod promotion;
mod render;
mod scan;
mod schema;

pub use render::run as render_now;
mod up;

use std::path::PathBuf;

use anyhow::Context;
use ferry_controller::{Engine, EngineOptions};

use crate::cli::{Cli, Command, LocalkubeCommand};
use ferry_store::Decision;

/// How a command that ran ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success,
    /// It ran and found a problem: differences, a failed sync, a timeout.
    Problem,
    /// It ran and found a problem, to be reported with this exit code (`--exit-code N`).
    ProblemCode(u8),
}

/// Global options every engine command uses.
#[derive(Debug, Clone)]
pub struct Globals {
    pub config: PathBuf,
    pub state_dir: PathBuf,
    pub kubeconfig: Option<PathBuf>,
}

impl Globals {
    pub async fn engine(&self) -> anyhow::Result<Engine> {
        let options = EngineOptions {
            config_dir: self.config.clone(),
            state_dir: self.state_dir.clone(),
            kubeconfig: self.kubeconfig.clone(),
        };
        Engine::open(options)
            .await
            .with_context(|| format!("opening Ferry with the control folder {}", self.config.display()))
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<Exit> {
    ferry_cluster::install_crypto_provider();
    let globals =
        Globals { config: cli.config.clone(), state_dir: cli.state_dir.clone(), kubeconfig: cli.kubeconfig.clone() };
    match cli.command {
        Command::Up(args) => up::run(&cli.state_dir, &args).await.map(|()| Exit::Success),
        Command::Localkube(LocalkubeCommand::Serve(args)) => localkube::serve(&args).await.map(|()| Exit::Success),
        Command::App(cmd) => app::run(&globals, cmd).await,
        Command::Controller(args) => controller::run(&globals, &args).await.map(|()| Exit::Success),
        Command::Health(cmd) => health::run(cmd),
        Command::Render(args) => render::run(&args),
        Command::Admission(cmd) => admission::run(cmd, cli.kubeconfig.as_deref()).await,
        Command::Scan(cmd) => scan::run(cmd, cli.verbose),
        Command::Policy(cmd) => policy::run(cmd, cli.verbose),
        Command::Schema(cmd) => schema::run(cmd, cli.verbose),
        Command::Check(args) => check::run(&globals, &args),
        Command::Pipeline(cmd) => pipeline::run(&globals.config, cmd),
        Command::Warehouse(cmd) => promotion::warehouse(&globals, &cmd).await,
        Command::Freight(cmd) => promotion::freight(&globals, &cmd).await,
        Command::Stage(cmd) => promotion::stage(&globals, &cmd).await,
        Command::Promote(args) => promotion::promote(&globals, &args).await,
        Command::Approve(args) => promotion::decide(&globals, &args, Decision::Approved).await,
        Command::Reject(args) => promotion::decide(&globals, &args, Decision::Rejected).await,
        Command::Rollback(args) => promotion::rollback(&globals, &args).await,
        Command::Audit(cmd) => promotion::audit(&globals, &cmd).await,
        Command::Notification(cmd) => promotion::notification(&globals, &cmd).await,
    }
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn interrupted() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
