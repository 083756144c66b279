//! Gatekeeper policies: ConstraintTemplates (Rego v0 and v1, run with regorus), Constraints and
//! their match criteria, reviews shaped like Gatekeeper's AdmissionRequest, `data.inventory`,
//! a time limit per evaluation, and `gator verify` test suites.
//!
//! Enforcement points: [`PolicySet::evaluate_at`] evaluates the constraints enforced at one
//! [`EnforcementPoint`] (the admission webhook is `validation.gatekeeper.sh`; `ferry check`,
//! `ferry policy eval` and suites are `gator.gatekeeper.sh`), honouring `enforcementAction: scoped`
//! with `scopedEnforcementActions`; [`PolicySet::evaluate`] is the gator point. A constraint that
//! fails (a runtime error, its time limit, a namespace selector without its Namespace) is reported
//! in [`Evaluation::errors`] on its own; the others are still evaluated.
//!
//! Gatekeeper library compatibility: Rego v0 and v1, `code[]` with `engine: Rego` next to CEL
//! entries, libs, `future.keywords`, the two regorus parse gaps (a line opening with `(`, a rule
//! with several bodies) rewritten in `rego_fix`, and OPA's deprecated builtins regorus lacks
//! (`re_match`, `any`, `all`, `set_diff`, `cast_array`, `cast_set`) added as extensions. Of the
//! upstream library suites whose files the reference index holds, every case that could be
//! assembled passes (general/containerlimits 2/2, pod-security-policy/host-probes-lifecycle 3/3
//! of 13, the others' samples missing from the index).
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
mod parameters;
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
