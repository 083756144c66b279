//! `ferry admission serve`: the validating admission webhook enforcing Gatekeeper Constraints,
//! over HTTPS until interrupted, with `data.inventory` from files (`--inventory`) and from a
//! live cluster (`--sync`, kept current by `live`).

mod live;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use ferry_gates::admission::{
    AdmissionServer, FailurePolicy, Identity, ServerOptions, SyncKind, Validator, load_objects, load_sync_config,
};
use ferry_gates::policy::{Inventory, PolicySet};
use serde_json::Value;

use super::Exit;
use crate::cli::{AdmissionCommand, AdmissionServeArgs, FailurePolicyArg};

pub async fn run(cmd: AdmissionCommand, kubeconfig: Option<&Path>) -> anyhow::Result<Exit> {
    match cmd {
        AdmissionCommand::Serve(args) => serve(&args, kubeconfig).await.map(|()| Exit::Success),
    }
}

async fn serve(args: &AdmissionServeArgs, kubeconfig: Option<&Path>) -> anyhow::Result<()> {
    let static_objects = static_objects(args)?;
    let sync_kinds = sync_kinds(args)?;
    let validator = Validator::new(policies(args)?, Inventory::from_objects(&static_objects)).with_failure_policy(
        match args.failure_policy {
            FailurePolicyArg::Fail => FailurePolicy::Fail,
            FailurePolicyArg::Ignore => FailurePolicy::Ignore,
        },
    );
    // Kept alive while serving: dropping it stops the watches.
    let _live = if sync_kinds.is_empty() {
        None
    } else {
        let source = live::LiveSource { kubeconfig, context: args.context.as_deref(), kinds: &sync_kinds };
        Some(live::start(&source, static_objects, validator.inventory_handle()).await?)
    };
    let identity = identity(args)?;
    let options = ServerOptions { listen: args.listen, body_limit: args.max_request_bytes };
    let server = AdmissionServer::bind(options, &identity, validator).await?;
    let address = server.local_addr();
    // The first line on stdout is the address, for scripts and tests that asked for port 0.
    println!("serving https://{address} (POST /validate, POST /v1/admit, GET /healthz, GET /readyz)");
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

/// The objects of `--inventory`, read once.
fn static_objects(args: &AdmissionServeArgs) -> anyhow::Result<Vec<Value>> {
    match &args.inventory {
        Some(dir) => load_objects(dir).with_context(|| format!("loading the inventory from {}", dir.display())),
        None => Ok(Vec::new()),
    }
}

/// The kinds of `--sync` and `--sync-config`, in that order, each once.
fn sync_kinds(args: &AdmissionServeArgs) -> anyhow::Result<Vec<SyncKind>> {
    let mut kinds = args.sync.clone();
    if let Some(path) = &args.sync_config {
        kinds.extend(load_sync_config(path).context("reading --sync-config")?);
    }
    let mut unique: Vec<SyncKind> = Vec::with_capacity(kinds.len());
    for kind in kinds {
        if !unique.contains(&kind) {
            unique.push(kind);
        }
    }
    if unique.is_empty() && args.context.is_some() {
        bail!("--context names the cluster to sync from: give the kinds with --sync or --sync-config");
    }
    Ok(unique)
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
