//! Gatekeeper policies: ConstraintTemplates (Rego v0 and v1, run with regorus), Constraints and
//! their match criteria, reviews shaped like Gatekeeper's AdmissionRequest, `data.inventory`,
//! a time limit per evaluation, and `gator verify` test suites.
//!
//! ```no_run
//! use ferry_gates::policy::{Inventory, Operation, PolicySet, ReviewRequest};
//! # fn main() -> Result<(), ferry_gates::policy::PolicyError> {
//! let set = PolicySet::load_dir(std::path::Path::new("policies"))?;
//! let object = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
//! let review = ReviewRequest::from_object(object, Operation::Create);
//! for violation in set.evaluate(&review, &Inventory::default())? {
//!     println!("{violation}");
//! }
//! # Ok(())
//! # }
//! ```

mod builtins;
mod constraint;
mod enforcement;
mod error;
mod evaluate;
mod evaluation;
mod inventory;
mod matching;
mod policy_set;
mod rego_fix;
mod review;
mod selector;
pub mod suite;
mod template;
mod violation;
mod yaml;

pub use constraint::{CONSTRAINT_GROUP, Constraint, EnforcementAction};
pub use enforcement::{Enforcement, EnforcementPoint, ScopedEnforcementAction};
pub use error::PolicyError;
pub use evaluate::DEFAULT_TIME_LIMIT;
pub use evaluation::{Evaluation, FailedConstraint};
pub use inventory::Inventory;
pub use matching::{KindMatch, Match, Scope};
pub use policy_set::{PolicySet, is_constraint, is_template};
pub use review::{GroupVersionKind, Operation, ReviewRequest};
pub use selector::LabelSelector;
pub use template::{ADMISSION_TARGET, RegoVersion, TEMPLATE_GROUP, Template};
pub use violation::Violation;
