//! A Warehouse's `image` subscription: container image tags in an OCI registry, picked by
//! semantic version, lexically, by build time, or by the digest behind a mutable tag.

use serde::Serialize;

use crate::decode::Decoder;
use crate::node::Node;
use crate::subscription;

/// How an image subscription picks the next image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ImageSelectionStrategy {
    /// The tag with the greatest semantic version, within `semverConstraint` (the default).
    SemVer,
    /// The lexically greatest tag (e.g. dates or build numbers padded alike).
    Lexical,
    /// The image built last, by the `created` time in its configuration.
    NewestBuild,
    /// The current digest of one mutable tag (`tag`, e.g. `latest`).
    Digest,
}

/// A subscription to a container image repository.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageSubscription {
    /// The repository without tag or digest, e.g. `ghcr.io/acme/web`.
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    pub image_selection_strategy: ImageSelectionStrategy,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver_constraint: Option<String>,
    /// The mutable tag followed by the `Digest` strategy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Only tags matching one of these regular expressions count (all when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allow_tags: Vec<String>,
    /// Tags matching one of these regular expressions never count.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore_tags: Vec<String>,
    pub discovery_limit: u32,
    /// The platform of a multi-platform image, e.g. `linux/amd64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

const STRATEGIES: &[(&str, ImageSelectionStrategy)] = &[
    ("SemVer", ImageSelectionStrategy::SemVer),
    ("Lexical", ImageSelectionStrategy::Lexical),
    ("NewestBuild", ImageSelectionStrategy::NewestBuild),
    ("Digest", ImageSelectionStrategy::Digest),
];

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<ImageSubscription> {
    let mut f = d.fields(node, path)?;
    let errors_before = d.error_count();
    let repo_url = f.required_string(d, "repoURL", "an image repository such as `ghcr.io/acme/web`");
    if let (Some(url), Some(n)) = (&repo_url, f.peek("repoURL"))
        && !is_image_repository(url)
    {
        d.invalid(n, &f.path("repoURL"), "an image repository without scheme, tag or digest, e.g. `ghcr.io/acme/web`");
    }
    let strategy = f.choice(d, "imageSelectionStrategy", STRATEGIES).unwrap_or(ImageSelectionStrategy::SemVer);
    let semver_constraint = subscription::semver_constraint(d, &mut f);
    let tag_node = f.peek("tag");
    let tag = f.string(d, "tag");
    let allow_tags = subscription::patterns(d, &mut f, "allowTags");
    let ignore_tags = subscription::patterns(d, &mut f, "ignoreTags");
    let discovery_limit = subscription::discovery_limit(d, &mut f);
    let platform_node = f.peek("platform");
    let platform = f.string(d, "platform");
    if let (Some(p), Some(n)) = (&platform, platform_node)
        && !is_platform(p)
    {
        d.invalid(n, &f.path("platform"), "a platform written `os/arch` or `os/arch/variant`, e.g. `linux/amd64`");
    }
    match (strategy, &tag) {
        (ImageSelectionStrategy::Digest, None) => {
            d.missing(f.line(), &f.path("tag"), "the mutable tag whose digest is followed (`Digest` strategy)")
        }
        (ImageSelectionStrategy::Digest, Some(_)) | (_, None) => {}
        (_, Some(_)) => d.invalid_at(
            tag_node.map_or(f.line(), |n| n.line),
            &f.path("tag"),
            "`tag` only with `imageSelectionStrategy: Digest`",
            "another strategy".to_owned(),
        ),
    }
    if semver_constraint.is_some() && strategy != ImageSelectionStrategy::SemVer {
        let line = f.peek("semverConstraint").map_or(f.line(), |n| n.line);
        let expected = "`semverConstraint` only with `imageSelectionStrategy: SemVer`";
        d.invalid_at(line, &f.path("semverConstraint"), expected, "another strategy".to_owned());
    }
    f.finish(d);
    if d.error_count() > errors_before {
        return None;
    }
    let repo_url = repo_url?;
    Some(ImageSubscription {
        repo_url,
        image_selection_strategy: strategy,
        semver_constraint,
        tag,
        allow_tags,
        ignore_tags,
        discovery_limit,
        platform,
    })
}

/// `host[:port]/path` or `path`, lowercase, without scheme, tag or digest.
fn is_image_repository(url: &str) -> bool {
    let last = url.rsplit('/').next().unwrap_or(url);
    !url.contains("://")
        && !url.contains('@')
        && !last.contains(':')
        && !url.split('/').any(str::is_empty)
        && url.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/:".contains(c))
}

fn is_platform(text: &str) -> bool {
    let parts: Vec<&str> = text.split('/').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}
