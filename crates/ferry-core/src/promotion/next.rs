//! What a Stage does next: the blockers standing between a Freight and a Stage (eligibility
//! and soak, approvals, windows), and for a Stage that promotes by itself, which Freight to
//! promote now — the newest it accepts, never one that already failed there.

use ferry_api::Stage;

use super::approval::ApprovalVerdict;
use super::eligibility::{FreightView, eligible};
use super::state::PipelineState;

/// What the engine should do for a Stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Promote this Freight now.
    Promote { freight: String, reason: String },
    /// A Freight is waiting (for approvals, a window, the soak, or a person).
    Wait { freight: String, reason: String },
    /// Nothing to do.
    Idle { reason: String },
}

/// Everything that stops `freight` going into `stage` at `now`; empty when it may go.
/// `window` is the windows' verdict (`Err(reason)` when closed).
pub fn blockers(
    stage: &Stage,
    freight: &FreightView,
    state: &PipelineState,
    now: i64,
    approvals: &ApprovalVerdict,
    window: &Result<(), String>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Err(why) = eligible(stage, freight, state, now) {
        out.push(why.to_string());
    }
    if !approvals.passes() {
        out.push(approvals.to_string());
    }
    if let Err(why) = window {
        out.push(why.clone());
    }
    out
}

/// For a Stage promoting by itself: the next promotion, given the Freight known (newest
/// first), the state, and the approval verdict of any Freight and the windows at `now`.
pub fn next_auto(
    stage: &Stage,
    freights: &[FreightView],
    state: &PipelineState,
    now: i64,
    approvals: &dyn Fn(&FreightView) -> ApprovalVerdict,
    window: &Result<(), String>,
) -> Next {
    let record = state.stage(&stage.name);
    if record.busy {
        return Next::Idle { reason: "a promotion is in progress".to_owned() };
    }
    if !stage.auto_promote {
        return Next::Idle { reason: "the stage promotes only when asked (`autoPromote: false`)".to_owned() };
    }
    let Some(candidate) = freights.iter().find(|f| eligible(stage, f, state, now).is_ok()) else {
        return match freights.iter().find_map(|f| soaking(stage, f, state, now)) {
            Some((f, reason)) => Next::Wait { freight: f.id.clone(), reason },
            None => Next::Idle { reason: "no Freight is eligible".to_owned() },
        };
    };
    if record.failed.contains(&candidate.id) {
        let reason = format!("{} failed here; promote it by hand or wait for newer Freight", candidate.alias);
        return Next::Wait { freight: candidate.id.clone(), reason };
    }
    if record.current.as_deref() == Some(candidate.id.as_str()) {
        return Next::Idle { reason: format!("{} is the newest eligible Freight and runs here", candidate.alias) };
    }
    let blocked = blockers(stage, candidate, state, now, &approvals(candidate), window);
    if !blocked.is_empty() {
        return Next::Wait { freight: candidate.id.clone(), reason: blocked.join("; ") };
    }
    Next::Promote { freight: candidate.id.clone(), reason: format!("newest Freight accepted by {}", stage.name) }
}

/// The Freight soaking (newest first), to show what a Stage waits for.
fn soaking<'a>(
    stage: &Stage,
    f: &'a FreightView,
    state: &PipelineState,
    now: i64,
) -> Option<(&'a FreightView, String)> {
    match eligible(stage, f, state, now) {
        Err(why @ super::eligibility::NotEligible::Soaking { .. }) => Some((f, why.to_string())),
        _ => None,
    }
}
