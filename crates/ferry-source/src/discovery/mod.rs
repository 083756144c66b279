//! Warehouse discovery: turns one subscription (`ferry_api::Subscription`) into candidate
//! Revisions, best first, at most the subscription's `discovery_limit` of them, as Kargo's
//! Warehouse does.
//!
//! - Git ([`git`]): the newest commits of a branch (optionally only those touching some paths),
//!   or tagged commits by semver, lexically or by tag date; fetched through the [`GitCache`].
//! - Images ([`image`]): tags of an OCI repository by semver, lexically, by build time, or the
//!   current digest of one mutable tag; through `oci-client`, one rate budget per registry
//!   host ([`registry_budget`]) and a timeout on every call, so one slow registry only slows
//!   the subscriptions that use it.
//! - Charts ([`chart`]): versions from a Helm repository's `index.yaml` or an OCI registry.
//!
//! The same registry access reads the scan reports CI attaches to an image (OCI referrers,
//! [`referrers`]) for the vulnerability gate.
//!
//! Discovery does not retry: an error is returned and the caller (the Warehouse reconciler)
//! schedules the next attempt with backoff ([`DiscoveryError::is_retryable`]).

mod chart;
mod chart_index;
mod credential_helper;
mod docker_config;
mod error;
mod git;
mod git_history;
mod git_paths;
mod image;
mod image_config;
mod referrers;
mod registry;
mod registry_budget;
mod tags;
mod timestamp;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ferry_api::Subscription;
use ferry_core::freight::Revision;

use credential_helper::DEFAULT_HELPER_TIMEOUT;
pub use error::DiscoveryError;
pub use referrers::{AttachedReport, DEFAULT_MAX_REPORT_BYTES, MAX_REPORTS};

use crate::GitCache;

/// One candidate found by discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub revision: Revision,
    /// Unix seconds: the commit time, the image's build time (its configuration's `created`),
    /// or the chart entry's `created`; `None` when the source does not say.
    pub created: Option<i64>,
    /// Git: the commit author's email (an approver may not be the author).
    pub author: Option<String>,
    /// Git: the commit's subject line; `None` for images and charts.
    pub message: Option<String>,
}

/// How discovery reaches sources.
#[derive(Debug, Clone)]
pub struct DiscoveryOptions {
    /// Where the Git cache keeps its bare repositories.
    pub git_cache_dir: PathBuf,
    /// A Docker `config.json` with registry credentials (`credHelpers`, `credsStore`,
    /// `auths`); none: anonymous access.
    pub docker_config: Option<PathBuf>,
    /// Directories searched for `docker-credential-<name>` helpers; `None`: `$PATH`.
    pub credential_helper_path: Option<OsString>,
    /// How long one credential helper run may take before it is killed.
    pub credential_helper_timeout: Duration,
    /// Requests per second allowed to one registry host, shared by every subscription to it.
    pub requests_per_second_per_registry: f64,
    /// The longest one call (a registry request, an index download) may take; Git fetches
    /// get at least [`crate::DEFAULT_FETCH_TIMEOUT`], as a first clone takes longer.
    pub timeout: Duration,
    /// Registries (`host:port`) spoken to over plain HTTP, e.g. `127.0.0.1:5000`.
    pub insecure_http_registries: Vec<String>,
}

impl DiscoveryOptions {
    /// Defaults a newcomer would pick: 20 requests per second per registry, 30 s per call,
    /// 10 s per credential helper run, anonymous HTTPS only.
    pub fn new(git_cache_dir: PathBuf) -> Self {
        Self {
            git_cache_dir,
            docker_config: None,
            credential_helper_path: None,
            credential_helper_timeout: DEFAULT_HELPER_TIMEOUT,
            requests_per_second_per_registry: 20.0,
            timeout: Duration::from_secs(30),
            insecure_http_registries: Vec::new(),
        }
    }
}

/// Discovery of new Revisions; cheap to clone, clones share the Git cache, the registry
/// client and the per-registry budgets.
#[derive(Debug, Clone)]
pub struct Discovery {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    options: DiscoveryOptions,
    git: GitCache,
    registries: registry::Registries,
    http: reqwest::Client,
}

impl Discovery {
    /// Discovery with `options`. Installs the TLS crypto provider if the program has not.
    pub fn new(options: DiscoveryOptions) -> Discovery {
        let fetch_timeout = options.timeout.max(crate::DEFAULT_FETCH_TIMEOUT);
        let git = GitCache::new(&options.git_cache_dir).with_fetch_timeout(fetch_timeout);
        let registries = registry::Registries::new(&options);
        let http = reqwest::Client::builder()
            .connect_timeout(options.timeout)
            .timeout(options.timeout)
            .build()
            .unwrap_or_default();
        Discovery { inner: Arc::new(Inner { options, git, registries, http }) }
    }

    /// The candidates of `subscription`, best first, at most its `discovery_limit`. A
    /// constraint or filter that nothing matches gives an empty list, not an error.
    pub async fn discover(&self, subscription: &Subscription) -> Result<Vec<Discovered>, DiscoveryError> {
        match subscription {
            Subscription::Git(git) => git::discover(&self.inner.git, git.clone()).await,
            Subscription::Image(image) => {
                let auth = self.auth_for(&image.repo_url).await?;
                image::discover(&self.inner.registries, image, auth).await
            }
            Subscription::Chart(chart) => {
                if chart.repo_url.starts_with("oci://") {
                    let repo = chart.repo_url.trim_start_matches("oci://");
                    let auth = self.auth_for(repo).await?;
                    chart::discover_oci(&self.inner.registries, chart, auth).await
                } else {
                    chart::discover_http(&self.inner.http, chart).await
                }
            }
        }
    }

    /// Credentials for the registry of `repo` from the Docker config, read at each call so
    /// rotated credentials are picked up; on a blocking thread, as a helper may run.
    async fn auth_for(&self, repo: &str) -> Result<oci_client::secrets::RegistryAuth, DiscoveryError> {
        let Some(path) = self.inner.options.docker_config.clone() else {
            return Ok(oci_client::secrets::RegistryAuth::Anonymous);
        };
        let host = registry::ImageRepo::parse(repo)?.host;
        let helpers = credential_helper::HelperSettings {
            search_path: self.inner.options.credential_helper_path.clone(),
            timeout: self.inner.options.credential_helper_timeout,
        };
        let repo = repo.to_owned();
        tokio::task::spawn_blocking(move || docker_config::auth_for(&path, &host, &helpers))
            .await
            .map_err(|e| DiscoveryError::Interrupted { repo, reason: e.to_string() })?
    }
}
