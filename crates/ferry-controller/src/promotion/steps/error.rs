//! `StepError`: why a promotion step failed, worded so the person who wrote the Pipeline
//! knows which step, file and field to fix.

use ferry_source::SourceError;

/// A step's failure.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// `uses:` names no step Ferry has.
    #[error("unknown promotion step {name:?}; the steps are {}", super::Step::NAMES.join(", "))]
    UnknownStep { name: String },

    /// The step's `with:` map does not fit the step (an unknown or missing field, a bad value).
    #[error("step {step}: with.{field}: {message}")]
    Config { step: &'static str, field: String, message: String },

    /// A path given to a step is not inside the promotion's work directory.
    #[error("{field}: path {path:?} {message}")]
    Path { field: String, path: String, message: String },

    /// A file the step edits does not hold what the step needs.
    #[error("{file}: {field}: {message}")]
    File { file: String, field: String, message: String },

    /// A template (image tag, commit message) cannot be expanded.
    #[error("{field}: template {template:?}: {message}")]
    Template { field: String, template: String, message: String },

    /// A file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },

    /// Git failed: the remote, the checkout, the push.
    #[error("step {step}: {source}")]
    Git {
        step: &'static str,
        #[source]
        source: Box<SourceError>,
    },
}

impl StepError {
    /// Whether running the step again later may succeed with nothing changed: network
    /// trouble and lost push races are; bad configuration or files are not.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StepError::Git { source, .. } if source.is_retryable())
    }

    pub(crate) fn git(step: &'static str) -> impl FnOnce(SourceError) -> StepError {
        move |source| StepError::Git { step, source: Box::new(source) }
    }
}
