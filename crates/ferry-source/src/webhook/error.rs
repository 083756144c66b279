//! Why a webhook was refused. Messages say what was wrong with the request, never the secret
//! or the signature received.

use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum WebhookError {
    #[error("webhooks are refused: no webhook secret is configured")]
    NoSecret,
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error(
        "not a webhook Ferry knows: expected GitHub (X-GitHub-Event), GitLab (X-Gitlab-Event) or registry notifications (Content-Type application/vnd.docker.distribution.events.v1+json)"
    )]
    UnknownSender,
    #[error("{provider} webhook: missing {header}")]
    Unauthenticated { provider: &'static str, header: &'static str },
    #[error("{provider} webhook: the {what} does not match the configured secret")]
    BadCredentials { provider: &'static str, what: &'static str },
    #[error("{provider} webhook: the body is not valid: {reason}")]
    Malformed { provider: &'static str, reason: String },
}

impl WebhookError {
    /// Whether the sender failed to prove who it is (HTTP 401), rather than sent a bad body.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(
            self,
            WebhookError::Unauthenticated { .. } | WebhookError::BadCredentials { .. } | WebhookError::NoSecret
        )
    }
}
