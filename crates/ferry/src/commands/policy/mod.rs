//! `ferry policy …`: Gatekeeper policies from the command line — gator suites (`verify`) and
//! objects checked against a directory of templates and constraints (`eval`).

mod eval;
mod objects;
mod verify;

use super::Exit;
use crate::cli::PolicyCommand;

/// Runs one `ferry policy` subcommand; `verbose` (`-v`) lists every case `verify` runs.
pub fn run(cmd: PolicyCommand, verbose: u8) -> anyhow::Result<Exit> {
    match cmd {
        PolicyCommand::Verify { path } => verify::run(&path, verbose > 0),
        PolicyCommand::Eval { policies, files, output } => eval::run(&policies, &files, output),
    }
}
