//! One module per subcommand.

mod localkube;
mod up;

use crate::cli::{Cli, Command, LocalkubeCommand};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Up(args) => up::run(&cli.state_dir, &args).await,
        Command::Localkube(LocalkubeCommand::Serve(args)) => localkube::serve(&args).await,
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
