//! GitHub (and Gitea/Forgejo, which send the same headers): `X-Hub-Signature-256:
//! sha256=<hex HMAC-SHA256 of the body>`; `push` events name the repository by its clone, SSH
//! and web URLs.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Hook, WebhookError, json};

const PROVIDER: &str = "GitHub";

pub(crate) fn authenticate(signature: Option<&str>, body: &[u8], secret: &[u8]) -> Result<(), WebhookError> {
    let signature =
        signature.ok_or(WebhookError::Unauthenticated { provider: PROVIDER, header: "X-Hub-Signature-256" })?;
    let bad = WebhookError::BadCredentials { provider: PROVIDER, what: "X-Hub-Signature-256 signature" };
    let hex = signature.trim().strip_prefix("sha256=").ok_or(bad.clone())?;
    let expected = decode_hex(hex).ok_or(bad.clone())?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| bad.clone())?;
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| bad)
}

pub(crate) fn parse(event: &str, body: &[u8]) -> Result<Hook, WebhookError> {
    if event != "push" {
        return Ok(Hook::Ignored { provider: PROVIDER, event: event.to_owned() });
    }
    let v = json(PROVIDER, body)?;
    let repo = v.get("repository").ok_or_else(|| malformed("no `repository`"))?;
    let repo_urls: Vec<String> = ["clone_url", "html_url", "ssh_url", "git_url", "url"]
        .iter()
        .filter_map(|k| repo.get(*k).and_then(|u| u.as_str()))
        .map(String::from)
        .collect();
    if repo_urls.is_empty() {
        return Err(malformed("`repository` names no URL"));
    }
    let reference = v.get("ref").and_then(|r| r.as_str()).unwrap_or_default().to_owned();
    Ok(Hook::GitPush { provider: PROVIDER, repo_urls, reference })
}

fn malformed(reason: &str) -> WebhookError {
    WebhookError::Malformed { provider: PROVIDER, reason: reason.to_owned() }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}
