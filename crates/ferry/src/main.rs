//! The `ferry` binary: parse the command line, run one subcommand, turn its outcome into an
//! exit code. Everything else lives in the library crates.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // `ferry render` stands in for `kubectl kustomize` and is called once per build: it logs
    // nothing and needs no async runtime; setting them up would be most of its run time on a
    // small overlay.
    if let cli::Command::Render(args) = &cli.command {
        return exit_code(commands::render_now(args));
    }
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    // Exit codes, decided here only: 0 success; 1 the command ran and found a problem
    // (differences, a failed sync, a wait that timed out); 2 it could not run (bad input,
    // unreachable cluster or repository).
    exit_code(runtime.block_on(commands::run(cli)))
}

fn exit_code(outcome: anyhow::Result<commands::Exit>) -> ExitCode {
    match outcome {
        Ok(commands::Exit::Success) => ExitCode::SUCCESS,
        Ok(commands::Exit::Problem) => ExitCode::from(1),
        Ok(commands::Exit::ProblemCode(code)) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("FERRY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}
