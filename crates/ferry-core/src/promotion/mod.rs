//! The promotion state machine (sans-IO): from the promotions recorded so far ([`state`]),
//! whether a Stage accepts a Freight ([`eligibility`]), whether its approval gate lets it
//! through ([`approval`]), whether its windows allow a promotion now ([`window`]), and what
//! each Stage does next ([`next`]). Time is a parameter.

pub mod approval;
pub mod eligibility;
pub mod next;
pub mod state;
pub mod window;

pub use approval::{ApprovalVerdict, Decision, may_decide, tally};
pub use eligibility::{FreightView, NotEligible, eligible};
pub use next::{Next, blockers, next_auto};
pub use state::{Outcome, PipelineState, PromotionFact, StageRecord};
pub use window::{WindowVerdict, evaluate as evaluate_windows};

#[cfg(test)]
mod tests;
