//! Helm rendering errors: each names the chart (and the file, for values files) and keeps what
//! `helm` printed on stderr, trimmed.

use thiserror::Error;

/// Why a Helm chart could not be rendered.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum HelmError {
    /// No `helm` program to run.
    #[error("the `helm` program is required to render Helm charts; install Helm 3 or set FERRY_HELM ({detail})")]
    ProgramMissing { detail: String },
    /// A path that would leave the repository (`..`, absolute, a URL, a symlink out).
    #[error("chart {chart}: {field} {path:?} is not allowed: {reason}")]
    UnsafePath { chart: String, field: String, path: String, reason: String },
    /// A values file (or `fileParameters` file) that is not in the repository.
    #[error("chart {chart}: {field} {path:?} does not exist in the repository")]
    MissingFile { chart: String, field: String, path: String },
    /// The chart directory holds no files.
    #[error("chart {chart}: the directory does not exist in the repository")]
    ChartNotFound { chart: String },
    /// A values file or `values` string that is not YAML, or not a map.
    #[error("chart {chart}: {file}: invalid Helm values: {message}")]
    InvalidValues { chart: String, file: String, message: String },
    /// An option that `helm template` cannot take as given.
    #[error("chart {chart}: {field}: {message}")]
    InvalidOption { chart: String, field: String, message: String },
    /// `helm` ran and failed.
    #[error("chart {chart}: `helm {command}` failed: {stderr}")]
    Failed { chart: String, command: String, stderr: String },
    /// `helm` ran longer than allowed and was stopped.
    #[error("chart {chart}: `helm {command}` did not finish within {seconds} s and was stopped")]
    Timeout { chart: String, command: String, seconds: u64 },
    /// `helm` printed more than allowed.
    #[error("chart {chart}: `helm {command}` printed more than {limit} bytes and was stopped")]
    OutputTooLarge { chart: String, command: String, limit: usize },
    /// What `helm template` printed is not Kubernetes YAML.
    #[error("chart {chart}: {file}:{line}: {message}")]
    BadOutput { chart: String, file: String, line: usize, message: String },
    /// The temporary work directory could not be prepared.
    #[error("chart {chart}: {message}")]
    Io { chart: String, message: String },
}

impl HelmError {
    /// Whether running again might succeed (a timeout, a flaky chart repository).
    pub fn is_retryable(&self) -> bool {
        matches!(self, HelmError::Timeout { .. } | HelmError::Io { .. })
    }
}
