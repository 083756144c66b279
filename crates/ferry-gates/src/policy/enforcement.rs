//! How a constraint is enforced: one `spec.enforcementAction` everywhere, or, with
//! `enforcementAction: scoped` (Gatekeeper 3.17+), `spec.scopedEnforcementActions` giving actions per
//! enforcement point. A scoped constraint is enforced at a point only when an entry names that
//! point (or `*`); it may carry several actions there (deny and warn both apply).

use serde_json::Value;

use super::constraint::EnforcementAction;
use super::error::PolicyError;

/// Where a constraint is enforced, named as Gatekeeper names enforcement points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnforcementPoint {
    /// The validating admission webhook (`ferry admission serve`): `validation.gatekeeper.sh`.
    Validation,
    /// Audits of objects already in a cluster: `audit.gatekeeper.sh`.
    Audit,
    /// Shift-left checks (`ferry check`, `ferry policy eval|verify`): `gator.gatekeeper.sh`.
    Gator,
}

impl EnforcementPoint {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "validation.gatekeeper.sh",
            Self::Audit => "audit.gatekeeper.sh",
            Self::Gator => "gator.gatekeeper.sh",
        }
    }
}

impl std::fmt::Display for EnforcementPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `spec.scopedEnforcementActions[]` entry: an action and the points it applies at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedEnforcementAction {
    /// The action.
    pub action: EnforcementAction,
    /// The enforcement point names (`*` for every point); names Ferry does not know (such as
    /// `vap.k8s.io`) are kept and never match.
    pub points: Vec<String>,
}

impl ScopedEnforcementAction {
    fn applies_at(&self, point: EnforcementPoint) -> bool {
        self.points.iter().any(|name| name == "*" || name == point.as_str())
    }
}

/// A constraint's enforcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enforcement {
    /// The same action at every point.
    Uniform(EnforcementAction),
    /// `enforcementAction: scoped`: actions per point.
    Scoped(Vec<ScopedEnforcementAction>),
}

impl Default for Enforcement {
    fn default() -> Self {
        Self::Uniform(EnforcementAction::Deny)
    }
}

impl Enforcement {
    /// Reads `spec.enforcementAction` and `spec.scopedEnforcementActions` of a constraint;
    /// `origin` names the constraint in errors.
    pub fn parse(spec: Option<&Value>, origin: &str) -> Result<Self, PolicyError> {
        let field = "spec.enforcementAction";
        match spec.and_then(|s| s.get("enforcementAction")) {
            None | Some(Value::Null) => Ok(Self::default()),
            Some(Value::String(text)) if text == "scoped" => {
                parse_scoped(spec.and_then(|s| s.get("scopedEnforcementActions")), origin).map(Self::Scoped)
            }
            Some(Value::String(text)) => EnforcementAction::parse(text).map(Self::Uniform).ok_or_else(|| {
                PolicyError::field(origin, field, format!("expected deny, dryrun, warn or scoped, found `{text}`"))
            }),
            Some(_) => Err(PolicyError::field(origin, field, "expected a string")),
        }
    }

    /// The actions in force at `point`, strongest first (deny, warn, dryrun), without repeats;
    /// none when a scoped constraint does not name the point.
    pub fn actions_at(&self, point: EnforcementPoint) -> Vec<EnforcementAction> {
        match self {
            Self::Uniform(action) => vec![*action],
            Self::Scoped(entries) => {
                let mut actions: Vec<_> = entries.iter().filter(|e| e.applies_at(point)).map(|e| e.action).collect();
                actions.sort_by_key(|a| a.strength());
                actions.dedup();
                actions
            }
        }
    }

    /// The strongest action at any point (deny for a scoped constraint without entries, which
    /// parsing rejects).
    pub fn strongest(&self) -> EnforcementAction {
        match self {
            Self::Uniform(action) => *action,
            Self::Scoped(entries) => {
                entries.iter().map(|e| e.action).min_by_key(|a| a.strength()).unwrap_or(EnforcementAction::Deny)
            }
        }
    }
}

