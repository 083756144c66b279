//! Image discovery against a real `docker-registry` with images pushed through its HTTP API.

use std::time::{Duration, Instant};

use ferry_api::{ImageSelectionStrategy as Strategy, Subscription};
use ferry_source::{Discovery, DiscoveryError};

use crate::registry::{Registry, docker_config};
use crate::servers::{garbage, silent};
use crate::support::{digest, discovery_for, image, names, options};

/// `acme/web` with semver, non-semver and prerelease tags, built on different days.
async fn web_registry() -> Registry {
    let registry = Registry::start().await;
    for (tag, created) in [
        ("1.0.0", "2024-01-01T00:00:00Z"),
        ("v1.2.0", "2024-01-05T00:00:00Z"),
        ("1.10.0", "2024-01-03T00:00:00Z"),
        ("2.0.0-rc.1", "2024-01-09T00:00:00Z"),
        ("2.0.0", "2024-01-04T00:00:00Z"),
        ("latest", "2024-01-02T00:00:00Z"),
        ("build-20240107", "2024-01-07T00:00:00Z"),
        ("build-20240106", "2024-01-06T00:00:00Z"),
    ] {
        registry.push_image("acme/web", Some(tag), created, "amd64").await;
    }
    registry
}

#[tokio::test]
async fn semver_lexical_newest_build_filters_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    let registry = web_registry().await;
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let repo = format!("{}/acme/web", registry.host);

    let all = discovery.discover(&Subscription::Image(image(&repo, Strategy::SemVer))).await.unwrap();
    assert_eq!(names(&all), ["2.0.0", "1.10.0", "v1.2.0", "1.0.0"]);
    assert_eq!(all[0].created, Some(1_704_326_400), "2024-01-04 from the image configuration");
    assert!(digest(&all[0]).starts_with("sha256:"));

    let mut ones = image(&repo, Strategy::SemVer);
    ones.semver_constraint = Some("^1.2".to_owned());
    assert_eq!(names(&discovery.discover(&Subscription::Image(ones.clone())).await.unwrap()), ["1.10.0", "v1.2.0"]);
    ones.semver_constraint = Some(">=2.0.0-0".to_owned());
    assert_eq!(names(&discovery.discover(&Subscription::Image(ones.clone())).await.unwrap()), ["2.0.0", "2.0.0-rc.1"]);
    ones.semver_constraint = Some("^9".to_owned());
    assert!(discovery.discover(&Subscription::Image(ones)).await.unwrap().is_empty());

    let mut lexical = image(&repo, Strategy::Lexical);
    lexical.allow_tags = vec!["^build-".to_owned()];
    assert_eq!(
        names(&discovery.discover(&Subscription::Image(lexical)).await.unwrap()),
        ["build-20240107", "build-20240106"]
    );

    let mut newest = image(&repo, Strategy::NewestBuild);
    newest.ignore_tags = vec!["-rc".to_owned(), "^latest$".to_owned()];
    newest.discovery_limit = 3;
    let found = discovery.discover(&Subscription::Image(newest)).await.unwrap();
    assert_eq!(names(&found), ["build-20240107", "build-20240106", "v1.2.0"]);
    assert!(found.windows(2).all(|w| w[0].created >= w[1].created));

    let mut limited = image(&repo, Strategy::SemVer);
    limited.discovery_limit = 2;
    assert_eq!(names(&discovery.discover(&Subscription::Image(limited)).await.unwrap()), ["2.0.0", "1.10.0"]);
}

#[tokio::test]
async fn digest_follows_a_mutable_tag() {
    let dir = tempfile::tempdir().unwrap();
    let registry = web_registry().await;
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let mut follow = image(&format!("{}/acme/web", registry.host), Strategy::Digest);
    follow.tag = Some("latest".to_owned());
    let subscription = Subscription::Image(follow);

    let before = discovery.discover(&subscription).await.unwrap();
    assert_eq!(names(&before), ["latest"]);
    let pushed = registry.push_image("acme/web", Some("latest"), "2024-02-01T00:00:00Z", "amd64").await;
    let after = discovery.discover(&subscription).await.unwrap();
    assert_eq!(digest(&after[0]), pushed.digest);
    assert_ne!(digest(&after[0]), digest(&before[0]));
    assert_eq!(after[0].created, Some(1_706_745_600));
}

#[tokio::test]
async fn platform_selects_from_an_index_and_the_revision_keeps_the_index_digest() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start().await;
    let amd = registry.push_image("acme/multi", None, "2024-03-01T00:00:00Z", "amd64").await;
    let arm = registry.push_image("acme/multi", None, "2024-03-02T00:00:00Z", "arm64").await;
    let both = registry.push_index("acme/multi", "1.0.0", &[(&amd, "amd64"), (&arm, "arm64")]).await;
    let only_amd = registry.push_index("acme/multi", "1.1.0", &[(&amd, "amd64")]).await;
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let mut sub = image(&format!("{}/acme/multi", registry.host), Strategy::SemVer);

    sub.platform = Some("linux/arm64".to_owned());
    let arm_found = discovery.discover(&Subscription::Image(sub.clone())).await.unwrap();
    assert_eq!(names(&arm_found), ["1.0.0"], "1.1.0 has no arm64 image");
    assert_eq!(digest(&arm_found[0]), both.digest);
    assert_eq!(arm_found[0].created, Some(1_709_337_600), "the arm64 image's build time");

    sub.platform = Some("linux/amd64".to_owned());
    let amd_found = discovery.discover(&Subscription::Image(sub)).await.unwrap();
    assert_eq!(names(&amd_found), ["1.1.0", "1.0.0"]);
    assert_eq!(digest(&amd_found[0]), only_amd.digest);
    assert_eq!(amd_found[1].created, Some(1_709_251_200));
}

