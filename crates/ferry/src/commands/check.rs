//! `ferry check`: the flags are turned into gates (policies loaded, rules compiled, reports read)
//! before anything is rendered, so a bad flag or file fails fast with exit code 2; then the check
//! runs and its report is printed and written in the forms asked for.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ferry_controller::check::gates::schema::SchemaGate;
use ferry_controller::check::{self, CheckOptions, CheckReport, report};
use ferry_gates::policy::PolicySet;
use ferry_gates::schema::SchemaOptions;
use ferry_gates::secrets::Scanner;
use ferry_gates::vuln::{VulnerabilityPolicy, read_reports};

use super::{Exit, Globals};
use crate::cli::{CheckArgs, CheckOutput};

/// The folder of Gatekeeper policies read when `--policies` is not given.
const DEFAULT_POLICIES: &str = "policies";

pub fn run(globals: &Globals, args: &CheckArgs) -> anyhow::Result<Exit> {
    let options = options(globals, args)?;
    let report = check::run(&options)?;
    print(&report, args)?;
    write_reports(&report, args)?;
    Ok(if report.passed { Exit::Success } else { Exit::Problem })
}

/// The check the flags describe, with every gate loaded.
fn options(globals: &Globals, args: &CheckArgs) -> anyhow::Result<CheckOptions> {
    let root = ferry_source::LocalRepo::open(&args.repo)
        .with_context(|| format!("{} is not in a Git repository", args.repo.display()))?
        .root()
        .to_path_buf();
    let secrets = if args.no_secrets { None } else { Some(scanner(args.secrets_config.as_deref(), &root)?) };
    let schema = if args.no_schema {
        None
    } else {
        let options = SchemaOptions {
            strict: args.strict,
            ignore_missing_schemas: args.ignore_missing_schemas,
            ..SchemaOptions::default()
        };
        Some(SchemaGate::new(&args.kubernetes_version, options).context("--kubernetes-version")?)
    };
    let vulns = match &args.vuln_policy {
        Some(path) => Some((VulnerabilityPolicy::load(path)?, read_reports(&args.vuln_reports)?)),
        None => None,
    };
    Ok(CheckOptions {
        repo: args.repo.clone(),
        control_dir: globals.config.clone(),
        base: args.base.clone(),
        repo_urls: args.repo_urls.clone(),
        state_dir: globals.state_dir.clone(),
        policies: policies(args.policies.as_deref(), &root)?,
        secrets,
        schema,
        vulns,
        today: super::scan::today(args.today.as_deref())?,
    })
}

/// `--policies DIR`, else the repository's `policies/` when it exists.
fn policies(flag: Option<&Path>, root: &Path) -> anyhow::Result<Option<PolicySet>> {
    let dir: PathBuf = match flag {
        Some(dir) => dir.to_path_buf(),
        None if root.join(DEFAULT_POLICIES).is_dir() => root.join(DEFAULT_POLICIES),
        None => return Ok(None),
    };
    let set = PolicySet::load_dir(&dir).with_context(|| format!("loading the policies in {}", dir.display()))?;
    Ok(Some(set))
}

/// The gitleaks rules: `--secrets-config`, else `$GITLEAKS_CONFIG`, the repository's
/// `.gitleaks.toml`, or Ferry's default rules (as `ferry scan secrets` finds them).
fn scanner(flag: Option<&Path>, root: &Path) -> anyhow::Result<Scanner> {
    let config = super::scan::load_secrets_config(flag, &Some(root.to_path_buf()))?;
    Scanner::new(config).context("compiling the secret rules")
}

fn print(report: &CheckReport, args: &CheckArgs) -> anyhow::Result<()> {
    match args.output {
        CheckOutput::Text => print!("{}", report::text::render(report, args.diff)),
        CheckOutput::Json => println!("{}", serde_json::to_string_pretty(report)?),
        CheckOutput::Markdown => print!("{}", report::markdown::render(report)),
    }
    Ok(())
}

fn write_reports(report: &CheckReport, args: &CheckArgs) -> anyhow::Result<()> {
    type Render = fn(&CheckReport) -> String;
    let outputs: [(&Option<PathBuf>, Render); 3] = [
        (&args.markdown, report::markdown::render),
        (&args.sarif, report::sarif::render),
        (&args.junit, report::junit::render),
    ];
    for (path, render) in outputs {
        if let Some(path) = path {
            std::fs::write(path, render(report)).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}
