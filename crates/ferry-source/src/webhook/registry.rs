//! Registry notifications in Docker distribution's format (also sent by Harbor and others):
//! an envelope of `events`, each with `action`, `target.repository` and `request.host`. The
//! sender authenticates with `Authorization: Bearer <secret>`, which distribution sends from
//! its `notifications.endpoints[].headers`.

use super::{Hook, WebhookError, json, same_bytes};

const PROVIDER: &str = "registry";
pub(crate) const MEDIA_TYPE: &str = "application/vnd.docker.distribution.events.v1+json";

pub(crate) fn authenticate(authorization: Option<&str>, secret: &[u8]) -> Result<(), WebhookError> {
    let header = authorization.ok_or(WebhookError::Unauthenticated { provider: PROVIDER, header: "Authorization" })?;
    let token = header.strip_prefix("Bearer ").unwrap_or_default();
    if same_bytes(token.trim().as_bytes(), secret) {
        Ok(())
    } else {
        Err(WebhookError::BadCredentials { provider: PROVIDER, what: "Authorization bearer token" })
    }
}

pub(crate) fn parse(body: &[u8]) -> Result<Hook, WebhookError> {
    let v = json(PROVIDER, body)?;
    let events = v
        .get("events")
        .and_then(|e| e.as_array())
        .ok_or_else(|| WebhookError::Malformed { provider: PROVIDER, reason: "no `events` list".into() })?;
    let mut repositories: Vec<String> = Vec::new();
    for e in events.iter().filter(|e| e.get("action").and_then(|a| a.as_str()) == Some("push")) {
        let repo = e.pointer("/target/repository").and_then(|r| r.as_str());
        let host = e.pointer("/request/host").and_then(|h| h.as_str());
        if let (Some(repo), Some(host)) = (repo, host) {
            let name = format!("{host}/{repo}");
            if !repositories.contains(&name) {
                repositories.push(name);
            }
        }
    }
    if repositories.is_empty() {
        return Ok(Hook::Ignored { provider: PROVIDER, event: "no push".into() });
    }
    Ok(Hook::ImagePush { repositories })
}
