//! `includePaths` / `excludePaths` of a Git subscription: which commits count.
//!
//! A pattern is `regex:<regular expression>`, `glob:<glob>`, a glob (when it has `*`, `?` or
//! `[`), or a path prefix (`apps/web` covers `apps/web` and everything below it). A commit
//! counts when one of the paths it changes is included (every path is when there are no
//! include patterns) and not excluded — so a commit that only touches excluded paths is
//! skipped, as in Kargo.

use globset::{Glob, GlobMatcher};
use regex::Regex;

use super::DiscoveryError;

#[derive(Debug)]
enum Pattern {
    Prefix(String),
    Glob(GlobMatcher),
    Regex(Regex),
}

/// The compiled include and exclude patterns.
#[derive(Debug)]
pub(crate) struct PathFilter {
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

impl PathFilter {
    pub(crate) fn new(include: &[String], exclude: &[String]) -> Result<Self, DiscoveryError> {
        Ok(Self { include: compile(include)?, exclude: compile(exclude)? })
    }

    /// Whether no pattern is set: every commit counts and no diff is needed.
    pub(crate) fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether a commit changing `paths` counts.
    pub(crate) fn admits<'a>(&self, paths: impl IntoIterator<Item = &'a str>) -> bool {
        paths.into_iter().any(|p| {
            (self.include.is_empty() || self.include.iter().any(|i| i.matches(p)))
                && !self.exclude.iter().any(|e| e.matches(p))
        })
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match self {
            Pattern::Prefix(prefix) => {
                prefix.is_empty()
                    || path == prefix
                    || path.strip_prefix(prefix.as_str()).is_some_and(|r| r.starts_with('/'))
            }
            Pattern::Glob(glob) => glob.is_match(path),
            Pattern::Regex(regex) => regex.is_match(path),
        }
    }
}

fn compile(patterns: &[String]) -> Result<Vec<Pattern>, DiscoveryError> {
    patterns.iter().map(|p| pattern(p)).collect()
}

fn pattern(text: &str) -> Result<Pattern, DiscoveryError> {
    let invalid =
        |reason: String| DiscoveryError::InvalidPattern { what: "path pattern", pattern: text.to_owned(), reason };
    if let Some(re) = text.strip_prefix("regex:") {
        return regex::RegexBuilder::new(re)
            .size_limit(1 << 20)
            .build()
            .map(Pattern::Regex)
            .map_err(|e| invalid(e.to_string()));
    }
    let glob = text.strip_prefix("glob:").or_else(|| text.contains(['*', '?', '[']).then_some(text));
    if let Some(glob) = glob {
        return globset::GlobBuilder::new(glob.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map(|g: Glob| Pattern::Glob(g.compile_matcher()))
            .map_err(|e| invalid(e.to_string()));
    }
    let prefix = text.trim_start_matches("./").trim_matches('/');
    Ok(Pattern::Prefix(prefix.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(include: &[&str], exclude: &[&str]) -> PathFilter {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        PathFilter::new(&own(include), &own(exclude)).unwrap()
    }

    #[test]
    fn prefixes_globs_and_regexes() {
        let f = filter(&["apps/web", "glob:charts/*/values.yaml", "regex:^docs/.*\\.md$"], &[]);
        assert!(f.admits(["apps/web/deploy.yaml"]));
        assert!(f.admits(["apps/web"]));
        assert!(!f.admits(["apps/website/deploy.yaml"]));
        assert!(f.admits(["charts/web/values.yaml"]));
        assert!(!f.admits(["charts/web/sub/values.yaml"]));
        assert!(f.admits(["README.txt", "docs/intro.md"]));
        assert!(!f.admits(["README.txt"]));
    }

    #[test]
    fn a_commit_touching_only_excluded_paths_is_skipped() {
        let f = filter(&["apps"], &["**/*.md"]);
        assert!(!f.admits(["apps/web/README.md"]));
        assert!(f.admits(["apps/web/README.md", "apps/web/deploy.yaml"]));
        let only_exclude = filter(&[], &["docs"]);
        assert!(!only_exclude.admits(["docs/a.md"]));
        assert!(only_exclude.admits(["docs/a.md", "main.go"]));
        let bad = PathFilter::new(&["regex:(".to_owned()], &[]).unwrap_err();
        assert!(bad.to_string().contains("regex:("), "{bad}");
    }
}
