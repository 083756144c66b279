//! A violation: what a constraint's policy reported about the reviewed object.

use serde_json::Value;

use super::constraint::EnforcementAction;

/// One entry of a policy's `violation` set, with the constraint that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The constraint's name.
    pub constraint: String,
    /// The constraint's kind (its template's kind).
    pub template_kind: String,
    /// What the constraint asks to do about it: the strongest of `enforcement_actions`.
    pub enforcement_action: EnforcementAction,
    /// Every action in force at the enforcement point, strongest first: one for an unscoped
    /// constraint, possibly several (deny and warn) for a scoped one.
    pub enforcement_actions: Vec<EnforcementAction>,
    /// The policy's `msg`.
    pub msg: String,
    /// The policy's `details`, when it gave some.
    pub details: Option<Value>,
}

impl Violation {
    /// Whether `action` is among the actions in force for this violation.
    pub fn has_action(&self, action: EnforcementAction) -> bool {
        self.enforcement_action == action || self.enforcement_actions.contains(&action)
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {} ({}): {}", self.enforcement_action, self.constraint, self.template_kind, self.msg)
    }
}
