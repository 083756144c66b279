//! Registry credentials from a Docker `config.json`, chosen as the Docker CLI chooses them:
//! the helper named by `credHelpers.<host>`, else the `credsStore` helper for every host
//! ([`super::credential_helper`]), else `auths.<host>` with `auth` (base64 of
//! `user:password`) or `username` and `password`. A helper's answer is final: when it has
//! nothing for the host, access is anonymous even if `auths` has an entry (Docker ignores
//! `auths` credentials once a helper is configured). Errors never include the secrets.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use oci_client::secrets::RegistryAuth;
use serde::Deserialize;

use super::DiscoveryError;
use super::credential_helper::{self, HelperSettings};

/// The largest config file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

#[derive(Deserialize)]
struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(rename = "credsStore", default)]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: HashMap<String, String>,
}

/// The server URL a credentials store is asked about for Docker Hub, as the Docker CLI does.
const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";

#[derive(Deserialize)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// The credentials for `host` (`registry.example.com`, `127.0.0.1:5000`, `docker.io`), or
/// anonymous access when the file (or its helper) has none for it. May run a helper: call
/// it on a blocking thread.
pub(crate) fn auth_for(path: &Path, host: &str, helpers: &HelperSettings) -> Result<RegistryAuth, DiscoveryError> {
    let fail = |reason: String| DiscoveryError::DockerConfig { path: path.display().to_string(), reason };
    let size = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?.len();
    if size > MAX_CONFIG_BYTES {
        return Err(fail(format!("larger than {MAX_CONFIG_BYTES} bytes")));
    }
    let text = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    // serde_json's message names line and column, never the value.
    let config: DockerConfig = serde_json::from_slice(&text).map_err(|e| fail(format!("not a Docker config: {e}")))?;
    if let Some((server, helper)) = helper_for(&config, host) {
        return credential_helper::get(helper, &server, host, helpers);
    }
    let Some(entry) = config.auths.iter().find(|(key, _)| key_host(key) == canonical(host)).map(|(_, e)| e) else {
        return Ok(RegistryAuth::Anonymous);
    };
    credentials(entry).map_err(|reason| fail(format!("entry for {host}: {reason}")))
}

/// The helper for `host` and the server URL to ask it about: `credHelpers` (keyed by host,
/// asked with the key as written), then `credsStore`. An empty name means no helper, as in
/// Docker (an empty `credHelpers` entry falls back to `auths`, not to `credsStore`).
fn helper_for<'c>(config: &'c DockerConfig, host: &str) -> Option<(String, &'c str)> {
    let wanted = canonical(host);
    if let Some((key, helper)) = config.cred_helpers.iter().find(|(key, _)| key_host(key) == wanted) {
        return (!helper.is_empty()).then(|| (key.clone(), helper.as_str()));
    }
    let store = config.creds_store.as_deref().filter(|s| !s.is_empty())?;
    let server = if wanted == "docker.io" { DOCKER_HUB_SERVER.to_owned() } else { host.to_owned() };
    Some((server, store))
}

fn credentials(entry: &AuthEntry) -> Result<RegistryAuth, String> {
    if let (Some(user), Some(password)) = (&entry.username, &entry.password) {
        return Ok(RegistryAuth::Basic(user.clone(), password.clone()));
    }
    let Some(auth) = entry.auth.as_deref().filter(|a| !a.is_empty()) else {
        return Ok(RegistryAuth::Anonymous);
    };
    let decoded =
        base64::engine::general_purpose::STANDARD.decode(auth.trim()).map_err(|_| "`auth` is not base64".to_owned())?;
    let decoded = String::from_utf8(decoded).map_err(|_| "`auth` is not UTF-8 text".to_owned())?;
    let (user, password) = decoded.split_once(':').ok_or_else(|| "`auth` is not `user:password`".to_owned())?;
    Ok(RegistryAuth::Basic(user.to_owned(), password.to_owned()))
}

/// The host of an `auths` key, which may be a URL (`https://index.docker.io/v1/`).
fn key_host(key: &str) -> String {
    let host = key.split_once("://").map_or(key, |(_, rest)| rest);
    canonical(host.split('/').next().unwrap_or(host))
}

/// Docker Hub has several names; they share credentials.
fn canonical(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "docker.io" => "docker.io".to_owned(),
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::ffi::OsString;
    use std::time::Duration;

    fn no_helpers() -> HelperSettings {
        HelperSettings { search_path: Some(OsString::new()), timeout: Duration::from_secs(10) }
    }

    #[test]
    fn auth_and_username_password_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let auth = base64::engine::general_purpose::STANDARD.encode("ann:s3cret");
        let text = format!(
            r#"{{"auths": {{"127.0.0.1:5000": {{"auth": "{auth}"}},
                "https://index.docker.io/v1/": {{"username": "bob", "password": "pw"}},
                "broken.example": {{"auth": "!!"}}}}}}"#
        );
        std::fs::write(&path, text).unwrap();
        let auth_for = |host: &str| auth_for(&path, host, &no_helpers());
        assert!(
            matches!(auth_for("127.0.0.1:5000").unwrap(), RegistryAuth::Basic(u, p) if u == "ann" && p == "s3cret")
        );
        assert!(matches!(auth_for("docker.io").unwrap(), RegistryAuth::Basic(u, _) if u == "bob"));
        assert!(matches!(auth_for("ghcr.io").unwrap(), RegistryAuth::Anonymous));
        let err = auth_for("broken.example").unwrap_err().to_string();
        assert!(err.contains("not base64") && !err.contains("!!"), "{err}");
    }

    #[test]
    fn helpers_come_first_as_in_docker() {
        let config: DockerConfig = serde_json::from_str(
            r#"{"auths": {"a.example": {"username": "u", "password": "p"}}, "credsStore": "desktop",
                "credHelpers": {"A.example": "ecr", "https://index.docker.io/v1/": "hub", "plain.example": ""}}"#,
        )
        .unwrap();
        assert_eq!(helper_for(&config, "a.example"), Some(("A.example".to_owned(), "ecr")), "the key as written");
        assert_eq!(helper_for(&config, "docker.io"), Some((DOCKER_HUB_SERVER.to_owned(), "hub")));
        assert_eq!(helper_for(&config, "ghcr.io"), Some(("ghcr.io".to_owned(), "desktop")));
        assert_eq!(helper_for(&config, "plain.example"), None, "an empty entry means `auths`");

        let store: DockerConfig = serde_json::from_str(r#"{"credsStore": "pass"}"#).unwrap();
        assert_eq!(helper_for(&store, "registry-1.docker.io"), Some((DOCKER_HUB_SERVER.to_owned(), "pass")));
        assert_eq!(helper_for(&store, "127.0.0.1:5000"), Some(("127.0.0.1:5000".to_owned(), "pass")));
        let none: DockerConfig = serde_json::from_str(r#"{"credsStore": "", "credHelpers": {}}"#).unwrap();
        assert_eq!(helper_for(&none, "ghcr.io"), None);
    }
}
