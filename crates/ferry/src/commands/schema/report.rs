//! Printing `ferry schema validate`'s verdicts: one line per violation in text (`FILE:
//! Kind/name (document N, line L): field: message`), or one JSON document with every object,
//! its status and violations, and a summary.

use std::collections::BTreeSet;

use ferry_gates::schema::SchemaViolation;
use serde::Serialize;
use serde_json::Value;

use crate::cli::SchemaOutput;
use crate::commands::manifests::Document;
use crate::commands::output;

/// What became of one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Valid,
    Invalid,
    /// Its kind is skipped (`--skip`), or it has no schema and `--ignore-missing-schemas`.
    Skipped,
}

/// One object's verdict.
#[derive(Debug)]
pub struct Outcome<'d> {
    pub document: &'d Document,
    /// The file as printed (`stdin` for `-`).
    pub file: String,
    pub status: Status,
    pub violations: Vec<SchemaViolation>,
}

/// How to print.
#[derive(Debug)]
pub struct Settings<'a> {
    pub output: SchemaOutput,
    /// Print the counts after the violations (text; JSON always has them).
    pub summary: bool,
    /// List valid and skipped objects too (text).
    pub verbose: bool,
    /// The Kubernetes version validated against.
    pub version: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    resources: usize,
    files: usize,
    valid: usize,
    invalid: usize,
    skipped: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Resource<'o> {
    file: &'o str,
    document: usize,
    line: usize,
    api_version: &'o str,
    kind: &'o str,
    name: &'o str,
    #[serde(skip_serializing_if = "is_blank")]
    namespace: &'o str,
    status: Status,
    violations: &'o [SchemaViolation],
}

pub fn print(outcomes: &[Outcome<'_>], settings: &Settings<'_>) -> anyhow::Result<()> {
    let summary = summarize(outcomes);
    match settings.output {
        SchemaOutput::Json => {
            let resources: Vec<Resource<'_>> = outcomes.iter().map(resource).collect();
            let report = serde_json::json!({
                "kubernetesVersion": settings.version,
                "resources": resources,
                "summary": summary,
            });
            output::json(&report)
        }
        SchemaOutput::Text => {
            for outcome in outcomes {
                print_text(outcome, settings.verbose);
            }
            if settings.summary {
                println!(
                    "Summary: {} resources found in {} files - Valid: {}, Invalid: {}, Skipped: {}",
                    summary.resources, summary.files, summary.valid, summary.invalid, summary.skipped
                );
            }
            Ok(())
        }
    }
}

fn print_text(outcome: &Outcome<'_>, verbose: bool) {
    let doc = outcome.document;
    let at = format!("{}: {} (document {}, line {})", outcome.file, describe(&doc.object), doc.number, doc.line);
    match outcome.status {
        Status::Invalid => outcome.violations.iter().for_each(|v| println!("{at}: {v}")),
        Status::Valid if verbose => println!("{at}: valid"),
        Status::Skipped if verbose => println!("{at}: skipped"),
        _ => {}
    }
}

/// `Deployment/web`, or `Deployment` when the object has no name.
fn describe(object: &Value) -> String {
    let kind = text(object, "/kind");
    let kind = if kind.is_empty() { "<no kind>" } else { kind };
    match text(object, "/metadata/name") {
        "" => kind.to_owned(),
        name => format!("{kind}/{name}"),
    }
}

fn is_blank(s: &&str) -> bool {
    s.is_empty()
}

fn text<'v>(object: &'v Value, pointer: &str) -> &'v str {
    object.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

fn resource<'o>(outcome: &'o Outcome<'_>) -> Resource<'o> {
    let object = &outcome.document.object;
    Resource {
        file: &outcome.file,
        document: outcome.document.number,
        line: outcome.document.line,
        api_version: text(object, "/apiVersion"),
        kind: text(object, "/kind"),
        name: text(object, "/metadata/name"),
        namespace: text(object, "/metadata/namespace"),
        status: outcome.status,
        violations: &outcome.violations,
    }
}

fn summarize(outcomes: &[Outcome<'_>]) -> Summary {
    let count = |status| outcomes.iter().filter(|o| o.status == status).count();
    Summary {
        resources: outcomes.len(),
        files: outcomes.iter().map(|o| o.file.as_str()).collect::<BTreeSet<_>>().len(),
        valid: count(Status::Valid),
        invalid: count(Status::Invalid),
        skipped: count(Status::Skipped),
    }
}
