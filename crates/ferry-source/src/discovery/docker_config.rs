//! Registry credentials from a Docker `config.json`: `auths.<host>` with `auth`
//! (base64 of `user:password`) or `username` and `password`. Credential helpers
//! (`credsStore`, `credHelpers`) are not run. Errors never include the secrets.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use oci_client::secrets::RegistryAuth;
use serde::Deserialize;

use super::DiscoveryError;

/// The largest config file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

#[derive(Deserialize)]
struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
}

#[derive(Deserialize)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// The credentials for `host` (`registry.example.com`, `127.0.0.1:5000`, `docker.io`), or
/// anonymous access when the file has none for it.
pub(crate) fn auth_for(path: &Path, host: &str) -> Result<RegistryAuth, DiscoveryError> {
    let fail = |reason: String| DiscoveryError::DockerConfig { path: path.display().to_string(), reason };
    let size = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?.len();
    if size > MAX_CONFIG_BYTES {
        return Err(fail(format!("larger than {MAX_CONFIG_BYTES} bytes")));
    }
    let text = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    // serde_json's message names line and column, never the value.
    let config: DockerConfig = serde_json::from_slice(&text).map_err(|e| fail(format!("not a Docker config: {e}")))?;
    let Some(entry) = config.auths.iter().find(|(key, _)| key_host(key) == canonical(host)).map(|(_, e)| e) else {
        return Ok(RegistryAuth::Anonymous);
    };
    credentials(entry).map_err(|reason| fail(format!("entry for {host}: {reason}")))
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
        assert!(
            matches!(auth_for(&path, "127.0.0.1:5000").unwrap(), RegistryAuth::Basic(u, p) if u == "ann" && p == "s3cret")
        );
        assert!(matches!(auth_for(&path, "docker.io").unwrap(), RegistryAuth::Basic(u, _) if u == "bob"));
        assert!(matches!(auth_for(&path, "ghcr.io").unwrap(), RegistryAuth::Anonymous));
        let err = auth_for(&path, "broken.example").unwrap_err().to_string();
        assert!(err.contains("not base64") && !err.contains("!!"), "{err}");
    }
}
