//! Chart subscriptions: the versions of one Helm chart, greatest semantic version first,
//! within the constraint, from an HTTP(S) repository's `index.yaml` or from an OCI registry's
//! tags (`oci://host/path/chart`; Helm writes a version's `+` as `_` in tags).

use ferry_api::ChartSubscription;
use ferry_core::freight::Revision;
use oci_client::secrets::RegistryAuth;

use super::chart_index::{self, MAX_INDEX_BYTES};
use super::registry::{ImageRepo, Registries};
use super::tags;
use super::{Discovered, DiscoveryError};
use crate::redact_url;

/// Versions from `<repoURL>/index.yaml`.
pub(crate) async fn discover_http(
    http: &reqwest::Client,
    sub: &ChartSubscription,
) -> Result<Vec<Discovered>, DiscoveryError> {
    let url = format!("{}/index.yaml", sub.repo_url.trim_end_matches('/'));
    let shown = redact_url(&url);
    let text = download(http, &url, &shown).await?;
    let name = sub.chart_name();
    let entries = chart_index::versions(&text, name)
        .map_err(|reason| DiscoveryError::ChartIndex { url: shown.clone(), reason })?
        .ok_or_else(|| DiscoveryError::ChartRepository {
            url: shown.clone(),
            reason: format!("no chart named {name:?}"),
        })?;
    let constraint = tags::constraint(sub.semver_constraint.as_deref())?;
    let ordered = tags::by_semver(entries.iter().map(|e| e.version.as_str()), constraint.as_ref());
    let found = ordered.into_iter().take(sub.discovery_limit as usize).map(|version| {
        let created = entries.iter().find(|e| e.version == version).and_then(|e| e.created.as_deref());
        chart(sub, version.to_owned(), created.and_then(super::timestamp::unix_seconds))
    });
    Ok(found.collect())
}

/// The index's text, refusing bodies over [`MAX_INDEX_BYTES`] before or while reading them.
async fn download(http: &reqwest::Client, url: &str, shown: &str) -> Result<String, DiscoveryError> {
    let failed = |reason: String| DiscoveryError::ChartRepository { url: shown.to_owned(), reason };
    let too_large = || DiscoveryError::ChartIndexTooLarge { url: shown.to_owned(), limit: MAX_INDEX_BYTES };
    let describe = |e: reqwest::Error| {
        let e = e.without_url();
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    };
    let mut response = http.get(url).send().await.map_err(|e| failed(describe(e)))?;
    if !response.status().is_success() {
        return Err(failed(format!("GET index.yaml answered {}", response.status())));
    }
    if response.content_length().is_some_and(|n| n > MAX_INDEX_BYTES) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| failed(describe(e)))? {
        if (body.len() + chunk.len()) as u64 > MAX_INDEX_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body)
        .map_err(|_| DiscoveryError::ChartIndex { url: shown.to_owned(), reason: "not UTF-8 text".to_owned() })
}

/// Versions from the tags of `oci://host/path/chart`.
pub(crate) async fn discover_oci(
    registries: &Registries,
    sub: &ChartSubscription,
    auth: RegistryAuth,
) -> Result<Vec<Discovered>, DiscoveryError> {
    let repo = ImageRepo::parse(sub.repo_url.trim_start_matches("oci://"))?;
    let versions: Vec<String> = registries.tags(&repo, &auth).await?.into_iter().map(|t| t.replace('_', "+")).collect();
    let constraint = tags::constraint(sub.semver_constraint.as_deref())?;
    let ordered = tags::by_semver(versions.iter().map(String::as_str), constraint.as_ref());
    Ok(ordered.into_iter().take(sub.discovery_limit as usize).map(|v| chart(sub, v.to_owned(), None)).collect())
}

fn chart(sub: &ChartSubscription, version: String, created: Option<i64>) -> Discovered {
    let revision = Revision::Chart { repo_url: sub.repo_url.clone(), name: sub.chart_name().to_owned(), version };
    Discovered { revision, created, author: None, message: None }
}
