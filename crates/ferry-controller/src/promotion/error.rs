//! Why a promotion, an approval or a rollback was refused or failed.

use ferry_store::StoreError;

use super::steps::StepError;
use crate::error::EngineError;

#[derive(Debug, thiserror::Error)]
pub enum PromotionError {
    #[error("no stage {stage:?} in {where_}; stages: {known}")]
    UnknownStage { stage: String, where_: String, known: String },
    #[error("stage {stage:?} is in several pipelines ({pipelines}); say which with --pipeline")]
    AmbiguousStage { stage: String, pipelines: String },
    #[error("no freight {name:?}; `ferry freight list` shows the freight there is")]
    UnknownFreight { name: String },
    #[error("{name:?} names several freight ({ids}); give more of the id")]
    AmbiguousFreight { name: String, ids: String },
    #[error("{freight} cannot be promoted to {stage}: {reasons}")]
    Blocked { freight: String, stage: String, reasons: String },
    #[error("{stage} already has a promotion in progress (#{id}); wait for it or see `ferry stage get {stage}`")]
    Busy { stage: String, id: i64 },
    #[error("{0}")]
    Refused(String),
    #[error("the gates found {count} blocking problem(s) before the push: {findings}")]
    GatesBlocked { count: usize, findings: String },
    #[error("promotion step {step} ({index}): {source}")]
    Step {
        step: String,
        index: usize,
        #[source]
        source: StepError,
    },
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
