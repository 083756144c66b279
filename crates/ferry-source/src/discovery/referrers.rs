//! Reports attached to an image in its registry, as CI attaches them (`oras attach
//! --artifact-type application/vnd.cyclonedx+json img@sha256:… report.json`, `regctl artifact
//! put --subject …`, `trivy referrer put`): OCI 1.1 referrers — artifact manifests whose
//! `subject` is the image.
//!
//! The referrers are listed with the referrers API (`GET /v2/<name>/referrers/<digest>`);
//! a registry without it answers 404 and the referrers tag schema is read instead: the tag
//! `sha256-<hex of the image digest>` holding an image index of referrer descriptors, which
//! clients such as `oras` maintain on those registries (both through `oci-client`). Those whose
//! `artifactType` is asked for are read, newest first (the `org.opencontainers.image.created`
//! annotation), at most [`MAX_REPORTS`]: each artifact manifest must name the image as its
//! `subject` and the same artifact type, and its first layer is the report, read up to a size
//! cap and checked against its digest. Every call goes through the registry's budget and the
//! discovery timeout, with the credentials of the Docker config.

use futures::StreamExt;
use oci_client::errors::{DigestError, OciDistributionError};
use oci_client::manifest::{OCI_IMAGE_MEDIA_TYPE, OciImageIndex, OciImageManifest};
use oci_client::secrets::RegistryAuth;
use sha2::{Digest, Sha256};

use super::registry::{ImageRepo, Registries};
use super::{Discovery, DiscoveryError};

/// The largest report read by default: 32 MiB (a CycloneDX SBOM of a large image with its
/// vulnerabilities is a few MiB).
pub const DEFAULT_MAX_REPORT_BYTES: u64 = 32 * 1024 * 1024;

/// The most reports read for one image; a CI that scans every night attaches one each time.
pub const MAX_REPORTS: usize = 16;

/// The annotation `oras` and `regctl` set on an attached artifact, copied into its descriptor.
const CREATED: &str = "org.opencontainers.image.created";

/// One report attached to an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedReport {
    /// The referrer's `artifactType`, e.g. `application/vnd.cyclonedx+json`.
    pub artifact_type: String,
    /// The digest of the referrer's artifact manifest.
    pub manifest_digest: String,
    /// The digest of the report (the manifest's first layer).
    pub blob_digest: String,
    /// When it was attached, as the artifact's annotation says (RFC 3339), if it does.
    pub created: Option<String>,
    /// The report's bytes, verified against `blob_digest`.
    pub bytes: Vec<u8>,
}

impl Discovery {
    /// The reports of `artifact_types` attached to the image `repo_url@digest`, newest first,
    /// each at most `max_bytes` long. No referrer of those types is an empty list; a referrer
    /// that cannot be read (too large, not matching its digest, about another image) is an
    /// error, as a gate must not judge an image on some of its reports.
    pub async fn attached_reports(
        &self,
        repo_url: &str,
        digest: &str,
        artifact_types: &[String],
        max_bytes: u64,
    ) -> Result<Vec<AttachedReport>, DiscoveryError> {
        let repo = ImageRepo::parse(repo_url)?;
        if !is_sha256_digest(digest) {
            return Err(DiscoveryError::InvalidRepository {
                repo: format!("{repo_url}@{digest}"),
                reason: "the image digest is not `sha256:` and 64 hex digits".to_owned(),
            });
        }
        let auth = self.auth_for(repo_url).await?;
        let registries = &self.inner.registries;
        let index = registries.referrers(&repo, digest, &auth).await?;
        let mut out = Vec::new();
        for (artifact_type, entry) in chosen(&index, artifact_types) {
            let referrer = Referrer { repo: &repo, subject: digest, artifact_type, manifest: &entry.digest };
            let (blob_digest, bytes) = registries.report(&referrer, &auth, max_bytes).await?;
            out.push(AttachedReport {
                artifact_type: artifact_type.to_owned(),
                manifest_digest: entry.digest.clone(),
                blob_digest,
                created: created(&entry.annotations),
                bytes,
            });
        }
        Ok(out)
    }
}

