//! What evaluating a policy set on one review gives: the violations of the constraints that ran,
//! and the constraints that could not be evaluated, each with its error, so that one broken or
//! runaway policy does not hide what the others found.

use super::constraint::EnforcementAction;
use super::error::PolicyError;
use super::violation::Violation;

/// A constraint that could not be evaluated on the review (a runtime error, its time limit, a
/// namespace selector whose Namespace is unknown).
#[derive(Debug)]
pub struct FailedConstraint {
    /// The constraint's name.
    pub constraint: String,
    /// The actions in force for it at the enforcement point, strongest first: what failing
    /// closed means for it (a `deny` constraint that fails denies; a `dryrun` one only reports).
    pub enforcement_actions: Vec<EnforcementAction>,
    /// Why it failed.
    pub error: PolicyError,
}

impl FailedConstraint {
    /// Whether the constraint would deny at this point, so its failure must deny when failing
    /// closed.
    pub fn denies(&self) -> bool {
        self.enforcement_actions.contains(&EnforcementAction::Deny)
    }
}

impl std::fmt::Display for FailedConstraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)
    }
}

/// The outcome of one review against a policy set.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// The violations of every matching constraint that was evaluated.
    pub violations: Vec<Violation>,
    /// The matching constraints that could not be evaluated.
    pub errors: Vec<FailedConstraint>,
}

impl Evaluation {
    /// The violations, or the first constraint's error when any failed: the strict reading in
    /// which a verdict with a constraint left out is not one.
    pub fn into_result(self) -> Result<Vec<Violation>, PolicyError> {
        match self.errors.into_iter().next() {
            Some(failed) => Err(failed.error),
            None => Ok(self.violations),
        }
    }

    /// Whether a violation or a failed constraint has `action` in force.
    pub fn has_action(&self, action: EnforcementAction) -> bool {
        self.violations.iter().any(|v| v.has_action(action))
            || self.errors.iter().any(|e| e.enforcement_actions.contains(&action))
    }
}
