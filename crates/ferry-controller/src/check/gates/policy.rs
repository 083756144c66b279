//! The policy gate: every rendered object reviewed against the Gatekeeper constraints at the
//! `gator.gatekeeper.sh` enforcement point, as a `CREATE` (or an `UPDATE` with the base's
//! object as `oldObject` when the object exists in the base), with the objects rendered for the
//! same cluster as `data.inventory` — what Gatekeeper would see once the change is synced.

use ferry_gates::policy::{EnforcementAction, EnforcementPoint, Inventory, Operation, PolicySet, ReviewRequest};
use serde_json::Value;

use super::super::AppCheck;
use super::super::finding::{Finding, Gate, Level};
use super::by_cluster;

/// Findings of `set` over the head objects of `apps`.
pub fn findings(set: &PolicySet, apps: &[AppCheck]) -> Vec<Finding> {
    let mut out = Vec::new();
    for group in by_cluster(apps) {
        let objects: Vec<Value> = group.iter().flat_map(|app| app.head_objects().iter().cloned()).collect();
        let inventory = Inventory::from_objects(&objects);
        for app in group {
            for object in app.head_objects() {
                let review = review_of(object, app.base_object(object));
                let evaluation = set.evaluate_at(&review, &inventory, EnforcementPoint::Gator);
                for violation in evaluation.violations {
                    out.push(app.object_finding(
                        object,
                        Gate::Policy,
                        format!("{}/{}", violation.template_kind, violation.constraint),
                        level_of(violation.enforcement_action),
                        violation.msg,
                    ));
                }
                for failed in evaluation.errors {
                    let level = if failed.denies() { Level::Error } else { Level::Warning };
                    out.push(app.object_finding(
                        object,
                        Gate::Policy,
                        failed.constraint.clone(),
                        level,
                        format!("not evaluated: {}", failed.error),
                    ));
                }
            }
        }
    }
    out
}

fn review_of(object: &Value, base: Option<&Value>) -> ReviewRequest {
    match base {
        Some(old) => ReviewRequest::from_object(object.clone(), Operation::Update).with_old_object(old.clone()),
        None => ReviewRequest::from_object(object.clone(), Operation::Create),
    }
}

fn level_of(action: EnforcementAction) -> Level {
    match action {
        EnforcementAction::Deny => Level::Error,
        EnforcementAction::Warn => Level::Warning,
        EnforcementAction::Dryrun => Level::Note,
    }
}
