//! Running one constraint's template against one review: the input Gatekeeper builds
//! (`input.review`, `input.parameters`), `data.inventory`, and a wall-clock limit that regorus
//! enforces cooperatively inside the evaluation loop.

use std::num::NonZeroU32;
use std::time::Duration;

use serde_json::{Value, json};

use super::constraint::{Constraint, EnforcementAction};
use super::error::PolicyError;
use super::inventory::Inventory;
use super::review::ReviewRequest;
use super::template::Template;
use super::violation::Violation;

/// The time limit per evaluation unless told otherwise.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(2);

/// How many units of work regorus does between two looks at the clock.
const CHECK_INTERVAL: u32 = 64;

/// The violations `constraint` (of `template`) finds in `review`, carrying `actions` (the
/// constraint's actions at the enforcement point, strongest first).
pub fn evaluate(
    template: &Template,
    constraint: &Constraint,
    actions: &[EnforcementAction],
    review: &ReviewRequest,
    inventory: &Inventory,
    limit: Duration,
) -> Result<Vec<Violation>, PolicyError> {
    let mut input = json!({"review": review.to_input()});
    if let Some(parameters) = constraint.parameters() {
        input["parameters"] = parameters.clone();
    }
    let eval_error = |message: String| PolicyError::Eval {
        constraint: constraint.name().to_owned(),
        template: template.name().to_owned(),
        message,
    };
    let mut engine = template.engine().clone();
    let check_interval = NonZeroU32::new(CHECK_INTERVAL).unwrap_or(NonZeroU32::MIN);
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig { limit, check_interval });
    engine.add_data(inventory.data().clone()).map_err(|e| eval_error(e.to_string()))?;
    engine.set_input(regorus::Value::from(input));
    let result = engine.eval_rule(template.violation_rule().to_owned()).map_err(|e| {
        if e.chain().any(|cause| cause.downcast_ref::<regorus::LimitError>().is_some()) {
            PolicyError::TimeLimit {
                constraint: constraint.name().to_owned(),
                template: template.name().to_owned(),
                limit,
            }
        } else {
            eval_error(e.to_string())
        }
    })?;
    let entries = violation_entries(&result).map_err(|e| eval_error(e.to_string()))?;
    Ok(entries.into_iter().map(|entry| to_violation(entry, template, constraint, actions)).collect())
}

/// The members of the violation set. A v0 `violation[x] if { … }` rule reads as an object whose
/// keys are the members (OPA reads it as a set), so both shapes are accepted.
fn violation_entries(result: &regorus::Value) -> Result<Vec<Value>, serde_json::Error> {
    match result {
        regorus::Value::Undefined | regorus::Value::Null => Ok(Vec::new()),
        regorus::Value::Object(members) => members.keys().map(serde_json::to_value).collect(),
        other => match serde_json::to_value(other)? {
            Value::Array(items) => Ok(items),
            single => Ok(vec![single]),
        },
    }
}

fn to_violation(
    entry: Value,
    template: &Template,
    constraint: &Constraint,
    actions: &[EnforcementAction],
) -> Violation {
    let msg = match entry.get("msg") {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    Violation {
        constraint: constraint.name().to_owned(),
        template_kind: template.kind().to_owned(),
        enforcement_action: actions.first().copied().unwrap_or(constraint.enforcement_action()),
        enforcement_actions: actions.to_vec(),
        msg,
        details: entry.get("details").filter(|d| !d.is_null()).cloned(),
    }
}
