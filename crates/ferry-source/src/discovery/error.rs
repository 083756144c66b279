//! What can go wrong while discovering, naming the repository, registry or URL involved.
//! No variant carries credentials: URLs are redacted and library messages scrubbed.

use std::time::Duration;

use crate::SourceError;

/// Why a subscription could not be discovered.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// Fetching or reading the Git repository failed.
    #[error("discovering commits of {repo}: {source}")]
    Git {
        repo: String,
        #[source]
        source: SourceError,
    },

    /// The subscription's branch does not exist in the repository.
    #[error("branch {branch:?} not found in {repo}")]
    UnknownBranch { repo: String, branch: String },

    /// Running `git` over the cached repository failed.
    #[error("reading the history of {repo}: {reason}")]
    GitHistory { repo: String, reason: String },

    /// A pattern or constraint of the subscription cannot be used.
    #[error("invalid {what} {pattern:?}: {reason}")]
    InvalidPattern { what: &'static str, pattern: String, reason: String },

    /// The image or chart repository is not a valid reference.
    #[error("invalid repository {repo:?}: {reason}")]
    InvalidRepository { repo: String, reason: String },

    /// The registry could not be reached (connection refused, DNS, TLS).
    #[error("registry {registry} is unreachable: {reason}")]
    RegistryUnreachable { registry: String, reason: String },

    /// The registry answered with an error (not found, denied, a server error).
    #[error("registry {registry} refused {operation} of {repository}: {reason}")]
    Registry { registry: String, repository: String, operation: &'static str, reason: String },

    /// The registry answered something that is not what the OCI Distribution API specifies.
    #[error("registry {registry} answered {operation} of {repository} with something unreadable: {reason}")]
    RegistryGarbage { registry: String, repository: String, operation: &'static str, reason: String },

    /// One call did not finish in time.
    #[error("{operation} at {endpoint} did not finish within {}s", after.as_secs_f32())]
    Timeout { endpoint: String, operation: &'static str, after: Duration },

    /// A multi-platform image has no manifest for the subscription's platform.
    #[error("image {repo}:{tag} has no manifest for platform {platform}")]
    NoPlatform { repo: String, tag: String, platform: String },

    /// The Docker config file with registry credentials cannot be read.
    #[error("docker config {path}: {reason}")]
    DockerConfig { path: String, reason: String },

    /// A Docker credential helper is missing, failed, timed out or answered garbage. The
    /// reason never quotes the helper's stdout, which may hold the secret.
    #[error("docker credential helper {helper} for {host}: {reason}")]
    CredentialHelper { helper: String, host: String, reason: String, retryable: bool },

    /// An HTTP request for a chart repository index failed.
    #[error("chart repository {url}: {reason}")]
    ChartRepository { url: String, reason: String },

    /// The chart repository's `index.yaml` is malformed.
    #[error("chart repository index {url} is malformed: {reason}")]
    ChartIndex { url: String, reason: String },

    /// The chart repository's `index.yaml` is bigger than the cap.
    #[error("chart repository index {url} is larger than {limit} bytes")]
    ChartIndexTooLarge { url: String, limit: u64 },

    /// A report attached to an image is larger than the cap (or than its descriptor says).
    #[error("registry {registry}: the report {digest} attached to {repository} is larger than {limit} bytes")]
    ReportTooLarge { registry: String, repository: String, digest: String, limit: u64 },

    /// A report attached to an image does not match its digest.
    #[error(
        "registry {registry}: a report attached to {repository} does not match its digest {expected} (read {actual})"
    )]
    ReportDigestMismatch { registry: String, repository: String, expected: String, actual: String },

    /// A referrer of an image is not an artifact manifest Ferry can read as a report of it.
    #[error("registry {registry}: referrer {manifest} of {repository} cannot be read as a report: {reason}")]
    Referrer { registry: String, repository: String, manifest: String, reason: String },

    /// A blocking task was cancelled or panicked.
    #[error("discovery of {repo} stopped unexpectedly: {reason}")]
    Interrupted { repo: String, reason: String },
}

impl DiscoveryError {
    /// Whether trying again later may succeed without anyone changing anything: network
    /// trouble, timeouts, registry errors and garbage (a registry mid-upgrade), a credential
    /// helper that failed are; a wrong branch, pattern or repository name, a missing credential
    /// helper are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Git { source, .. } => source.is_retryable(),
            Self::CredentialHelper { retryable, .. } => *retryable,
            Self::RegistryUnreachable { .. }
            | Self::Registry { .. }
            | Self::RegistryGarbage { .. }
            | Self::Timeout { .. }
            | Self::ChartRepository { .. }
            | Self::ChartIndex { .. }
            | Self::Interrupted { .. } => true,
            Self::UnknownBranch { .. }
            | Self::GitHistory { .. }
            | Self::InvalidPattern { .. }
            | Self::InvalidRepository { .. }
            | Self::NoPlatform { .. }
            | Self::DockerConfig { .. }
            | Self::ChartIndexTooLarge { .. }
            | Self::ReportTooLarge { .. }
            | Self::ReportDigestMismatch { .. }
            | Self::Referrer { .. } => false,
        }
    }
}
