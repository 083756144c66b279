//! What the promotion decisions read: each Stage's record (the Freight it runs, where each
//! Freight was verified and when, where verification failed), built from the promotions
//! recorded so far, oldest first.

use std::collections::{BTreeMap, BTreeSet};

/// How a recorded promotion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Steps, sync or verification still running.
    InProgress,
    /// Deployed and verified.
    Verified,
    /// Its steps failed before the Stage ran it: the Stage keeps its previous Freight.
    FailedBeforeDeploy,
    /// Deployed, then verification failed.
    FailedVerification,
}

/// One recorded promotion, as the decisions need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromotionFact {
    pub stage: String,
    pub freight: String,
    pub outcome: Outcome,
    /// Whether the Stage ran this Freight (its commit was pushed and synced).
    pub deployed: bool,
    /// When it ended (verified or failed), unix seconds.
    pub finished_at: Option<i64>,
}

/// What happened in one Stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageRecord {
    /// The Freight the Stage runs (the last one deployed).
    pub current: Option<String>,
    /// Freight verified in the Stage → when it was (last) verified.
    pub verified: BTreeMap<String, i64>,
    /// Freight whose promotion here failed (never promoted here again by itself).
    pub failed: BTreeSet<String>,
    /// A promotion is in progress.
    pub busy: bool,
    /// Verified Freight in the order they were verified (oldest first), for rollback.
    pub verified_order: Vec<String>,
}

/// Every Stage's record in a Pipeline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineState {
    pub stages: BTreeMap<String, StageRecord>,
}

impl PipelineState {
    /// The state after `facts`, oldest first.
    pub fn from_facts(facts: &[PromotionFact]) -> PipelineState {
        let mut state = PipelineState::default();
        for fact in facts {
            let stage = state.stages.entry(fact.stage.clone()).or_default();
            if fact.deployed {
                stage.current = Some(fact.freight.clone());
            }
            match fact.outcome {
                Outcome::InProgress => stage.busy = true,
                Outcome::Verified => {
                    stage.verified.insert(fact.freight.clone(), fact.finished_at.unwrap_or_default());
                    stage.verified_order.retain(|f| f != &fact.freight);
                    stage.verified_order.push(fact.freight.clone());
                    stage.failed.remove(&fact.freight);
                }
                Outcome::FailedBeforeDeploy => {
                    stage.failed.insert(fact.freight.clone());
                }
                Outcome::FailedVerification => {
                    stage.failed.insert(fact.freight.clone());
                    stage.verified_order.retain(|f| f != &fact.freight);
                }
            }
        }
        state
    }

    /// The record of `stage` (empty when nothing was promoted there).
    pub fn stage(&self, stage: &str) -> StageRecord {
        self.stages.get(stage).cloned().unwrap_or_default()
    }

    /// When `freight` was verified in `stage`.
    pub fn verified_at(&self, stage: &str, freight: &str) -> Option<i64> {
        self.stages.get(stage)?.verified.get(freight).copied()
    }

    /// The Freight to roll `stage` back to: the most recently verified one other than
    /// `failed` (the Freight that just failed there).
    pub fn rollback_target(&self, stage: &str, failed: &str) -> Option<String> {
        let record = self.stages.get(stage)?;
        record.verified_order.iter().rev().find(|f| f.as_str() != failed).cloned()
    }
}
