//! `ferry policy eval --policies DIR FILE…`: every given object reviewed against the constraints
//! in DIR (at the gator enforcement point), with all of them as the inventory; a `deny`
//! violation fails the command, and so does a `deny` constraint that could not be evaluated
//! (fail closed), reported as a row of its own while the other constraints still run.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ferry_gates::policy::{EnforcementAction, EnforcementPoint, Evaluation, Inventory, PolicySet};
use serde::Serialize;

use super::objects::{self, Subject};
use crate::cli::Output;
use crate::commands::{Exit, output};

/// One violation, as printed.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    file: String,
    object: String,
    constraint: String,
    constraint_kind: String,
    enforcement_action: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<serde_json::Value>,
    /// The constraint could not be evaluated; `message` says why.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    error: bool,
}

/// Loads the policies, reviews every object and prints the violations.
pub fn run(policies: &Path, files: &[PathBuf], out: Output) -> anyhow::Result<Exit> {
    let set =
        PolicySet::load_dir(policies).with_context(|| format!("loading the policies in {}", policies.display()))?;
    if set.constraints().is_empty() {
        bail!(
            "{}: no Constraints found ({} ConstraintTemplates); nothing would be checked",
            policies.display(),
            set.templates().count()
        );
    }
    let subjects = objects::read_all(files)?;
    let inventory_objects: Vec<_> = subjects.iter().filter_map(Subject::inventory_object).cloned().collect();
    let inventory = Inventory::from_objects(&inventory_objects);
    let mut rows = Vec::new();
    for subject in &subjects {
        let evaluation = set.evaluate_at(&subject.review, &inventory, EnforcementPoint::Gator);
        rows.extend(rows_of(subject, evaluation, &set));
    }
    print(&rows, out)?;
    let denied = rows.iter().filter(|r| r.enforcement_action == EnforcementAction::Deny.as_str()).count();
    let errors = rows.iter().filter(|r| r.error).count();
    eprintln!(
        "{} objects checked against {} constraints: {} violations ({denied} deny), {errors} constraint evaluations failed",
        subjects.len(),
        set.constraints().len(),
        rows.len() - errors,
    );
    Ok(if denied > 0 { Exit::Problem } else { Exit::Success })
}

/// One row per violation, then one per constraint that failed, its action its strongest one.
fn rows_of(subject: &Subject, evaluation: Evaluation, set: &PolicySet) -> Vec<Row> {
    let file = subject.file.display().to_string();
    let object = subject.describe();
    let kind_of = |name: &str| set.constraints().iter().find(|c| c.name() == name).map(|c| c.kind().to_owned());
    let mut rows: Vec<Row> = evaluation
        .violations
        .into_iter()
        .map(|v| Row {
            file: file.clone(),
            object: object.clone(),
            constraint: v.constraint,
            constraint_kind: v.template_kind,
            enforcement_action: v.enforcement_action.as_str(),
            message: v.msg,
            details: v.details,
            error: false,
        })
        .collect();
    rows.extend(evaluation.errors.into_iter().map(|failed| Row {
        file: file.clone(),
        object: object.clone(),
        constraint_kind: kind_of(&failed.constraint).unwrap_or_default(),
        enforcement_action: failed.enforcement_actions.first().map_or("deny", |a| a.as_str()),
        message: format!("not evaluated: {}", failed.error),
        constraint: failed.constraint,
        details: None,
        error: true,
    }));
    rows
}

fn print(rows: &[Row], out: Output) -> anyhow::Result<()> {
    match out {
        Output::Json => output::json(&rows),
        Output::Yaml => output::yaml(&rows),
        Output::Table | Output::Wide if rows.is_empty() => Ok(()),
        Output::Table => {
            let cells =
                |r: &Row| vec![r.object.clone(), r.constraint.clone(), r.enforcement_action.into(), r.message.clone()];
            output::table(&["OBJECT", "CONSTRAINT", "ACTION", "MESSAGE"], &rows.iter().map(cells).collect::<Vec<_>>());
            Ok(())
        }
        Output::Wide => {
            let cells = |r: &Row| {
                let constraint = format!("{}/{}", r.constraint_kind, r.constraint);
                vec![r.file.clone(), r.object.clone(), constraint, r.enforcement_action.into(), r.message.clone()]
            };
            let header = ["FILE", "OBJECT", "CONSTRAINT", "ACTION", "MESSAGE"];
            output::table(&header, &rows.iter().map(cells).collect::<Vec<_>>());
            Ok(())
        }
    }
}
