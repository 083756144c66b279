//! GitLab: `X-Gitlab-Token` carries the secret itself; `Push Hook` and `Tag Push Hook` name the
//! project by its HTTP, SSH and web URLs.

use super::{Hook, WebhookError, json, same_bytes};

const PROVIDER: &str = "GitLab";

pub(crate) fn authenticate(token: Option<&str>, secret: &[u8]) -> Result<(), WebhookError> {
    let token = token.ok_or(WebhookError::Unauthenticated { provider: PROVIDER, header: "X-Gitlab-Token" })?;
    if same_bytes(token.as_bytes(), secret) {
        Ok(())
    } else {
        Err(WebhookError::BadCredentials { provider: PROVIDER, what: "X-Gitlab-Token" })
    }
}

pub(crate) fn parse(event: &str, body: &[u8]) -> Result<Hook, WebhookError> {
    if event != "Push Hook" && event != "Tag Push Hook" {
        return Ok(Hook::Ignored { provider: PROVIDER, event: event.to_owned() });
    }
    let v = json(PROVIDER, body)?;
    let project = v.get("project").or_else(|| v.get("repository"));
    let repo_urls: Vec<String> = ["git_http_url", "git_ssh_url", "web_url", "url", "homepage"]
        .iter()
        .filter_map(|k| project.and_then(|p| p.get(*k)).and_then(|u| u.as_str()))
        .map(String::from)
        .collect();
    if repo_urls.is_empty() {
        return Err(WebhookError::Malformed { provider: PROVIDER, reason: "`project` names no URL".into() });
    }
    let reference = v.get("ref").and_then(|r| r.as_str()).unwrap_or_default().to_owned();
    Ok(Hook::GitPush { provider: PROVIDER, repo_urls, reference })
}