#[tokio::test]
async fn credentials_come_from_the_docker_config() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start_with_auth("ferry", "s3cret-pw").await;
    registry.push_image("private/app", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    let sub = Subscription::Image(image(&format!("{}/private/app", registry.host), Strategy::SemVer));

    let anonymous = discovery_for(dir.path(), &[&registry.host]).discover(&sub).await.unwrap_err();
    assert!(anonymous.to_string().contains(&registry.host), "{anonymous}");

    let mut options = options(dir.path());
    options.insecure_http_registries = vec![registry.host.clone()];
    options.docker_config = Some(docker_config(dir.path(), &registry.host, "ferry", "wrong-pw"));
    let wrong = Discovery::new(options.clone()).discover(&sub).await.unwrap_err();
    assert!(!wrong.to_string().contains("wrong-pw"), "no secret in errors: {wrong}");

    options.docker_config = Some(docker_config(dir.path(), &registry.host, "ferry", "s3cret-pw"));
    let found = Discovery::new(options).discover(&sub).await.unwrap();
    assert_eq!(names(&found), ["1.0.0"]);
}

#[tokio::test]
async fn a_registry_that_is_down_fails_fast_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let host = format!("127.0.0.1:{}", crate::git_support::closed_port());
    let discovery = discovery_for(dir.path(), &[&host]);
    let started = Instant::now();
    let err = discovery
        .discover(&Subscription::Image(image(&format!("{host}/acme/web"), Strategy::SemVer)))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    assert!(matches!(err, DiscoveryError::RegistryUnreachable { .. }), "{err:?}");
    assert!(err.to_string().contains(&host), "{err}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_registry_answering_garbage_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let server = garbage().await;
    let discovery = discovery_for(dir.path(), &[&server.host]);
    let err = discovery
        .discover(&Subscription::Image(image(&format!("{}/acme/web", server.host), Strategy::SemVer)))
        .await
        .unwrap_err();
    assert!(matches!(err, DiscoveryError::RegistryGarbage { .. }), "{err:?}");
    assert!(err.to_string().contains(&server.host), "{err}");
}

#[tokio::test]
async fn a_hanging_registry_does_not_delay_another() {
    let dir = tempfile::tempdir().unwrap();
    let registry = web_registry().await;
    let hanging = silent().await;
    let mut options = options(dir.path());
    options.timeout = Duration::from_secs(3);
    options.insecure_http_registries = vec![registry.host.clone(), hanging.host.clone()];
    let discovery = Discovery::new(options);
    let slow_sub = Subscription::Image(image(&format!("{}/acme/web", hanging.host), Strategy::SemVer));
    let fast_sub = Subscription::Image(image(&format!("{}/acme/web", registry.host), Strategy::SemVer));

    let started = Instant::now();
    let slow = {
        let discovery = discovery.clone();
        tokio::spawn(async move { (discovery.discover(&slow_sub).await, started.elapsed()) })
    };
    let fast = discovery.discover(&fast_sub).await.unwrap();
    let fast_took = started.elapsed();
    assert_eq!(names(&fast).len(), 4);
    assert!(fast_took < Duration::from_secs(2), "the healthy registry took {fast_took:?}");
    let (slow, slow_took) = slow.await.unwrap();
    let err = slow.unwrap_err();
    assert!(matches!(err, DiscoveryError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains(&hanging.host), "{err}");
    assert!(slow_took < Duration::from_secs(10), "the timeout bounds the hanging call: {slow_took:?}");
}

/// distribution 2.8 ignores `n` and `last` and answers every `tags/list` with the whole list:
/// with a full first page (1,000 tags asked for), discovery must still see each tag once
/// (it used to re-read the list until 100,000 tags and offer one tag 20 times).
#[tokio::test]
async fn a_registry_that_ignores_tag_pagination_gives_each_tag_once() {
    use futures::StreamExt;
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start().await;
    let image_type = "application/vnd.oci.image.manifest.v1+json";
    let pushed = registry.push_image("acme/many", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    let url = format!("http://{}/v2/acme/many/manifests/{}", registry.host, pushed.digest);
    let response = reqwest::Client::new().get(url).header("accept", image_type).send().await.unwrap();
    let manifest = response.bytes().await.unwrap().to_vec();
    let (registry, manifest) = (&registry, &manifest);
    futures::stream::iter(1..=1000)
        .for_each_concurrent(16, |n| async move {
            registry.push_manifest("acme/many", &format!("1.0.{n}"), image_type, manifest).await;
        })
        .await;
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let repo = format!("{}/acme/many", registry.host);
    let found = discovery.discover(&Subscription::Image(image(&repo, Strategy::SemVer))).await.unwrap();
    let expected: Vec<String> = (981..=1000).rev().map(|n| format!("1.0.{n}")).collect();
    assert_eq!(names(&found), expected);
}
