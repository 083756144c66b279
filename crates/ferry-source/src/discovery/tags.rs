//! Choosing among tags (Git tags, image tags, OCI chart tags): allow/ignore regexes, then
//! order by semantic version (within a constraint) or lexically, greatest first.

use ferry_core::semver::{Constraint, Version};
use regex::Regex;

use super::DiscoveryError;

/// `allowTags` / `ignoreTags`: a tag counts when it matches one allow pattern (any tag when
/// there are none) and no ignore pattern.
#[derive(Debug)]
pub(crate) struct TagFilter {
    allow: Vec<Regex>,
    ignore: Vec<Regex>,
}

impl TagFilter {
    pub(crate) fn new(allow: &[String], ignore: &[String]) -> Result<Self, DiscoveryError> {
        Ok(Self { allow: compile(allow)?, ignore: compile(ignore)? })
    }

    pub(crate) fn admits(&self, tag: &str) -> bool {
        (self.allow.is_empty() || self.allow.iter().any(|r| r.is_match(tag)))
            && !self.ignore.iter().any(|r| r.is_match(tag))
    }
}

fn compile(patterns: &[String]) -> Result<Vec<Regex>, DiscoveryError> {
    patterns
        .iter()
        .map(|p| {
            regex::RegexBuilder::new(p).size_limit(1 << 20).build().map_err(|e| DiscoveryError::InvalidPattern {
                what: "tag pattern",
                pattern: p.clone(),
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Parses a `semverConstraint`.
pub(crate) fn constraint(text: Option<&str>) -> Result<Option<Constraint>, DiscoveryError> {
    text.map(|t| {
        Constraint::parse(t).map_err(|e| DiscoveryError::InvalidPattern {
            what: "semver constraint",
            pattern: t.to_owned(),
            reason: e.reason,
        })
    })
    .transpose()
}

/// Tags that are full semantic versions (an optional `v` allowed) within `constraint`,
/// greatest version first; other tags are skipped. Ties (`v1.2.3` and `1.2.3`) break by name.
/// Without a constraint every release matches but no prerelease, as the constraint `*` does
/// (and as Helm picks a chart's latest version): a `2.0.0-rc.1` needs a constraint naming one.
pub(crate) fn by_semver<'a>(tags: impl IntoIterator<Item = &'a str>, constraint: Option<&Constraint>) -> Vec<&'a str> {
    let mut versions: Vec<(Version, &str)> = tags
        .into_iter()
        .filter_map(|t| Version::parse(t).ok().map(|v| (v, t)))
        .filter(|(v, _)| constraint.map_or(!v.is_prerelease(), |c| c.matches(v)))
        .collect();
    versions.sort_by(|(a, at), (b, bt)| b.cmp(a).then_with(|| bt.cmp(at)));
    versions.into_iter().map(|(_, t)| t).collect()
}

/// Tags in reverse lexical (byte) order: the greatest first.
pub(crate) fn lexical<'a>(tags: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut tags: Vec<&str> = tags.into_iter().collect();
    tags.sort_unstable_by(|a, b| b.cmp(a));
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_order_skips_non_versions_and_applies_the_constraint() {
        let c = constraint(Some("^1.0")).unwrap();
        let tags = ["latest", "1.0.0", "v1.10.0", "1.9.0", "2.0.0", "1.11.0-rc.1", "1.2"];
        assert_eq!(by_semver(tags, c.as_ref()), ["v1.10.0", "1.9.0", "1.0.0"]);
        assert_eq!(by_semver(tags, None), ["2.0.0", "v1.10.0", "1.9.0", "1.0.0"]);
    }

    #[test]
    fn filters_allow_then_ignore() {
        let f = TagFilter::new(&["^v".to_owned()], &["-rc".to_owned()]).unwrap();
        assert!(f.admits("v1.2.3"));
        assert!(!f.admits("1.2.3"));
        assert!(!f.admits("v1.2.3-rc.1"));
        assert_eq!(lexical(["a", "c", "b"]), ["c", "b", "a"]);
    }
}
