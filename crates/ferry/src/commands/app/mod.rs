//! `ferry app …`: one module per subcommand, as `argocd app …` has them.

mod diff;
mod get;
mod history;
mod list;
mod sync;
mod wait;

use super::{Exit, Globals};
use crate::cli::AppCommand;

pub async fn run(globals: &Globals, cmd: AppCommand) -> anyhow::Result<Exit> {
    let engine = globals.engine().await?;
    match cmd {
        AppCommand::List { output } => list::run(&engine, output).await,
        AppCommand::Get { app, output, .. } => get::run(&engine, &app, output).await,
        AppCommand::Diff { app, .. } => diff::run(&engine, &app).await,
        AppCommand::Sync { app, prune, dry_run, revision, timeout, output } => {
            sync::run(&engine, &app, sync::Flags { prune, dry_run, revision, timeout, output }).await
        }
        AppCommand::Wait { app, sync, health, timeout } => wait::run(&engine, &app, sync, health, timeout).await,
        AppCommand::History { app, output } => history::history(&engine, &app, output).await,
        AppCommand::Rollback { app, id, force } => history::rollback(&engine, &app, id, force).await,
        AppCommand::Manifests { app, revision } => history::manifests(&engine, &app, revision).await,
    }
}
