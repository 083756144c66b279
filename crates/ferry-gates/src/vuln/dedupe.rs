//! Merging findings from several reports: the same vulnerability in the same package version counts
//! once, however many scanners (or scan targets of one report) list it.

use std::collections::HashMap;

use super::finding::Finding;

/// The findings with duplicates (same id, package and installed version) merged, in first-seen order;
/// packages are compared by [`Finding::package_key`].
///
/// A merged finding keeps the highest severity, the first fixed version a report names, the status
/// that ranks highest (a suppression, then a fix, then no fix, then "won't fix") and every source.
pub fn dedupe(findings: impl IntoIterator<Item = Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::new();
    let mut index: HashMap<(String, String, String), usize> = HashMap::new();
    for finding in findings {
        let key = (finding.id.clone(), finding.package_key(), finding.installed_version.clone());
        match index.get(&key) {
            Some(&at) => merge_into(&mut merged[at], finding),
            None => {
                index.insert(key, merged.len());
                merged.push(finding);
            }
        }
    }
    merged
}

/// Folds `other` into `kept`.
fn merge_into(kept: &mut Finding, other: Finding) {
    kept.severity = kept.severity.max(other.severity);
    if kept.fixed_version.is_none() {
        kept.fixed_version = other.fixed_version;
    }
    if kept.purl.is_none() {
        kept.purl = other.purl;
    }
    if other.status.rank() > kept.status.rank() {
        kept.status = other.status;
    }
    for source in other.sources {
        if !kept.sources.contains(&source) {
            kept.sources.push(source);
        }
    }
}
