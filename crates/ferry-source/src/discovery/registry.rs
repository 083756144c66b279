//! The OCI registry client used by image and OCI chart discovery: `oci-client` with one
//! timeout per call, one rate budget per registry host, and errors that name the registry.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::OciDistributionError;
use oci_client::manifest;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use super::registry_budget::Budgets;
use super::{DiscoveryError, DiscoveryOptions};

/// Tags asked for per page of `tags/list`.
const TAGS_PAGE: usize = 1000;
/// The most tags read from one repository.
const MAX_TAGS: usize = 100_000;
/// How many build times are remembered (by manifest digest, which never changes meaning).
const MAX_CACHED_CREATED: usize = 50_000;

/// Manifests discovery reads: OCI and Docker images and indexes (manifest lists).
pub(crate) const MANIFEST_TYPES: [&str; 4] = [
    manifest::OCI_IMAGE_MEDIA_TYPE,
    manifest::OCI_IMAGE_INDEX_MEDIA_TYPE,
    manifest::IMAGE_MANIFEST_MEDIA_TYPE,
    manifest::IMAGE_MANIFEST_LIST_MEDIA_TYPE,
];

/// An image repository: its registry host as written (`127.0.0.1:5000`, `docker.io`) and path.
#[derive(Debug, Clone)]
pub(crate) struct ImageRepo {
    pub(crate) host: String,
    pub(crate) repository: String,
    /// As the subscription wrote it, for errors and Revisions.
    pub(crate) url: String,
}

impl ImageRepo {
    /// Reads `host[:port]/path` or a Docker Hub short name (`nginx`, `acme/web`).
    pub(crate) fn parse(url: &str) -> Result<Self, DiscoveryError> {
        let reference = Reference::try_from(format!("{url}:latest").as_str())
            .map_err(|e| DiscoveryError::InvalidRepository { repo: url.to_owned(), reason: e.to_string() })?;
        Ok(Self {
            host: reference.registry().to_owned(),
            repository: reference.repository().to_owned(),
            url: url.to_owned(),
        })
    }

    pub(crate) fn at(&self, tag_or_digest: &str) -> Reference {
        if tag_or_digest.contains(':') {
            Reference::with_digest(self.host.clone(), self.repository.clone(), tag_or_digest.to_owned())
        } else {
            Reference::with_tag(self.host.clone(), self.repository.clone(), tag_or_digest.to_owned())
        }
    }
}

/// The shared registry client.
pub(crate) struct Registries {
    client: Client,
    budgets: Budgets,
    timeout: Duration,
    created: Mutex<HashMap<String, Option<i64>>>,
}

impl std::fmt::Debug for Registries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registries").field("budgets", &self.budgets).field("timeout", &self.timeout).finish()
    }
}

impl Registries {
    pub(crate) fn new(options: &DiscoveryOptions) -> Self {
        crate::install_crypto_provider();
        let config = ClientConfig {
            protocol: ClientProtocol::HttpsExcept(options.insecure_http_registries.clone()),
            read_timeout: Some(options.timeout),
            connect_timeout: Some(options.timeout),
            ..Default::default()
        };
        Self {
            client: Client::new(config),
            budgets: Budgets::new(options.requests_per_second_per_registry),
            timeout: options.timeout,
            created: Mutex::default(),
        }
    }

    /// Every tag of `repo`, page by page, each once. A registry that ignores `n` and `last`
    /// (distribution 2.8 answers every `tags/list` with the whole list) ends the walk with
    /// the first page that brings no tag not seen before, so it costs one page more at most.
    pub(crate) async fn tags(&self, repo: &ImageRepo, auth: &RegistryAuth) -> Result<Vec<String>, DiscoveryError> {
        let reference = repo.at("latest");
        let mut all: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut last: Option<String> = None;
        loop {
            let page = self
                .call(repo, "listing tags", self.client.list_tags(&reference, auth, Some(TAGS_PAGE), last.as_deref()))
                .await?;
            let count = page.tags.len();
            let before = all.len();
            last = page.tags.last().cloned();
            all.extend(page.tags.into_iter().filter(|t| seen.insert(t.clone())));
            // A short page is the last; a longer one means `n` was ignored and this was all.
            if count != TAGS_PAGE || all.len() == before || all.len() >= MAX_TAGS {
                break;
            }
        }
        all.truncate(MAX_TAGS);
        Ok(all)
    }

