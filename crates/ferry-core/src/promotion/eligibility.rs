//! Whether a Stage accepts a Freight: straight from its Warehouse, or once verified upstream
//! (in one of the upstream Stages or in all of them) for at least the soak time; a `dr` Stage
//! takes what the Stage it follows has verified.

use ferry_api::{Accepts, Require, Stage, StageKind};

use super::state::PipelineState;

/// A Freight as the decisions see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreightView {
    pub id: String,
    pub alias: String,
    pub warehouse: String,
    pub created_at: i64,
    /// Author emails of its Git commits.
    pub authors: Vec<String>,
}

/// Why a Stage does not take a Freight (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotEligible {
    /// From another Warehouse than the Stage's.
    OtherWarehouse { wants: String },
    /// Not verified in the upstream Stage(s) it must come through.
    NotVerifiedUpstream { missing: Vec<String> },
    /// Verified upstream, but the soak time has not passed: it may go at `ready_at`.
    Soaking { ready_at: i64 },
}

impl std::fmt::Display for NotEligible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotEligible::OtherWarehouse { wants } => write!(f, "the stage takes Freight from Warehouse `{wants}`"),
            NotEligible::NotVerifiedUpstream { missing } => {
                write!(f, "not verified in {}", missing.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
            }
            NotEligible::Soaking { ready_at } => write!(f, "soaking upstream until {ready_at} (unix seconds)"),
        }
    }
}

/// Whether `stage` accepts `freight` at `now`.
pub fn eligible(stage: &Stage, freight: &FreightView, state: &PipelineState, now: i64) -> Result<(), NotEligible> {
    let soak = i64::try_from(stage.soak.as_secs()).unwrap_or(i64::MAX);
    match (&stage.kind, &stage.accepts, &stage.follows) {
        (StageKind::Dr, _, Some(followed)) => {
            verified_in(std::slice::from_ref(&followed.name), Require::AllOf, freight, state, now, soak)
        }
        (_, Some(Accepts::Warehouse(w)), _) if w.name == freight.warehouse => Ok(()),
        (_, Some(Accepts::Warehouse(w)), _) => Err(NotEligible::OtherWarehouse { wants: w.name.clone() }),
        (_, Some(Accepts::Upstream { stages, require }), _) => {
            let names: Vec<String> = stages.iter().map(|s| s.name.clone()).collect();
            verified_in(&names, *require, freight, state, now, soak)
        }
        _ => Err(NotEligible::NotVerifiedUpstream { missing: Vec::new() }),
    }
}

/// Verified in one of / all of `stages`, `soak` seconds ago or longer.
fn verified_in(
    stages: &[String],
    require: Require,
    freight: &FreightView,
    state: &PipelineState,
    now: i64,
    soak: i64,
) -> Result<(), NotEligible> {
    let times: Vec<(String, Option<i64>)> =
        stages.iter().map(|s| (s.clone(), state.verified_at(s, &freight.id))).collect();
    let missing: Vec<String> = times.iter().filter(|(_, t)| t.is_none()).map(|(s, _)| s.clone()).collect();
    let verified: Vec<i64> = times.iter().filter_map(|(_, t)| *t).collect();
    let since = match require {
        Require::OneOf if !verified.is_empty() => verified.iter().copied().min(),
        Require::AllOf if missing.is_empty() => verified.iter().copied().max(),
        _ => None,
    };
    let Some(since) = since else { return Err(NotEligible::NotVerifiedUpstream { missing }) };
    let ready_at = since.saturating_add(soak);
    if now < ready_at { Err(NotEligible::Soaking { ready_at }) } else { Ok(()) }
}
