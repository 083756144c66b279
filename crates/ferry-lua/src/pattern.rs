//! Which objects a health script applies to: a group pattern and a kind pattern.
//!
//! Patterns are globs where `*` matches any run of characters and `?` any one character, as in
//! Argo CD's `resource.customizations` keys (`*.crossplane.io/*`). The core group is the empty
//! string; a group pattern of `*` matches it too.

use std::fmt;

/// A `group/Kind` pattern; an exact pattern has no wildcard in either part.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupKindPattern {
    group: String,
    kind: String,
}

impl GroupKindPattern {
    /// A pattern from its two parts; pass `""` as the group for the core group.
    pub fn new(group: impl Into<String>, kind: impl Into<String>) -> Self {
        Self { group: group.into(), kind: kind.into() }
    }

    /// Parses an Argo CD override key: `group/Kind`, or `Kind` alone for the core group.
    pub fn parse_key(key: &str) -> Self {
        match key.rsplit_once('/') {
            Some((group, kind)) => Self::new(group, kind),
            None => Self::new("", key),
        }
    }

    /// The group pattern (`""` for the core group).
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The kind pattern.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Whether neither part has a wildcard.
    pub fn is_exact(&self) -> bool {
        !has_wildcard(&self.group) && !has_wildcard(&self.kind)
    }

    /// Whether an object of this group and kind is covered.
    pub fn matches(&self, group: &str, kind: &str) -> bool {
        glob_match(&self.group, group) && glob_match(&self.kind, kind)
    }

    /// How specific the pattern is, for choosing among several wildcard matches: a literal kind
    /// beats a literal group, then more literal characters win.
    pub(crate) fn specificity(&self) -> (bool, bool, usize) {
        let literal = |part: &str| part.chars().filter(|c| !matches!(c, '*' | '?')).count();
        (!has_wildcard(&self.kind), !has_wildcard(&self.group), literal(&self.group) + literal(&self.kind))
    }
}

impl fmt::Display for GroupKindPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() { f.write_str(&self.kind) } else { write!(f, "{}/{}", self.group, self.kind) }
    }
}

fn has_wildcard(part: &str) -> bool {
    part.contains(['*', '?'])
}

/// Glob match with `*` and `?`, by the classic two-pointer walk with one backtrack point.
fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_argo_cd_keys() {
        assert!(glob_match("*.crossplane.io", "pkg.crossplane.io"));
        assert!(!glob_match("*.crossplane.io", "crossplane.io.evil"));
        assert!(glob_match("*", ""));
        assert!(glob_match("Cert?ficate", "Certificate"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(glob_match("Certificate", "Certificate"));
        assert!(!glob_match("Certificate", "certificate"));
    }

    #[test]
    fn keys_without_a_group_are_the_core_group() {
        let pattern = GroupKindPattern::parse_key("Service");
        assert_eq!((pattern.group(), pattern.kind()), ("", "Service"));
        assert!(pattern.matches("", "Service"));
        assert!(!pattern.matches("apps", "Service"));
        assert_eq!(
            GroupKindPattern::parse_key("cert-manager.io/Certificate").to_string(),
            "cert-manager.io/Certificate"
        );
    }

    #[test]
    fn a_literal_kind_is_more_specific_than_a_literal_group() {
        let by_kind = GroupKindPattern::new("*", "Certificate");
        let by_group = GroupKindPattern::new("cert-manager.io", "*");
        assert!(by_kind.specificity() > by_group.specificity());
        assert!(!by_kind.is_exact());
        assert!(GroupKindPattern::new("", "Service").is_exact());
    }
}
