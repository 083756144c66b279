//! The store's records as the sans-IO decisions read them.

use ferry_core::freight::Revision;
use ferry_core::promotion::{FreightView, Outcome, PipelineState, PromotionFact};
use ferry_store::{FreightRecord, PromotionPhase, PromotionRecord, Store, StoreError};

/// The state of a Pipeline from its promotions.
pub async fn pipeline_state(store: &Store, pipeline: &str) -> Result<PipelineState, StoreError> {
    let records = store.pipeline_promotions(pipeline).await?;
    let facts: Vec<PromotionFact> = records.iter().map(fact).collect();
    Ok(PipelineState::from_facts(&facts))
}

fn fact(p: &PromotionRecord) -> PromotionFact {
    let outcome = match p.phase {
        PromotionPhase::Running | PromotionPhase::Verifying => Outcome::InProgress,
        PromotionPhase::Succeeded => Outcome::Verified,
        PromotionPhase::Failed | PromotionPhase::Errored if p.deployed => Outcome::FailedVerification,
        PromotionPhase::Failed | PromotionPhase::Errored => Outcome::FailedBeforeDeploy,
    };
    PromotionFact {
        stage: p.stage.clone(),
        freight: p.freight_id.clone(),
        outcome,
        deployed: p.deployed,
        finished_at: p.finished_at,
    }
}

/// A stored Freight as the decisions see it.
pub fn view(f: &FreightRecord) -> FreightView {
    FreightView {
        id: f.id.clone(),
        alias: f.alias.clone(),
        warehouse: f.warehouse.clone(),
        created_at: f.created_at,
        authors: f.authors.clone(),
    }
}

/// A stored Freight's Revisions.
pub fn revisions(f: &FreightRecord) -> Result<Vec<Revision>, StoreError> {
    serde_json::from_value(f.revisions.clone())
        .map_err(|_| StoreError::Corrupt { column: "freight.revisions", value: f.revisions.to_string() })
}