fn parse_scoped(value: Option<&Value>, origin: &str) -> Result<Vec<ScopedEnforcementAction>, PolicyError> {
    let field = "spec.scopedEnforcementActions";
    let entries = match value {
        Some(Value::Array(entries)) if !entries.is_empty() => entries,
        _ => {
            let problem = "enforcementAction: scoped needs a non-empty list of {action, enforcementPoints}";
            return Err(PolicyError::field(origin, field, problem));
        }
    };
    entries.iter().enumerate().map(|(i, entry)| parse_entry(entry, origin, &format!("{field}[{i}]"))).collect()
}

fn parse_entry(entry: &Value, origin: &str, field: &str) -> Result<ScopedEnforcementAction, PolicyError> {
    let action_field = format!("{field}.action");
    let action = match entry.get("action") {
        Some(Value::String(text)) => EnforcementAction::parse(text).ok_or_else(|| {
            PolicyError::field(origin, &action_field, format!("expected deny, dryrun or warn, found `{text}`"))
        })?,
        _ => return Err(PolicyError::field(origin, &action_field, "expected deny, dryrun or warn")),
    };
    let points_field = format!("{field}.enforcementPoints");
    let points = match entry.get("enforcementPoints") {
        Some(Value::Array(points)) if !points.is_empty() => points,
        _ => return Err(PolicyError::field(origin, &points_field, "expected a non-empty list of {name}")),
    };
    let points = points
        .iter()
        .enumerate()
        .map(|(i, point)| match point.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
            Some(name) => Ok(name.to_owned()),
            None => Err(PolicyError::field(origin, &format!("{points_field}[{i}].name"), "a point name is required")),
        })
        .collect::<Result<_, _>>()?;
    Ok(ScopedEnforcementAction { action, points })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Enforcement, EnforcementPoint};
    use crate::policy::EnforcementAction::{Deny, Dryrun, Warn};

    fn scoped(entries: serde_json::Value) -> Enforcement {
        let spec = json!({"enforcementAction": "scoped", "scopedEnforcementActions": entries});
        Enforcement::parse(Some(&spec), "c.yaml").unwrap()
    }

    #[test]
    fn a_scoped_constraint_applies_only_at_the_points_it_names() {
        let enforcement = scoped(json!([
            {"action": "warn", "enforcementPoints": [{"name": "validation.gatekeeper.sh"}]},
            {"action": "deny", "enforcementPoints": [{"name": "gator.gatekeeper.sh"}, {"name": "validation.gatekeeper.sh"}]}
        ]));
        assert_eq!(enforcement.actions_at(EnforcementPoint::Validation), vec![Deny, Warn]);
        assert_eq!(enforcement.actions_at(EnforcementPoint::Gator), vec![Deny]);
        assert_eq!(enforcement.actions_at(EnforcementPoint::Audit), vec![]);
    }

    #[test]
    fn a_star_point_matches_every_point() {
        let enforcement = scoped(json!([{"action": "dryrun", "enforcementPoints": [{"name": "*"}]}]));
        assert_eq!(enforcement.actions_at(EnforcementPoint::Audit), vec![Dryrun]);
        assert_eq!(enforcement.strongest(), Dryrun);
    }

    #[test]
    fn scoped_without_entries_or_with_a_bad_action_names_the_field() {
        let spec = json!({"enforcementAction": "scoped"});
        let error = Enforcement::parse(Some(&spec), "c.yaml").unwrap_err().to_string();
        assert!(error.contains("spec.scopedEnforcementActions"), "{error}");
        let spec = json!({"enforcementAction": "scoped",
            "scopedEnforcementActions": [{"action": "block", "enforcementPoints": [{"name": "*"}]}]});
        let error = Enforcement::parse(Some(&spec), "c.yaml").unwrap_err().to_string();
        assert!(error.contains("spec.scopedEnforcementActions[0].action") && error.contains("block"), "{error}");
    }

    #[test]
    fn an_unscoped_action_applies_everywhere_and_scoped_entries_are_then_ignored() {
        let spec = json!({"enforcementAction": "warn", "scopedEnforcementActions": []});
        let enforcement = Enforcement::parse(Some(&spec), "c.yaml").unwrap();
        assert_eq!(enforcement.actions_at(EnforcementPoint::Audit), vec![Warn]);
    }
}