/// The referrers of the asked-for types, newest first (undated last), at most [`MAX_REPORTS`].
fn chosen<'a>(
    index: &'a OciImageIndex,
    artifact_types: &[String],
) -> Vec<(&'a str, &'a oci_client::manifest::ImageIndexEntry)> {
    let mut found: Vec<_> = index
        .manifests
        .iter()
        .filter_map(|e| e.artifact_type.as_deref().filter(|t| artifact_types.iter().any(|a| a == t)).map(|t| (t, e)))
        .collect();
    found.sort_by(|(_, a), (_, b)| {
        created(&b.annotations).cmp(&created(&a.annotations)).then_with(|| a.digest.cmp(&b.digest))
    });
    found.dedup_by(|(_, a), (_, b)| a.digest == b.digest);
    found.truncate(MAX_REPORTS);
    found
}

fn created(annotations: &Option<std::collections::BTreeMap<String, String>>) -> Option<String> {
    annotations.as_ref()?.get(CREATED).cloned()
}

fn is_sha256_digest(digest: &str) -> bool {
    digest
        .strip_prefix("sha256:")
        .is_some_and(|hex| hex.len() == 64 && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)))
}

/// One referrer to read.
struct Referrer<'a> {
    repo: &'a ImageRepo,
    subject: &'a str,
    artifact_type: &'a str,
    manifest: &'a str,
}

impl Referrer<'_> {
    fn refuse(&self, reason: String) -> DiscoveryError {
        DiscoveryError::Referrer {
            registry: self.repo.host.clone(),
            repository: self.repo.repository.clone(),
            manifest: self.manifest.to_owned(),
            reason,
        }
    }
}

impl Registries {
    /// The referrers index of `repo@digest` (the API, else the tag schema).
    async fn referrers(
        &self,
        repo: &ImageRepo,
        digest: &str,
        auth: &RegistryAuth,
    ) -> Result<OciImageIndex, DiscoveryError> {
        let reference = repo.at(digest);
        let client = self.client();
        let listing = async {
            client.store_auth_if_needed(reference.resolve_registry(), auth).await;
            client.pull_referrers(&reference, None).await
        };
        self.call(repo, "listing referrers", listing).await
    }

    /// The referrer's manifest, checked, and its first layer: (digest, bytes).
    async fn report(
        &self,
        referrer: &Referrer<'_>,
        auth: &RegistryAuth,
        max_bytes: u64,
    ) -> Result<(String, Vec<u8>), DiscoveryError> {
        let reference = referrer.repo.at(referrer.manifest);
        let pull = self.client().pull_manifest_raw(&reference, auth, &[OCI_IMAGE_MEDIA_TYPE]);
        let (raw, _) = self.call(referrer.repo, "reading a referrer", pull).await?;
        let manifest: OciImageManifest =
            serde_json::from_slice(&raw).map_err(|e| referrer.refuse(format!("not an OCI image manifest: {e}")))?;
        let layer = check(referrer, &manifest)?;
        let declared = u64::try_from(layer.size).unwrap_or(u64::MAX);
        if declared > max_bytes {
            return Err(too_large(referrer, &layer.digest, max_bytes));
        }
        let blob = self.capped_blob(referrer.repo, &layer, declared).await?;
        let bytes = match blob {
            Blob::Read(bytes) => bytes,
            Blob::TooLarge => return Err(too_large(referrer, &layer.digest, declared)),
            Blob::Mismatch(actual) => {
                return Err(DiscoveryError::ReportDigestMismatch {
                    registry: referrer.repo.host.clone(),
                    repository: referrer.repo.repository.clone(),
                    expected: layer.digest.clone(),
                    actual,
                });
            }
        };
        let actual = sha256(&bytes);
        if actual != layer.digest || bytes.len() as u64 != declared {
            return Err(DiscoveryError::ReportDigestMismatch {
                registry: referrer.repo.host.clone(),
                repository: referrer.repo.repository.clone(),
                expected: format!("{} ({declared} bytes)", layer.digest),
                actual: format!("{actual} ({} bytes)", bytes.len()),
            });
        }
        Ok((layer.digest, bytes))
    }

