//! Errors of the secret scanner: each names the file, line, rule id or field at fault.

use std::path::PathBuf;

/// What went wrong loading a configuration, scanning a target or reading a report.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The TOML text does not parse.
    #[error("{origin}:{line}:{column}: malformed TOML: {message}")]
    Toml { origin: String, line: usize, column: usize, message: String },
    /// A field has the wrong type or value.
    #[error("{origin}: {location}: {message}")]
    Invalid { origin: String, location: String, message: String },
    /// A rule's or allowlist's regex does not compile, even after RE2 translation.
    #[error("{origin}: rule {rule_id}: {field} does not compile: {source}")]
    Regex {
        origin: String,
        rule_id: String,
        field: &'static str,
        #[source]
        source: Box<regex::Error>,
    },
    /// `[extend]` chains deeper than gitleaks allows, or loops.
    #[error("{origin}: [extend] nests deeper than {max} levels")]
    ExtendTooDeep { origin: String, max: usize },
    /// A file or directory could not be read.
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The `git` program could not run or failed.
    #[error("git {args}: {message}")]
    Git { args: String, message: String },
    /// A baseline report is not a gitleaks JSON findings array.
    #[error("{path}: baseline is not a gitleaks JSON report: {source}")]
    Baseline {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

impl SecretsError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SecretsError::Io { path: path.into(), source }
    }

    /// Whether trying again could succeed (a transient I/O failure); configuration errors never do.
    pub fn is_retryable(&self) -> bool {
        matches!(self, SecretsError::Io { source, .. } if matches!(source.kind(),
            std::io::ErrorKind::Interrupted | std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock))
    }
}
