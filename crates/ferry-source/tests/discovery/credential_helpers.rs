//! Docker credential helpers end to end: a `docker-credential-*` shell script found on the
//! discovery's helper search path supplies the credentials of a real `docker-registry`
//! behind htpasswd auth.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ferry_api::{ImageSelectionStrategy as Strategy, Subscription};
use ferry_source::{Discovery, DiscoveryError};
use serde_json::json;

use crate::registry::Registry;
use crate::support::{image, names, options};

/// Writes `docker-credential-<name>` into `dir`: it answers `get` for `host` with `user` and
/// `secret`, and "not found" for any other server.
fn helper(dir: &Path, name: &str, host: &str, user: &str, secret: &str) {
    let answer = json!({"ServerURL": host, "Username": user, "Secret": secret}).to_string();
    let script = format!(
        "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread -r url\nif [ \"$url\" = '{host}' ]; then printf '%s' '{answer}'; else echo 'credentials not found in native keychain'; exit 1; fi\n"
    );
    let path = dir.join(format!("docker-credential-{name}"));
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn config(dir: &Path, config: serde_json::Value) -> PathBuf {
    let path = dir.join("config.json");
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

#[tokio::test]
async fn a_credential_helper_supplies_the_registry_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let helpers = dir.path().join("helpers");
    std::fs::create_dir(&helpers).unwrap();
    let registry = Registry::start_with_auth("ferry", "s3cret-pw").await;
    registry.push_image("private/app", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    let host = registry.host.clone();
    let sub = Subscription::Image(image(&format!("{host}/private/app"), Strategy::SemVer));
    helper(&helpers, "right", &host, "ferry", "s3cret-pw");
    helper(&helpers, "wrong", &host, "ferry", "wr0ng-pw");
    helper(&helpers, "elsewhere", "other.example", "ferry", "s3cret-pw");
    let mut options = options(dir.path());
    options.insecure_http_registries = vec![host.clone()];
    options.credential_helper_path = Some(helpers.clone().into_os_string());
    let wrong_auth = json!({"auth": "ZmVycnk6bm9wZQ=="});

    // credHelpers for the host wins over credsStore and over a wrong `auths` entry.
    options.docker_config = Some(config(
        dir.path(),
        json!({"auths": {&host: wrong_auth}, "credsStore": "wrong", "credHelpers": {&host: "right"}}),
    ));
    let found = Discovery::new(options.clone()).discover(&sub).await.unwrap();
    assert_eq!(names(&found), ["1.0.0"]);

    // credsStore serves every host without a credHelpers entry.
    options.docker_config = Some(config(dir.path(), json!({"credsStore": "right"})));
    assert_eq!(names(&Discovery::new(options.clone()).discover(&sub).await.unwrap()), ["1.0.0"]);

    // A helper's wrong password is refused by the registry, never echoed.
    options.docker_config = Some(config(dir.path(), json!({"credHelpers": {&host: "wrong"}})));
    let refused = Discovery::new(options.clone()).discover(&sub).await.unwrap_err();
    assert!(refused.to_string().contains(&host) && !refused.to_string().contains("wr0ng"), "{refused}");

    // A helper with nothing for the host means anonymous access, even with an `auths` entry.
    options.docker_config = Some(config(
        dir.path(),
        json!({"auths": {&host: {"username": "ferry", "password": "s3cret-pw"}}, "credsStore": "elsewhere"}),
    ));
    let anonymous = Discovery::new(options.clone()).discover(&sub).await.unwrap_err();
    assert!(anonymous.to_string().contains(&host), "{anonymous}");

    // A helper missing from the search path is named with the host, and not retried.
    options.docker_config = Some(config(dir.path(), json!({"credHelpers": {&host: "absent"}})));
    let missing = Discovery::new(options).discover(&sub).await.unwrap_err();
    assert!(matches!(missing, DiscoveryError::CredentialHelper { .. }), "{missing:?}");
    assert!(missing.to_string().contains(&format!("docker-credential-absent for {host}")), "{missing}");
    assert!(!missing.is_retryable());
}