    /// The digest `tag_or_digest` points at now (a `HEAD` of the manifest).
    pub(crate) async fn digest(
        &self,
        repo: &ImageRepo,
        tag: &str,
        auth: &RegistryAuth,
    ) -> Result<String, DiscoveryError> {
        self.call(repo, "resolving a tag", self.client.fetch_manifest_digest(&repo.at(tag), auth)).await
    }

    /// The manifest (image or index) and its digest.
    pub(crate) async fn manifest(
        &self,
        repo: &ImageRepo,
        tag_or_digest: &str,
        auth: &RegistryAuth,
    ) -> Result<(Vec<u8>, String), DiscoveryError> {
        let reference = repo.at(tag_or_digest);
        let fetch = self.client.pull_manifest_raw(&reference, auth, &MANIFEST_TYPES);
        let (bytes, digest) = self.call(repo, "reading a manifest", fetch).await?;
        Ok((bytes.to_vec(), digest))
    }

    /// A blob (an image configuration), verified against its digest by the client.
    pub(crate) async fn blob(&self, repo: &ImageRepo, digest: &str) -> Result<Vec<u8>, DiscoveryError> {
        let mut out = Vec::new();
        self.call(repo, "reading an image configuration", self.client.pull_blob(&repo.at("latest"), digest, &mut out))
            .await?;
        Ok(out)
    }

    /// A remembered build time for a manifest digest (and platform).
    pub(crate) fn cached_created(&self, key: &str) -> Option<Option<i64>> {
        self.created.lock().unwrap_or_else(|p| p.into_inner()).get(key).copied()
    }

    pub(crate) fn remember_created(&self, key: String, created: Option<i64>) {
        let mut cache = self.created.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= MAX_CACHED_CREATED {
            cache.clear();
        }
        cache.insert(key, created);
    }

    /// The client, for calls that [`Registries::call`] wraps elsewhere (referrers).
    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    /// Runs one registry call within the host's budget and the timeout.
    pub(super) async fn call<T>(
        &self,
        repo: &ImageRepo,
        operation: &'static str,
        call: impl Future<Output = Result<T, OciDistributionError>>,
    ) -> Result<T, DiscoveryError> {
        self.budgets.acquire(&repo.host).await;
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(classify(repo, operation, self.timeout, &error)),
            Err(_) => Err(DiscoveryError::Timeout { endpoint: repo.host.clone(), operation, after: self.timeout }),
        }
    }
}

/// Sorts a client error into unreachable, refused, or garbage.
fn classify(
    repo: &ImageRepo,
    operation: &'static str,
    after: Duration,
    error: &OciDistributionError,
) -> DiscoveryError {
    use OciDistributionError as E;
    let registry = repo.host.clone();
    let repository = repo.repository.clone();
    let reason = describe(error);
    match error {
        E::RequestError(e) if e.is_decode() || e.is_body() => {
            DiscoveryError::RegistryGarbage { registry, repository, operation, reason }
        }
        E::RequestError(e) if e.is_timeout() => DiscoveryError::Timeout { endpoint: registry, operation, after },
        E::RequestError(_) | E::IoError(_) => DiscoveryError::RegistryUnreachable { registry, reason },
        E::JsonError(_) => DiscoveryError::RegistryGarbage {
            registry,
            repository,
            operation,
            reason: format!("not the JSON the OCI Distribution API specifies ({reason})"),
        },
        E::ManifestParsingError(_)
        | E::ManifestEncodingError(_)
        | E::SpecViolationError(_)
        | E::VersionedParsingError(_)
        | E::UnsupportedMediaTypeError(_)
        | E::UnsupportedSchemaVersionError(_)
        | E::DigestError(_)
        | E::HeaderValueError(_) => DiscoveryError::RegistryGarbage { registry, repository, operation, reason },
        _ => DiscoveryError::Registry { registry, repository, operation, reason },
    }
}

/// The error and its causes on one line, cut to a readable length (a registry may answer
/// with a whole HTML page).
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    let line = parts.join(": ").replace(['\n', '\r'], " ");
    if line.chars().count() > 300 { format!("{}…", line.chars().take(300).collect::<String>()) } else { line }
}
