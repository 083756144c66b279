//! The fixture table: every `testdata/plan/*.yaml` file is a sync (desired and live objects,
//! options) with the plan expected for it, task by task as `phase/wave/action/key`, or the
//! error expected instead.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::{DesiredObject, LiveObject, PlanInput, ResourceKey, SyncOptions, plan};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Fixture {
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    prune: bool,
    #[serde(default)]
    dry_run: bool,
    destination_namespace: Option<String>,
    /// Keys found out of sync; every desired key when absent.
    out_of_sync: Option<Vec<String>>,
    #[serde(default)]
    desired: Vec<Value>,
    #[serde(default)]
    live: Vec<Value>,
    #[serde(default)]
    expect: Vec<String>,
    #[serde(default)]
    expect_prune_skipped: Vec<String>,
    /// `phase/wave: key, key` per step of `SyncPlan::waves`.
    expect_steps: Option<Vec<String>>,
    /// The start of the error message expected instead of a plan.
    expect_error: Option<String>,
}

fn key_of(object: &Value) -> ResourceKey {
    ResourceKey::from_object(object).unwrap()
}

fn input(fixture: &Fixture) -> Result<PlanInput, String> {
    let desired: Vec<DesiredObject> =
        fixture.desired.iter().map(|object| DesiredObject { key: key_of(object), object: object.clone() }).collect();
    let out_of_sync: BTreeSet<ResourceKey> = match &fixture.out_of_sync {
        Some(keys) => keys.iter().map(|key| key.parse().unwrap()).collect(),
        None => desired.iter().map(|desired| desired.key.clone()).collect(),
    };
    Ok(PlanInput {
        desired,
        live: fixture.live.iter().map(|object| LiveObject { key: key_of(object), object: object.clone() }).collect(),
        out_of_sync,
        prune: fixture.prune,
        dry_run: fixture.dry_run,
        options: SyncOptions::parse(&fixture.options).map_err(|err| err.to_string())?,
        destination_namespace: fixture.destination_namespace.clone(),
    })
}

/// Runs one fixture; `Err` describes every difference from what it expects.
fn check(fixture: &Fixture) -> Result<(), String> {
    let result = input(fixture).and_then(|input| plan(&input).map_err(|err| err.to_string()));
    let plan = match (result, &fixture.expect_error) {
        (Err(err), Some(expected)) if err.starts_with(expected.as_str()) => return Ok(()),
        (Err(err), Some(expected)) => return Err(format!("error {err:?}, expected one starting with {expected:?}")),
        (Err(err), None) => return Err(format!("error: {err}")),
        (Ok(_), Some(expected)) => return Err(format!("expected error {expected:?}, got a plan")),
        (Ok(plan), None) => plan,
    };
    let mut problems = Vec::new();
    let tasks: Vec<String> = plan.tasks.iter().map(ToString::to_string).collect();
    if tasks != fixture.expect {
        problems.push(format!("tasks:\n  got:      {tasks:#?}\n  expected: {:#?}", fixture.expect));
    }
    let skipped: Vec<String> = plan.prune_skipped.iter().map(|(key, reason)| format!("{key}: {reason}")).collect();
    if skipped != fixture.expect_prune_skipped {
        problems.push(format!("pruneSkipped: got {skipped:?}, expected {:?}", fixture.expect_prune_skipped));
    }
    if let Some(expected) = &fixture.expect_steps {
        let steps: Vec<String> = plan
            .waves()
            .iter()
            .map(|(phase, wave, tasks)| {
                let keys: Vec<String> = tasks.iter().map(|task| task.key.to_string()).collect();
                format!("{phase}/{wave}: {}", keys.join(", "))
            })
            .collect();
        if steps != *expected {
            problems.push(format!("steps:\n  got:      {steps:#?}\n  expected: {expected:#?}"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}

#[test]
fn plan_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/plan");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 15, "expected the plan fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let outcome = yaml_serde::from_str::<Fixture>(&text)
            .map_err(|err| format!("bad fixture: {err}"))
            .and_then(|fixture| check(&fixture));
        if let Err(problem) = outcome {
            failures.push(format!("{}:\n{problem}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} plan fixtures failed:\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n\n")
    );
}
