//! Shared helpers: discovery options for a temp dir, subscriptions with defaults, and the
//! tags/digests of a result.

use std::path::Path;
use std::time::Duration;

use ferry_api::{ChartSubscription, ImageSelectionStrategy, ImageSubscription, Subscription};
use ferry_core::freight::Revision;
use ferry_source::{Discovered, Discovery, DiscoveryOptions};

pub fn options(dir: &Path) -> DiscoveryOptions {
    let mut options = DiscoveryOptions::new(dir.join("git-cache"));
    options.timeout = Duration::from_secs(10);
    options.insecure_http_registries = Vec::new();
    options
}

/// Discovery for a registry on `host` (plain HTTP allowed there).
pub fn discovery_for(dir: &Path, hosts: &[&str]) -> Discovery {
    let mut options = options(dir);
    options.insecure_http_registries = hosts.iter().map(|h| (*h).to_owned()).collect();
    Discovery::new(options)
}

pub fn image(repo_url: &str, strategy: ImageSelectionStrategy) -> ImageSubscription {
    ImageSubscription {
        repo_url: repo_url.to_owned(),
        image_selection_strategy: strategy,
        semver_constraint: None,
        tag: None,
        allow_tags: Vec::new(),
        ignore_tags: Vec::new(),
        discovery_limit: 20,
        platform: None,
    }
}

pub fn chart(repo_url: &str, name: Option<&str>, constraint: Option<&str>) -> Subscription {
    Subscription::Chart(ChartSubscription {
        repo_url: repo_url.to_owned(),
        name: name.map(str::to_owned),
        semver_constraint: constraint.map(str::to_owned),
        discovery_limit: 20,
    })
}

/// The tag (image), version (chart) or commit (Git) of each candidate, in order.
pub fn names(found: &[Discovered]) -> Vec<String> {
    found
        .iter()
        .map(|d| match &d.revision {
            Revision::Image { tag, .. } => tag.clone().unwrap_or_default(),
            Revision::Chart { version, .. } => version.clone(),
            Revision::Git { commit, .. } => commit.clone(),
        })
        .collect()
}

pub fn digest(found: &Discovered) -> String {
    match &found.revision {
        Revision::Image { digest, .. } => digest.clone(),
        other => panic!("not an image: {other:?}"),
    }
}
