//! `Promoter`: the promotion engine's entry points — promote, approve, reject, roll back,
//! resume — on top of the engine (configuration, Git, clusters, store). Every decision is
//! made by the sans-IO rules of `ferry_core::promotion` and recorded with an audit entry.

use std::sync::Arc;

use ferry_api::{Pipeline, Stage};
use ferry_store::FreightRecord;

use super::PromotionError;
use crate::engine::Engine;

/// Where progress lines go (the CLI prints them).
pub type ProgressSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The promotion engine.
#[derive(Clone)]
pub struct Promoter {
    pub engine: Arc<Engine>,
    pub progress: Option<ProgressSink>,
    /// Finds new Revisions for the Warehouses.
    pub discovery: ferry_source::Discovery,
}

impl std::fmt::Debug for Promoter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Promoter").finish_non_exhaustive()
    }
}

/// A Stage and the Pipeline it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct StageRef<'a> {
    pub pipeline: &'a Pipeline,
    pub stage: &'a Stage,
}

impl StageRef<'_> {
    /// `pipeline/stage`, the subject of audit entries.
    pub fn subject(&self) -> String {
        format!("{}/{}", self.pipeline.metadata.name, self.stage.name)
    }
}

/// Unix seconds now.
pub fn now() -> i64 {
    crate::app::now()
}

impl Promoter {
    pub fn new(engine: Arc<Engine>) -> Promoter {
        let warehouses: Vec<&ferry_api::Warehouse> = engine.config.warehouses.iter().map(|l| &l.value).collect();
        let discovery = super::warehouse::discovery_for(&warehouses, &engine.options.state_dir);
        Promoter { engine, progress: None, discovery }
    }

    /// The same engine, reporting progress lines to `sink`.
    pub fn with_progress(mut self, sink: ProgressSink) -> Promoter {
        self.progress = Some(sink);
        self
    }

    /// The Stage `name`, in `pipeline` when given (else the one Pipeline that has it).
    pub fn stage(&self, pipeline: Option<&str>, name: &str) -> Result<StageRef<'_>, PromotionError> {
        let pipelines: Vec<&Pipeline> = self
            .engine
            .config
            .pipelines
            .iter()
            .map(|l| &l.value)
            .filter(|p| pipeline.is_none_or(|want| p.metadata.name == want))
            .collect();
        if let Some(want) = pipeline
            && pipelines.is_empty()
        {
            return Err(PromotionError::Refused(format!("no pipeline {want:?} in the control folder")));
        }
        let found: Vec<StageRef<'_>> =
            pipelines.iter().filter_map(|p| p.stage(name).map(|stage| StageRef { pipeline: p, stage })).collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(PromotionError::UnknownStage {
                stage: name.to_owned(),
                where_: pipeline.map_or("any pipeline".to_owned(), |p| format!("pipeline {p:?}")),
                known: pipelines
                    .iter()
                    .flat_map(|p| p.spec.stages.iter().map(|s| s.name.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
            many => Err(PromotionError::AmbiguousStage {
                stage: name.to_owned(),
                pipelines: many.iter().map(|s| s.pipeline.metadata.name.clone()).collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// The Freight named by alias or id (prefix).
    pub async fn freight(&self, name: &str) -> Result<FreightRecord, PromotionError> {
        let mut found = self.engine.store.find_freight(name).await?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(PromotionError::UnknownFreight { name: name.to_owned() }),
            _ => Err(PromotionError::AmbiguousFreight {
                name: name.to_owned(),
                ids: found.iter().map(|f| f.id[..12].to_owned()).collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// Every Stage of every Pipeline, Pipelines in file order, Stages upstream first.
    pub fn stages(&self) -> Vec<StageRef<'_>> {
        self.engine
            .config
            .pipelines
            .iter()
            .flat_map(|l| l.value.spec.stages.iter().map(move |stage| StageRef { pipeline: &l.value, stage }))
            .collect()
    }
}
