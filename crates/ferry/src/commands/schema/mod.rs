//! `ferry schema validate [FILE|DIR|-]…`: Kubernetes objects checked against the schemas of a
//! Kubernetes version and of the CustomResourceDefinitions given (with `--crds` or among the
//! objects themselves), as kubeconform does. Exit 0 all valid, 1 a violation, 2 could not run.

mod report;

use anyhow::Context;
use ferry_gates::schema::{SchemaError, SchemaOptions, SchemaProblem, SchemaValidator, SchemaViolation};
use serde_json::Value;

use self::report::{Outcome, Status};
use super::Exit;
use super::manifests::{self, Document};
use crate::cli::{SchemaCommand, SchemaValidateArgs};

/// Runs one `ferry schema` subcommand; `verbose` (`-v`) also lists valid objects.
pub fn run(cmd: SchemaCommand, verbose: u8) -> anyhow::Result<Exit> {
    match cmd {
        SchemaCommand::Validate(args) => validate(&args, verbose > 0),
    }
}

fn validate(args: &SchemaValidateArgs, verbose: bool) -> anyhow::Result<Exit> {
    let version = args.kubernetes_version.clone().unwrap_or_else(local_cluster_version);
    let options = SchemaOptions {
        strict: args.strict,
        ignore_missing_schemas: args.ignore_missing_schemas,
        skip_kinds: args.skip.clone(),
    };
    let mut validator = SchemaValidator::new(&version, options)?;
    let crds = manifests::read_paths(&args.crds)?;
    let documents = manifests::read_paths(&args.paths)?;
    for document in crds.iter().filter(|d| SchemaValidator::is_crd(&d.object)) {
        validator.add_crd(&document.object).with_context(|| {
            format!("{} (document {}, line {})", display_file(&document.file), document.number, document.line)
        })?;
    }
    // A CRD among the objects that cannot be registered is a finding on that CRD, not a reason
    // to stop: the rest is still validated (its custom resources then have no schema).
    let unusable: Vec<Option<SchemaViolation>> = documents
        .iter()
        .map(|d| {
            SchemaValidator::is_crd(&d.object).then(|| validator.add_crd(&d.object).err()).flatten().map(crd_violation)
        })
        .collect();
    let outcomes: Vec<Outcome> =
        documents.iter().zip(unusable).map(|(document, crd)| judge(&validator, document, crd)).collect();
    report::print(
        &outcomes,
        &report::Settings { output: args.output, summary: args.summary, verbose, version: &version },
    )?;
    let invalid = outcomes.iter().any(|o| o.status == Status::Invalid);
    Ok(if invalid { Exit::Problem } else { Exit::Success })
}

/// The verdict on one document.
fn judge<'d>(validator: &SchemaValidator, document: &'d Document, crd: Option<SchemaViolation>) -> Outcome<'d> {
    let (status, violations) = if validator.skips(&document.object) {
        (Status::Skipped, Vec::new())
    } else {
        let mut violations = validator.validate(&document.object);
        violations.extend(crd);
        (if violations.is_empty() { Status::Valid } else { Status::Invalid }, violations)
    };
    Outcome { document, file: display_file(&document.file), status, violations }
}

/// A CRD that could not be registered, as a violation of that CRD.
fn crd_violation(error: SchemaError) -> SchemaViolation {
    let (field, message) = match error {
        SchemaError::Crd { field, problem, .. } => (field, format!("schema not usable: {problem}")),
        other => (String::new(), other.to_string()),
    };
    SchemaViolation { field, problem: SchemaProblem::InvalidCrd, message }
}

/// `stdin` for `-`, as kubeconform prints it.
fn display_file(file: &str) -> String {
    if file == "-" { "stdin".to_owned() } else { file.to_owned() }
}

/// The version the local cluster reports (`ferry localkube`), so `ferry schema validate` and
/// `kubectl apply` against it agree by default.
fn local_cluster_version() -> String {
    let version = ferry_localkube::discovery::version();
    let part = |key: &str| version.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    format!("{}.{}", part("major"), part("minor"))
}
