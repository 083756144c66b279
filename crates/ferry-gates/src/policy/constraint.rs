//! Gatekeeper Constraints: an instance of a template's kind with match criteria, parameters and
//! an enforcement action.

use serde_json::Value;

use super::enforcement::{Enforcement, EnforcementPoint};
use super::error::PolicyError;
use super::matching::Match;
use super::yaml::str_at;

/// The API group of constraints.
pub const CONSTRAINT_GROUP: &str = "constraints.gatekeeper.sh";

/// What happens to an object that violates a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnforcementAction {
    /// Reject it (Gatekeeper's default).
    Deny,
    /// Record the violation only.
    Dryrun,
    /// Admit it with a warning.
    Warn,
}

impl EnforcementAction {
    /// The value as written in `spec.enforcementAction`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Dryrun => "dryrun",
            Self::Warn => "warn",
        }
    }

    /// Orders actions strongest first: deny, warn, dryrun.
    pub(crate) fn strength(self) -> u8 {
        match self {
            Self::Deny => 0,
            Self::Warn => 1,
            Self::Dryrun => 2,
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "deny" => Some(Self::Deny),
            "dryrun" => Some(Self::Dryrun),
            "warn" => Some(Self::Warn),
            _ => None,
        }
    }
}

impl std::fmt::Display for EnforcementAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed constraint.
#[derive(Debug, Clone)]
pub struct Constraint {
    name: String,
    kind: String,
    matcher: Match,
    parameters: Option<Value>,
    enforcement: Enforcement,
}

impl Constraint {
    /// Parses a constraint object; `origin` (a file path) names it in errors.
    pub fn parse(object: &Value, origin: &str) -> Result<Self, PolicyError> {
        let api_version = str_at(object, "/apiVersion").unwrap_or_default();
        if api_version.split_once('/').map(|(group, _)| group) != Some(CONSTRAINT_GROUP) {
            let problem = format!("expected {CONSTRAINT_GROUP}/v1beta1, found `{api_version}`");
            return Err(PolicyError::field(origin, "apiVersion", problem));
        }
        let kind = str_at(object, "/kind")
            .filter(|k| !k.is_empty())
            .ok_or_else(|| PolicyError::field(origin, "kind", "the template's kind is required"))?
            .to_owned();
        let name = str_at(object, "/metadata/name")
            .ok_or_else(|| PolicyError::field(origin, "metadata.name", "a constraint needs a name"))?
            .to_owned();
        let origin = format!("{origin} (constraint {name})");
        let matcher = match object.pointer("/spec/match") {
            None | Some(Value::Null) => Match::default(),
            Some(value) => Match::parse(value, &origin)?,
        };
        let parameters = object.pointer("/spec/parameters").filter(|p| !p.is_null()).cloned();
        let enforcement = Enforcement::parse(object.get("spec"), &origin)?;
        Ok(Self { name, kind, matcher, parameters, enforcement })
    }

    /// The constraint's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its kind, the kind a template defines.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Its match criteria.
    pub fn matcher(&self) -> &Match {
        &self.matcher
    }

    /// `spec.parameters`, given to the policy as `input.parameters`.
    pub fn parameters(&self) -> Option<&Value> {
        self.parameters.as_ref()
    }

    /// `spec.enforcementAction` (deny by default); for a scoped constraint, the strongest of its
    /// scoped actions.
    pub fn enforcement_action(&self) -> EnforcementAction {
        self.enforcement.strongest()
    }

    /// How it is enforced: one action everywhere, or actions per enforcement point.
    pub fn enforcement(&self) -> &Enforcement {
        &self.enforcement
    }

    /// The actions in force at `point`, strongest first; empty when the constraint is scoped to
    /// other points and so is not evaluated there.
    pub fn actions_at(&self, point: EnforcementPoint) -> Vec<EnforcementAction> {
        self.enforcement.actions_at(point)
    }
}
