//! Image subscriptions: candidate images of one repository by strategy.
//!
//! - `SemVer`: tags that are semantic versions (`1.2.3`, `v1.2.3`) within the constraint,
//!   greatest first. `Lexical`: tags in reverse lexical order. Both inspect tags in that order
//!   only until `discoveryLimit` images are found.
//! - `NewestBuild`: every admitted tag is resolved to its digest (one `HEAD` each); build
//!   times are read from image configurations only for digests not seen before (they are
//!   remembered, a digest's configuration never changes), then the newest builds win.
//! - `Digest`: the current digest of the one mutable `tag`.
//!
//! The Revision's digest is the digest the tag points at: the index's digest for a
//! multi-platform image (as Kargo records it), so a deployment pinned to it runs on every
//! platform; `platform` only chooses whose configuration gives the build time, and skips tags
//! that have no image for it.

use ferry_api::{ImageSelectionStrategy, ImageSubscription};
use ferry_core::freight::Revision;
use futures::StreamExt;
use oci_client::secrets::RegistryAuth;

use super::image_config::{ImageConfig, Manifest};
use super::registry::{ImageRepo, Registries};
use super::tags::{self, TagFilter};
use super::{Discovered, DiscoveryError};

/// Tags inspected at once by `NewestBuild` (the host's budget still paces them).
const PARALLEL_INSPECTIONS: usize = 8;

pub(crate) async fn discover(
    registries: &Registries,
    sub: &ImageSubscription,
    auth: RegistryAuth,
) -> Result<Vec<Discovered>, DiscoveryError> {
    let repo = ImageRepo::parse(&sub.repo_url)?;
    let limit = sub.discovery_limit as usize;
    let platform = sub.platform.as_deref();
    let strategy = sub.image_selection_strategy;
    if strategy == ImageSelectionStrategy::Digest {
        let tag = sub.tag.as_deref().unwrap_or("latest");
        return Ok(vec![inspect(registries, &repo, tag, platform, &auth).await?]);
    }
    let filter = TagFilter::new(&sub.allow_tags, &sub.ignore_tags)?;
    let constraint = tags::constraint(sub.semver_constraint.as_deref())?;
    let all = registries.tags(&repo, &auth).await?;
    let admitted = all.iter().map(String::as_str).filter(|t| filter.admits(t));
    let ordered = match strategy {
        ImageSelectionStrategy::SemVer => tags::by_semver(admitted, constraint.as_ref()),
        ImageSelectionStrategy::Lexical => tags::lexical(admitted),
        _ => return newest_builds(registries, &repo, admitted.collect(), platform, &auth, limit).await,
    };
    first_images(registries, &repo, &ordered, platform, &auth, limit).await
}

/// Inspects `ordered` tags one by one until `limit` images are found.
async fn first_images(
    registries: &Registries,
    repo: &ImageRepo,
    ordered: &[&str],
    platform: Option<&str>,
    auth: &RegistryAuth,
    limit: usize,
) -> Result<Vec<Discovered>, DiscoveryError> {
    let mut found = Vec::new();
    for tag in ordered {
        if found.len() >= limit {
            break;
        }
        if let Some(image) = skip_other_platforms(inspect(registries, repo, tag, platform, auth).await)? {
            found.push(image);
        }
    }
    Ok(found)
}

/// Inspects every tag and keeps the `limit` newest builds (then the greatest tag on a tie).
async fn newest_builds(
    registries: &Registries,
    repo: &ImageRepo,
    candidates: Vec<&str>,
    platform: Option<&str>,
    auth: &RegistryAuth,
    limit: usize,
) -> Result<Vec<Discovered>, DiscoveryError> {
    // The futures are built before streaming them: a stream holding the closure that makes
    // them would keep `discover`'s future from being `Send`.
    let inspections: Vec<_> = candidates.iter().map(|t| inspect(registries, repo, t, platform, auth)).collect();
    let results: Vec<_> = futures::stream::iter(inspections).buffer_unordered(PARALLEL_INSPECTIONS).collect().await;
    let mut found = Vec::new();
    for result in results {
        found.extend(skip_other_platforms(result)?);
    }
    found.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| tag_of(b).cmp(tag_of(a))));
    found.truncate(limit);
    Ok(found)
}

fn tag_of(d: &Discovered) -> &str {
    match &d.revision {
        Revision::Image { tag: Some(tag), .. } => tag,
        _ => "",
    }
}

/// A tag without an image for the subscription's platform is not a candidate.
fn skip_other_platforms(result: Result<Discovered, DiscoveryError>) -> Result<Option<Discovered>, DiscoveryError> {
    match result {
        Ok(image) => Ok(Some(image)),
        Err(DiscoveryError::NoPlatform { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The digest behind `tag` and the image's build time.
async fn inspect(
    registries: &Registries,
    repo: &ImageRepo,
    tag: &str,
    platform: Option<&str>,
    auth: &RegistryAuth,
) -> Result<Discovered, DiscoveryError> {
    let digest = registries.digest(repo, tag, auth).await?;
    let key = format!("{}@{digest}|{}", repo.url, platform.unwrap_or(""));
    let created = match registries.cached_created(&key) {
        Some(created) => created,
        None => {
            let created = build_time(registries, repo, tag, &digest, platform, auth).await?;
            registries.remember_created(key, created);
            created
        }
    };
    let revision = Revision::Image { repo_url: repo.url.clone(), digest, tag: Some(tag.to_owned()) };
    Ok(Discovered { revision, created, author: None, message: None })
}

/// Reads the manifest at `digest` (choosing the platform's image from an index) and the
/// `created` time of its configuration.
async fn build_time(
    registries: &Registries,
    repo: &ImageRepo,
    tag: &str,
    digest: &str,
    platform: Option<&str>,
    auth: &RegistryAuth,
) -> Result<Option<i64>, DiscoveryError> {
    let garbage = |reason: String| DiscoveryError::RegistryGarbage {
        registry: repo.host.clone(),
        repository: repo.repository.clone(),
        operation: "reading a manifest",
        reason,
    };
    let no_platform = || DiscoveryError::NoPlatform {
        repo: repo.url.clone(),
        tag: tag.to_owned(),
        platform: platform.unwrap_or_default().to_owned(),
    };
    let (bytes, _) = registries.manifest(repo, digest, auth).await?;
    let mut manifest = Manifest::parse(&bytes).map_err(garbage)?;
    if manifest.manifests.is_some() {
        let entry = manifest.entry_for(platform).ok_or_else(no_platform)?;
        let (bytes, _) = registries.manifest(repo, &entry.digest.clone(), auth).await?;
        manifest = Manifest::parse(&bytes).map_err(garbage)?;
    }
    let config = manifest.config.ok_or_else(|| garbage("an index inside an index".to_owned()))?;
    let blob = registries.blob(repo, &config.digest).await?;
    let config = ImageConfig::parse(&blob).map_err(garbage)?;
    if platform.is_some_and(|p| !config.is_for(p)) {
        return Err(no_platform());
    }
    Ok(config.created())
}
