//! The set of health scripts, and which one applies to an object's group and kind.
//!
//! An exact `group/Kind` entry wins; otherwise the most specific wildcard entry that matches
//! (see [`GroupKindPattern::specificity`]), and among equals the one added first.

use crate::pattern::GroupKindPattern;
use crate::script::Script;

/// Health scripts keyed by group/kind pattern.
#[derive(Debug, Clone, Default)]
pub struct HealthScripts {
    entries: Vec<(GroupKindPattern, Script)>,
}

impl HealthScripts {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a script; a script already registered under the same pattern is replaced.
    pub fn insert(&mut self, pattern: GroupKindPattern, script: Script) {
        match self.entries.iter_mut().find(|(existing, _)| *existing == pattern) {
            Some(entry) => entry.1 = script,
            None => self.entries.push((pattern, script)),
        }
    }

    /// Adds every script of `other`; on the same pattern `other` wins (a later source overrides).
    pub fn merge(&mut self, other: HealthScripts) {
        for (pattern, script) in other.entries {
            self.insert(pattern, script);
        }
    }

    /// The script for objects of this group (`""` for the core group) and kind, if any.
    pub fn for_kind(&self, group: &str, kind: &str) -> Option<&Script> {
        let exact = self
            .entries
            .iter()
            .find(|(pattern, _)| pattern.is_exact() && pattern.group() == group && pattern.kind() == kind);
        exact.or_else(|| self.best_wildcard(group, kind)).map(|(_, script)| script)
    }

    /// The patterns and scripts, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&GroupKindPattern, &Script)> {
        self.entries.iter().map(|(pattern, script)| (pattern, script))
    }

    /// How many scripts there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn best_wildcard(&self, group: &str, kind: &str) -> Option<&(GroupKindPattern, Script)> {
        self.entries
            .iter()
            .filter(|(pattern, _)| !pattern.is_exact() && pattern.matches(group, kind))
            // `max_by_key` keeps the last maximum; reversing keeps the first one added.
            .rev()
            .max_by_key(|(pattern, _)| pattern.specificity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_keys(keys: &[&str]) -> HealthScripts {
        let mut scripts = HealthScripts::new();
        for key in keys {
            scripts.insert(GroupKindPattern::parse_key(key), Script::new("return {}", *key));
        }
        scripts
    }

    fn origin<'a>(scripts: &'a HealthScripts, group: &str, kind: &str) -> Option<&'a str> {
        scripts.for_kind(group, kind).map(Script::origin)
    }

    #[test]
    fn exact_beats_wildcards_in_any_order() {
        let scripts = with_keys(&["*/*", "cert-manager.io/*", "cert-manager.io/Certificate", "*/Certificate"]);
        assert_eq!(origin(&scripts, "cert-manager.io", "Certificate"), Some("cert-manager.io/Certificate"));
        assert_eq!(origin(&scripts, "cert-manager.io", "Issuer"), Some("cert-manager.io/*"));
        assert_eq!(origin(&scripts, "example.com", "Certificate"), Some("*/Certificate"));
        assert_eq!(origin(&scripts, "apps", "Deployment"), Some("*/*"));
    }

    #[test]
    fn the_core_group_is_empty() {
        let scripts = with_keys(&["Service", "apps/Deployment"]);
        assert_eq!(origin(&scripts, "", "Service"), Some("Service"));
        assert_eq!(origin(&scripts, "v1", "Service"), None);
        assert_eq!(origin(&scripts, "", "Deployment"), None);
    }

    #[test]
    fn more_literal_characters_win_then_the_first_added() {
        let scripts = with_keys(&["*.io/*", "*.example.io/*"]);
        assert_eq!(origin(&scripts, "a.example.io", "X"), Some("*.example.io/*"));
        let scripts = with_keys(&["a*/*", "*a/*"]);
        assert_eq!(origin(&scripts, "aa", "X"), Some("a*/*"));
    }

    #[test]
    fn scripts_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<HealthScripts>();
    }

    #[test]
    fn later_sources_override_the_same_pattern() {
        let mut base = with_keys(&["apps/Deployment"]);
        let mut newer = HealthScripts::new();
        newer.insert(GroupKindPattern::new("apps", "Deployment"), Script::new("return {}", "newer"));
        base.merge(newer);
        assert_eq!(base.len(), 1);
        assert_eq!(origin(&base, "apps", "Deployment"), Some("newer"));
    }
}
