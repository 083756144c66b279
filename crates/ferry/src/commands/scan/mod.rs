//! `ferry scan …`: the scanners of the security gates: `secrets` (gitleaks rules) and `vulns`
//! (scanners' vulnerability reports against a policy).

mod secrets;
mod summary;
mod vulns;

use clap::CommandFactory;
use clap::parser::ValueSource;

use super::Exit;

use crate::cli::{Cli, ScanCommand, SecretsArgs};
pub(crate) use secrets::load_config as load_secrets_config;
pub(crate) use vulns::today;

/// Runs one `ferry scan` subcommand; `verbose` (`-v`) prints every finding and skipped file.
pub fn run(cmd: ScanCommand, verbose: u8) -> anyhow::Result<Exit> {
    match cmd {
        ScanCommand::Secrets(args) => secrets::run(&typed_config_only(args), verbose > 0),
        ScanCommand::Vulns(args) => vulns::run(&args),
    }
}

/// `ferry scan secrets --config` is gitleaks' flag, spelled like Ferry's global `--config` (the
/// control folder), and clap hands the global's default and `$FERRY_CONFIG` down to it. Only a
/// value typed on the command line names a gitleaks configuration.
fn typed_config_only(mut args: SecretsArgs) -> SecretsArgs {
    let source = Cli::command()
        .try_get_matches_from(std::env::args_os())
        .ok()
        .and_then(|matches| matches.subcommand_matches("scan")?.subcommand_matches("secrets")?.value_source("config"));
    if source != Some(ValueSource::CommandLine) {
        args.config = None;
    }
    args
}
