//! `ferry admission serve`: the validating admission webhook enforcing Gatekeeper Constraints,
//! over HTTPS until interrupted.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use ferry_gates::admission::{AdmissionServer, FailurePolicy, Identity, ServerOptions, Validator, load_inventory};
use ferry_gates::policy::{Inventory, PolicySet};

use super::Exit;
use crate::cli::{AdmissionCommand, AdmissionServeArgs, FailurePolicyArg};

pub async fn run(cmd: AdmissionCommand) -> anyhow::Result<Exit> {
    match cmd {
        AdmissionCommand::Serve(args) => serve(&args).await.map(|()| Exit::Success),
    }
}

async fn serve(args: &AdmissionServeArgs) -> anyhow::Result<()> {
    let validator = Validator::new(policies(args)?, inventory(args)?).with_failure_policy(match args.failure_policy {
        FailurePolicyArg::Fail => FailurePolicy::Fail,
        FailurePolicyArg::Ignore => FailurePolicy::Ignore,
    });
    let identity = identity(args)?;
    let options = ServerOptions { listen: args.listen, body_limit: args.max_request_bytes };
    let server = AdmissionServer::bind(options, &identity, validator).await?;
    let address = server.local_addr();
    // The first line on stdout is the address, for scripts and tests that asked for port 0.
    println!("serving https://{address} (POST /validate, POST /v1/admit, GET /healthz)");
    std::io::stdout().flush().context("writing to stdout")?;
    tracing::info!(%address, "admission webhook serving");
    server.run(super::interrupted()).await?;
    tracing::info!("admission webhook stopped");
    Ok(())
}

fn policies(args: &AdmissionServeArgs) -> anyhow::Result<PolicySet> {
    let policies = PolicySet::load_dir(&args.policies)
        .with_context(|| format!("loading policies from {}", args.policies.display()))?
        .with_time_limit(Duration::from_millis(args.policy_time_limit_ms));
    if policies.constraints().is_empty() {
        tracing::warn!(dir = %args.policies.display(), "no constraints: every request will be admitted");
    }
    tracing::info!(
        templates = policies.templates().count(),
        constraints = policies.constraints().len(),
        "policies loaded"
    );
    Ok(policies)
}

fn inventory(args: &AdmissionServeArgs) -> anyhow::Result<Inventory> {
    match &args.inventory {
        Some(dir) => load_inventory(dir).with_context(|| format!("loading the inventory from {}", dir.display())),
        None => Ok(Inventory::default()),
    }
}

/// The certificate files given, or a generated CA and certificate whose CA goes to `--ca-out`.
fn identity(args: &AdmissionServeArgs) -> anyhow::Result<Identity> {
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        return Ok(Identity::from_pem_files(cert, key)?);
    }
    let identity = Identity::generate(&args.hosts)?;
    if let (Some(path), Some(pem)) = (&args.ca_out, identity.ca_pem()) {
        std::fs::write(path, pem).with_context(|| format!("writing the CA certificate to {}", path.display()))?;
        tracing::info!(path = %path.display(), "CA certificate written (the webhook's caBundle)");
    }
    Ok(identity)
}
