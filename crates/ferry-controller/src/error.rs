//! Sync-engine failures, each saying which Application and what to do.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("{0}")]
    Config(Box<ferry_api::ConfigErrors>),
    #[error("no Application named {name:?} in {config} (known: {known})")]
    UnknownApplication { name: String, config: String, known: String },
    #[error("application {app}: {source}")]
    Source {
        app: String,
        #[source]
        source: Box<ferry_source::SourceError>,
    },
    #[error("application {app}: {source}")]
    Render {
        app: String,
        #[source]
        source: Box<ferry_render::RenderError>,
    },
    #[error("application {app}: {source}")]
    Cluster {
        app: String,
        #[source]
        source: Box<ferry_cluster::ClusterError>,
    },
    #[error("application {app}: {source}")]
    Plan {
        app: String,
        #[source]
        source: Box<ferry_core::plan::PlanError>,
    },
    #[error("application {app}: {source}")]
    Diff {
        app: String,
        #[source]
        source: Box<ferry_core::diff::DiffError>,
    },
    #[error("application {app}: {object}: {message}")]
    Object { app: String, object: String, message: String },
    #[error("state store: {0}")]
    Store(#[from] ferry_store::StoreError),
    #[error("application {app}: {message}")]
    Refused { app: String, message: String },
    #[error("internal task failed: {0}")]
    Join(String),
}

impl From<ferry_api::ConfigErrors> for EngineError {
    fn from(e: ferry_api::ConfigErrors) -> Self {
        EngineError::Config(Box::new(e))
    }
}

impl EngineError {
    /// Whether a later attempt may succeed (network, busy servers), as opposed to bad input.
    pub fn is_retryable(&self) -> bool {
        match self {
            EngineError::Source { source, .. } => source.is_retryable(),
            EngineError::Cluster { source, .. } => source.is_retryable(),
            _ => false,
        }
    }
}
