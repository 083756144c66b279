//! Reports attached to images (OCI referrers) read from a real `docker-registry` 2.8, which has
//! no referrers API: reports are found through the referrers tag schema, as `oras attach`
//! leaves them there; bad referrers (too large, tampered, about another image) are refused.

use ferry_api::DEFAULT_REPORT_ARTIFACT_TYPES;
use ferry_source::discovery::DEFAULT_MAX_REPORT_BYTES;
use ferry_source::{Discovery, DiscoveryError};

use crate::registry::{Registry, docker_config};
use crate::support::{discovery_for, options};

const TRIVY: &str = "application/vnd.aquasecurity.trivy.report+json";
const CYCLONEDX: &str = "application/vnd.cyclonedx+json";

fn defaults() -> Vec<String> {
    DEFAULT_REPORT_ARTIFACT_TYPES.iter().map(|t| (*t).to_owned()).collect()
}

fn trivy_report(name: &str) -> Vec<u8> {
    format!(r#"{{"SchemaVersion": 2, "ArtifactName": "{name}", "Results": []}}"#).into_bytes()
}

#[tokio::test]
async fn reports_of_the_asked_types_are_found_through_the_tag_schema_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start().await;
    let image = registry.push_image("acme/web", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    let other = registry.push_image("acme/web", Some("2.0.0"), "2024-01-02T00:00:00Z", "amd64").await;
    let trivy = trivy_report("acme/web:1.0.0");
    let attached = registry.attach("acme/web", &image, TRIVY, &trivy, "2024-01-03T00:00:00Z").await;
    let sbom = br#"{"bomFormat": "CycloneDX", "specVersion": "1.5"}"#;
    registry.attach("acme/web", &image, CYCLONEDX, sbom, "2024-01-04T00:00:00Z").await;
    registry
        .attach("acme/web", &image, "application/vnd.dev.cosign.artifact.sig.v1+json", b"sig", "2024-01-05T00:00:00Z")
        .await;
    registry.attach("acme/web", &other, TRIVY, &trivy_report("acme/web:2.0.0"), "2024-01-06T00:00:00Z").await;
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let repo = format!("{}/acme/web", registry.host);

    let found = discovery.attached_reports(&repo, &image.digest, &defaults(), DEFAULT_MAX_REPORT_BYTES).await.unwrap();
    let kinds: Vec<&str> = found.iter().map(|r| r.artifact_type.as_str()).collect();
    assert_eq!(kinds, [CYCLONEDX, TRIVY], "newest first; the signature's type is not asked for");
    assert_eq!(found[1].bytes, trivy);
    assert_eq!(found[1].manifest_digest, attached.digest);
    assert_eq!(found[1].blob_digest, crate::registry::sha256(&trivy));
    assert_eq!(found[1].created.as_deref(), Some("2024-01-03T00:00:00Z"));

    let only_trivy = discovery.attached_reports(&repo, &image.digest, &[TRIVY.to_owned()], 1 << 20).await.unwrap();
    assert_eq!(only_trivy.len(), 1);
    let of_other = discovery.attached_reports(&repo, &other.digest, &defaults(), 1 << 20).await.unwrap();
    assert_eq!(of_other.len(), 1, "each image has its own reports");
    assert!(String::from_utf8_lossy(&of_other[0].bytes).contains("2.0.0"));

    let bare = registry.push_image("acme/web", Some("3.0.0"), "2024-01-07T00:00:00Z", "amd64").await;
    let none = discovery.attached_reports(&repo, &bare.digest, &defaults(), 1 << 20).await.unwrap();
    assert!(none.is_empty(), "no referrers tag: no reports, not an error");
}

#[tokio::test]
async fn an_oversized_report_is_refused_before_and_while_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start().await;
    let image = registry.push_image("acme/web", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    let big = vec![b' '; 4096];
    registry.attach("acme/web", &image, TRIVY, &big, "2024-01-03T00:00:00Z").await;
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let repo = format!("{}/acme/web", registry.host);

    let err = discovery.attached_reports(&repo, &image.digest, &defaults(), 1024).await.unwrap_err();
    assert!(matches!(err, DiscoveryError::ReportTooLarge { limit: 1024, .. }), "{err:?}");
    assert!(err.to_string().contains("larger than 1024 bytes") && err.to_string().contains(&registry.host), "{err}");
    assert!(!err.is_retryable());

    // A descriptor that understates the size does not get past the cap.
    let lying = registry.push_image("acme/web", Some("2.0.0"), "2024-01-02T00:00:00Z", "amd64").await;
    let blob = registry.push_blob("acme/web", &big).await;
    registry.attach_manifest("acme/web", &lying, TRIVY, &blob, 16, "2024-01-03T00:00:00Z").await;
    let err = discovery.attached_reports(&repo, &lying.digest, &defaults(), 1024).await.unwrap_err();
    assert!(matches!(err, DiscoveryError::ReportTooLarge { limit: 16, .. }), "{err:?}");
}

#[tokio::test]
async fn a_report_that_does_not_match_its_digest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start().await;
    let image = registry.push_image("acme/web", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    let report = trivy_report("acme/web:1.0.0");
    registry.attach("acme/web", &image, TRIVY, &report, "2024-01-03T00:00:00Z").await;
    let mut forged = report.clone();
    forged.iter_mut().for_each(|b| *b = b.to_ascii_uppercase());
    registry.tamper_blob(&crate::registry::sha256(&report), &forged);
    let discovery = discovery_for(dir.path(), &[&registry.host]);

    let err = discovery
        .attached_reports(&format!("{}/acme/web", registry.host), &image.digest, &defaults(), 1 << 20)
        .await
        .unwrap_err();
    assert!(matches!(err, DiscoveryError::ReportDigestMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains(&crate::registry::sha256(&report)), "names the expected digest: {err}");
}

#[tokio::test]
async fn a_referrer_about_another_image_or_of_another_type_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start().await;
    let image = registry.push_image("acme/web", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    let other = registry.push_image("acme/web", Some("2.0.0"), "2024-01-02T00:00:00Z", "amd64").await;
    // The other image's clean report, listed in this image's referrers index.
    let theirs = registry.attach("acme/web", &other, TRIVY, &trivy_report("other"), "2024-01-03T00:00:00Z").await;
    registry.add_referrer("acme/web", &image.digest, theirs.descriptor.clone()).await;
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let repo = format!("{}/acme/web", registry.host);

    let err = discovery.attached_reports(&repo, &image.digest, &defaults(), 1 << 20).await.unwrap_err();
    assert!(matches!(err, DiscoveryError::Referrer { .. }), "{err:?}");
    assert!(err.to_string().contains(&format!("its subject is {}", other.digest)), "{err}");

    // A descriptor claiming a report type for a manifest of another type.
    let third = registry.push_image("acme/web", Some("3.0.0"), "2024-01-04T00:00:00Z", "amd64").await;
    let sig = registry
        .attach("acme/web", &third, "application/vnd.dev.cosign.artifact.sig.v1+json", b"sig", "2024-01-05T00:00:00Z")
        .await;
    let mut claimed = sig.descriptor.clone();
    claimed["artifactType"] = CYCLONEDX.into();
    registry.add_referrer("acme/web", &third.digest, claimed).await;
    let err = discovery.attached_reports(&repo, &third.digest, &defaults(), 1 << 20).await.unwrap_err();
    assert!(err.to_string().contains("not the application/vnd.cyclonedx+json its descriptor claims"), "{err}");
}

#[tokio::test]
async fn reports_of_a_private_registry_are_read_with_the_docker_config_and_errors_hold_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start_with_auth("ferry", "s3cret-pw").await;
    let image = registry.push_image("private/app", Some("1.0.0"), "2024-01-01T00:00:00Z", "amd64").await;
    registry.attach("private/app", &image, TRIVY, &trivy_report("private/app"), "2024-01-03T00:00:00Z").await;
    let repo = format!("{}/private/app", registry.host);
    let mut options = options(dir.path());
    options.insecure_http_registries = vec![registry.host.clone()];

    options.docker_config = Some(docker_config(dir.path(), &registry.host, "ferry", "s3cret-pw"));
    let found =
        Discovery::new(options.clone()).attached_reports(&repo, &image.digest, &defaults(), 1 << 20).await.unwrap();
    assert_eq!(found.len(), 1);

    options.docker_config = Some(docker_config(dir.path(), &registry.host, "ferry", "wrong-pw"));
    let refused = Discovery::new(options).attached_reports(&repo, &image.digest, &defaults(), 1 << 20).await;
    match refused {
        Ok(found) => assert!(found.is_empty(), "nothing is read without the right credentials"),
        Err(e) => assert!(!e.to_string().contains("wrong-pw"), "no secret in errors: {e}"),
    }
}

#[tokio::test]
async fn a_registry_that_is_down_or_a_bad_digest_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let host = format!("127.0.0.1:{}", crate::git_support::closed_port());
    let discovery = discovery_for(dir.path(), &[&host]);
    let digest = format!("sha256:{}", "a".repeat(64));
    let err = discovery.attached_reports(&format!("{host}/acme/web"), &digest, &defaults(), 1024).await.unwrap_err();
    assert!(matches!(err, DiscoveryError::RegistryUnreachable { .. }), "{err:?}");
    assert!(err.to_string().contains(&host) && err.is_retryable(), "{err}");

    let err = discovery.attached_reports(&format!("{host}/acme/web"), "latest", &defaults(), 1024).await.unwrap_err();
    assert!(err.to_string().contains("not `sha256:`"), "{err}");
}