    /// A blob read up to `cap` bytes; the stream's own digest check surfaces as a mismatch.
    async fn capped_blob(
        &self,
        repo: &ImageRepo,
        layer: &oci_client::manifest::OciDescriptor,
        cap: u64,
    ) -> Result<Blob, DiscoveryError> {
        let reference = repo.at(&layer.digest);
        let read = async {
            let mut stream = self.client().pull_blob_stream(&reference, layer).await?;
            let mut bytes = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(e) => match e.get_ref().and_then(|inner| inner.downcast_ref::<DigestError>()) {
                        Some(DigestError::VerificationError { actual, .. }) => {
                            return Ok(Blob::Mismatch(actual.clone()));
                        }
                        _ => return Err(OciDistributionError::IoError(e)),
                    },
                };
                if bytes.len() as u64 + chunk.len() as u64 > cap {
                    return Ok(Blob::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Blob::Read(bytes))
        };
        self.call(repo, "reading a report", read).await
    }
}

enum Blob {
    Read(Vec<u8>),
    TooLarge,
    Mismatch(String),
}

/// The manifest is about the subject, of the artifact type its descriptor claims, and has a
/// report: its first layer.
fn check(
    referrer: &Referrer<'_>,
    manifest: &OciImageManifest,
) -> Result<oci_client::manifest::OciDescriptor, DiscoveryError> {
    let subject = manifest.subject.as_ref().map(|s| s.digest.as_str());
    if subject != Some(referrer.subject) {
        return Err(referrer.refuse(format!(
            "its subject is {}, not the image {}",
            subject.unwrap_or("missing"),
            referrer.subject
        )));
    }
    let kind = manifest.artifact_type.as_deref().unwrap_or(manifest.config.media_type.as_str());
    if kind != referrer.artifact_type {
        return Err(referrer
            .refuse(format!("its artifact type is {kind}, not the {} its descriptor claims", referrer.artifact_type)));
    }
    let layer =
        manifest.layers.first().ok_or_else(|| referrer.refuse("it has no layer holding a report".to_owned()))?;
    if !is_sha256_digest(&layer.digest) {
        return Err(referrer.refuse(format!("its report's digest {:?} is not a sha256 digest", layer.digest)));
    }
    Ok(layer.clone())
}

fn too_large(referrer: &Referrer<'_>, digest: &str, limit: u64) -> DiscoveryError {
    DiscoveryError::ReportTooLarge {
        registry: referrer.repo.host.clone(),
        repository: referrer.repo.repository.clone(),
        digest: digest.to_owned(),
        limit,
    }
}

fn sha256(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for byte in hash {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(digest: &str, kind: Option<&str>, created: Option<&str>) -> oci_client::manifest::ImageIndexEntry {
        oci_client::manifest::ImageIndexEntry {
            media_type: OCI_IMAGE_MEDIA_TYPE.to_owned(),
            digest: digest.to_owned(),
            size: 100,
            platform: None,
            annotations: created.map(|c| [(CREATED.to_owned(), c.to_owned())].into()),
            artifact_type: kind.map(str::to_owned),
        }
    }

    #[test]
    fn referrers_of_the_asked_types_newest_first() {
        let cdx = "application/vnd.cyclonedx+json";
        let index = OciImageIndex {
            schema_version: 2,
            media_type: None,
            manifests: vec![
                entry("sha256:1", Some(cdx), Some("2024-01-01T00:00:00Z")),
                entry("sha256:2", Some("application/vnd.dev.cosign.artifact.sig.v1+json"), None),
                entry("sha256:3", Some(cdx), Some("2024-03-01T00:00:00Z")),
                entry("sha256:4", Some(cdx), None),
                entry("sha256:5", None, None),
            ],
            artifact_type: None,
            annotations: None,
        };
        let found: Vec<&str> = chosen(&index, &[cdx.to_owned()]).iter().map(|(_, e)| e.digest.as_str()).collect();
        assert_eq!(found, ["sha256:3", "sha256:1", "sha256:4"]);
    }

    #[test]
    fn only_sha256_digests_are_read() {
        assert!(is_sha256_digest(&format!("sha256:{}", "a".repeat(64))));
        assert!(!is_sha256_digest(&format!("sha256:{}", "A".repeat(64))));
        assert!(!is_sha256_digest("sha256:abc"));
        assert!(!is_sha256_digest(&format!("sha512:{}", "a".repeat(64))));
        assert_eq!(sha256(b""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
