//! Checks across resources of the control folder: a Pipeline's Stages accept Warehouses that
//! exist and deploy Applications that exist.

use crate::accepts::Accepts;
use crate::error::ConfigError;
use crate::load::{Config, Loaded};
use crate::pipeline::Pipeline;
use crate::reference::Reference;
use crate::steps::StepAction;

/// Reports every reference of a Pipeline to a Warehouse or Application that is not declared.
pub(crate) fn check(config: &Config, errors: &mut Vec<ConfigError>) {
    check_notifiers(config, errors);
    let warehouses: Vec<&str> = config.warehouses.iter().map(|w| w.value.metadata.name.as_str()).collect();
    let applications: Vec<&str> = config.applications.iter().map(|a| a.value.metadata.name.as_str()).collect();
    for pipeline in &config.pipelines {
        let mut dangling = |reference: &Reference, field: String, kind: &str, known: &[&str]| {
            if !known.contains(&reference.as_str()) {
                errors.push(dangling_error(pipeline, reference, field, kind, known));
            }
        };
        for (i, stage) in pipeline.value.spec.stages.iter().enumerate() {
            if let Some(Accepts::Warehouse(w)) = &stage.accepts {
                dangling(w, format!("spec.stages[{i}].accepts.warehouse"), "Warehouse", &warehouses);
            }
            for (j, app) in stage.applications.iter().enumerate() {
                dangling(app, format!("spec.stages[{i}].applications[{j}]"), "Application", &applications);
            }
            for (k, step) in stage.steps.iter().enumerate() {
                let apps = match &step.action {
                    StepAction::ArgocdSync(s) => &s.apps,
                    StepAction::WaitHealthy(w) => &w.apps,
                    _ => continue,
                };
                for (m, app) in apps.iter().enumerate() {
                    dangling(app, format!("spec.stages[{i}].steps[{k}].with.apps[{m}]"), "Application", &applications);
                }
            }
        }
    }
}

fn dangling_error(
    pipeline: &Loaded<Pipeline>,
    reference: &Reference,
    field: String,
    kind: &str,
    known: &[&str],
) -> ConfigError {
    let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
    let expected = if known.is_empty() {
        format!("the name of {article} {kind} in the control folder (there is none)")
    } else {
        format!("the name of {article} {kind} in the control folder ({})", known.join(", "))
    };
    ConfigError::Invalid {
        file: pipeline.file.clone(),
        line: reference.line,
        field,
        expected,
        found: format!("{:?}", reference.name),
    }
}

/// A Notifier's `pipelines` name Pipelines of the control folder.
fn check_notifiers(config: &Config, errors: &mut Vec<ConfigError>) {
    let pipelines: Vec<&str> = config.pipelines.iter().map(|p| p.value.metadata.name.as_str()).collect();
    for n in &config.notifiers {
        for (i, p) in n.value.spec.pipelines.iter().enumerate() {
            if !pipelines.contains(&p.as_str()) {
                errors.push(ConfigError::Invalid {
                    file: n.file.clone(),
                    line: p.line,
                    field: format!("spec.pipelines[{i}]"),
                    expected: if pipelines.is_empty() {
                        "the name of a Pipeline in the control folder (there is none)".to_owned()
                    } else {
                        format!("the name of a Pipeline in the control folder ({})", pipelines.join(", "))
                    },
                    found: format!("{:?}", p.name),
                });
            }
        }
    }
}
