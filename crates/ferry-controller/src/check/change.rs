//! What a change does to each Application's rendered objects: added, removed and changed
//! objects, with a unified YAML diff per object (Secret values masked, as everywhere).

use std::collections::BTreeMap;

use ferry_core::diff::render_change;
use ferry_core::plan::ResourceKey;
use serde::Serialize;
use serde_json::Value;

/// How an Application's rendered objects changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only in the head: a new Application.
    Added,
    /// Only in the base: the Application is deleted.
    Removed,
    Changed,
    Unchanged,
    /// It could not be rendered at the head.
    Failed,
    /// No base was given: rendered and checked, not compared.
    #[serde(rename = "not-compared")]
    NotCompared,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Unchanged => "unchanged",
            ChangeKind::Failed => "failed",
            ChangeKind::NotCompared => "rendered",
        }
    }
}

/// One object's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectChange {
    /// `Kind namespace/name`.
    pub object: String,
    pub kind: ChangeKind,
    /// The unified diff (`--- base`, `+++ head`).
    pub diff: String,
}

/// The changed objects of one Application, in key order.
pub fn object_changes(base: &[Value], head: &[Value]) -> Vec<ObjectChange> {
    let keyed =
        |objects: &[Value]| -> BTreeMap<String, Value> { objects.iter().map(|o| (sort_key(o), o.clone())).collect() };
    let (base, head) = (keyed(base), keyed(head));
    let mut keys: Vec<&String> = base.keys().chain(head.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (old, new) = (base.get(key), head.get(key));
            let object = super::finding::Finding::describe_object(new.or(old)?);
            let diff = render_change(old, new, ("base", "head"), "", false);
            let kind = match (old, new) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                _ if diff.is_empty() => return None,
                _ => ChangeKind::Changed,
            };
            Some(ObjectChange { object, kind, diff })
        })
        .collect()
}

/// Group, kind, namespace and name: objects are matched across sides by identity, not version.
fn sort_key(object: &Value) -> String {
    match ResourceKey::from_object(object) {
        Ok(key) => format!("{}/{}/{}/{}", key.group, key.kind, key.namespace, key.name),
        Err(_) => object.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn added_removed_and_changed_objects_with_masked_secrets() {
        let cm = |v: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"}, "data": {"k": v}});
        let secret = |v: &str| json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n"}, "data": {"password": v}});
        let gone = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "old", "namespace": "n"}});
        let base = vec![cm("1"), secret("aHVudGVyMg=="), gone];
        let head = vec![
            cm("2"),
            secret("c2VjcmV0LXZhbHVl"),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "new", "namespace": "n"}}),
        ];
        let changes = object_changes(&base, &head);
        let summary: Vec<(&str, ChangeKind)> = changes.iter().map(|c| (c.object.as_str(), c.kind)).collect();
        assert_eq!(
            summary,
            vec![
                ("ConfigMap n/c", ChangeKind::Changed),
                ("Secret n/s", ChangeKind::Changed),
                ("Service n/old", ChangeKind::Removed),
                ("Deployment n/new", ChangeKind::Added),
            ]
        );
        assert!(
            changes[0].diff.contains("-  k: \"1\"") && changes[0].diff.contains("+  k: \"2\""),
            "{}",
            changes[0].diff
        );
        let secret_diff = &changes[1].diff;
        assert!(!secret_diff.contains("aHVudGVyMg") && !secret_diff.contains("c2VjcmV0"), "{secret_diff}");
        assert!(secret_diff.contains("+++++++"), "{secret_diff}");
        assert!(object_changes(&[cm("1")], &[cm("1")]).is_empty());
    }
}
