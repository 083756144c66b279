//! Webhooks from Git hosts and registries (DESIGN.md §4, §9): a push to a repository or an
//! image pushed to a registry, so that Ferry refreshes the Warehouses and Applications that
//! follow it at once instead of at their next poll.
//!
//! A request is authenticated before its body is parsed, and there is no unauthenticated mode:
//! GitHub's `X-Hub-Signature-256` (HMAC-SHA256 of the body), GitLab's `X-Gitlab-Token`, and a
//! `Authorization: Bearer` token for registry notifications (Docker distribution's
//! `notifications.endpoints[].headers`), each compared in constant time. Bodies are capped at
//! [`MAX_BODY_BYTES`].

mod error;
mod github;
mod gitlab;
mod registry;
mod repo_key;

pub use error::WebhookError;
pub use repo_key::{image_key, repo_key};

/// The largest body accepted (GitHub caps its payloads at 25 MB; a push payload is far less).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What a webhook says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hook {
    /// Commits or tags pushed to a Git repository: every URL the payload names for it.
    GitPush { provider: &'static str, repo_urls: Vec<String>, reference: String },
    /// Images pushed to a registry: `host/repository` of each.
    ImagePush { repositories: Vec<String> },
    /// An authenticated request about something else (GitHub's `ping`, an issue comment).
    Ignored { provider: &'static str, event: String },
}

/// Authenticates and parses one request. `header` looks a header up by name
/// (case-insensitive); `secret` is the shared secret configured on both sides.
pub fn parse(header: impl Fn(&str) -> Option<String>, body: &[u8], secret: &[u8]) -> Result<Hook, WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::TooLarge { limit: MAX_BODY_BYTES });
    }
    if let Some(event) = header("x-github-event") {
        github::authenticate(header("x-hub-signature-256").as_deref(), body, secret)?;
        return github::parse(&event, body);
    }
    if let Some(event) = header("x-gitlab-event") {
        gitlab::authenticate(header("x-gitlab-token").as_deref(), secret)?;
        return gitlab::parse(&event, body);
    }
    let content_type = header("content-type").unwrap_or_default();
    if content_type.starts_with(registry::MEDIA_TYPE) {
        registry::authenticate(header("authorization").as_deref(), secret)?;
        return registry::parse(body);
    }
    Err(WebhookError::UnknownSender)
}

/// Constant-time equality of two byte strings (the length is not secret).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The body as JSON, or an error naming the provider.
pub(crate) fn json(provider: &'static str, body: &[u8]) -> Result<serde_json::Value, WebhookError> {
    serde_json::from_slice(body).map_err(|e| WebhookError::Malformed { provider, reason: e.to_string() })
}

#[cfg(test)]
mod tests;
