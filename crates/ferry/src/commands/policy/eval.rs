//! `ferry policy eval --policies DIR FILE…`: every given object reviewed against the constraints
//! in DIR, with all of them as the inventory; a `deny` violation fails the command.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ferry_gates::policy::{EnforcementAction, Inventory, PolicySet};
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
        let violations = set
            .evaluate(&subject.review, &inventory)
            .with_context(|| format!("evaluating {} from {}", subject.describe(), subject.file.display()))?;
        rows.extend(violations.into_iter().map(|v| Row {
            file: subject.file.display().to_string(),
            object: subject.describe(),
            constraint: v.constraint,
            constraint_kind: v.template_kind,
            enforcement_action: v.enforcement_action.as_str(),
            message: v.msg,
            details: v.details,
        }));
    }
    print(&rows, out)?;
    let denied = rows.iter().filter(|r| r.enforcement_action == EnforcementAction::Deny.as_str()).count();
    eprintln!(
        "{} objects checked against {} constraints: {} violations ({denied} deny)",
        subjects.len(),
        set.constraints().len(),
        rows.len()
    );
    Ok(if denied > 0 { Exit::Problem } else { Exit::Success })
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
