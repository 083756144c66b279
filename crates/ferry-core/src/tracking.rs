//! Which live objects an Application owns. Every object Ferry applies carries
//!
//! - the label `ferry.dev/managed: "true"`, so one label-selected watch per kind finds all of
//!   Ferry's objects (and nothing else) in a cluster, and
//! - the annotation `ferry.dev/tracking-id: <app>:<group>/<Kind>:<namespace>/<name>` (Argo CD's
//!   annotation-tracking format), which says which Application owns it *and* under which
//!   identity. An object copied from elsewhere keeps a tracking id that does not match its own
//!   identity, so it is never pruned by mistake — the reason Argo CD moved to annotation
//!   tracking.
//!
//! Pruning only ever touches objects for which [`owned_by`] holds.

use serde_json::{Map, Value};

use crate::plan::ResourceKey;

pub const MANAGED_LABEL: &str = "ferry.dev/managed";
pub const TRACKING_ANNOTATION: &str = "ferry.dev/tracking-id";

/// The tracking id of `key` in `app`.
pub fn tracking_id(app: &str, key: &ResourceKey) -> String {
    format!("{app}:{}/{}:{}/{}", key.group, key.kind, key.namespace, key.name)
}

/// Parses a tracking id into the Application name and the identity it records.
pub fn parse_tracking_id(id: &str) -> Option<(String, ResourceKey)> {
    let (app, rest) = id.split_once(':')?;
    let (gk, nn) = rest.split_once(':')?;
    let (group, kind) = gk.split_once('/')?;
    let (namespace, name) = nn.split_once('/')?;
    if app.is_empty() || kind.is_empty() || name.is_empty() {
        return None;
    }
    Some((app.to_string(), ResourceKey::new(group, kind, namespace, name)))
}

fn child<'a>(obj: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    let map = obj.as_object_mut()?;
    let entry = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut()
}

/// Marks a desired object as owned by `app` (label and tracking annotation).
pub fn stamp(obj: &mut Value, app: &str, key: &ResourceKey) {
    let Some(meta) = child(obj, "metadata") else { return };
    let mut meta_value = Value::Object(std::mem::take(meta));
    if let Some(labels) = child(&mut meta_value, "labels") {
        labels.insert(MANAGED_LABEL.into(), Value::String("true".into()));
    }
    if let Some(annotations) = child(&mut meta_value, "annotations") {
        annotations.insert(TRACKING_ANNOTATION.into(), Value::String(tracking_id(app, key)));
    }
    if let (Some(meta), Value::Object(filled)) = (child(obj, "metadata"), meta_value) {
        *meta = filled;
    }
}

/// Whether a live object belongs to `app`: its tracking id names `app` and its own identity.
pub fn owned_by(obj: &Value, app: &str) -> bool {
    let id = obj.pointer("/metadata/annotations").and_then(|a| a.get(TRACKING_ANNOTATION)).and_then(Value::as_str);
    let Some((owner, recorded)) = id.and_then(parse_tracking_id) else { return false };
    let Ok(actual) = ResourceKey::from_object(obj) else { return false };
    owner == app && recorded == actual
}

/// The Application a live object belongs to, if its tracking id is consistent.
pub fn owner_of(obj: &Value) -> Option<String> {
    let id = obj.pointer("/metadata/annotations")?.get(TRACKING_ANNOTATION)?.as_str()?;
    let (owner, recorded) = parse_tracking_id(id)?;
    (ResourceKey::from_object(obj).ok()? == recorded).then_some(owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy(ns: &str, name: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns}})
    }

    #[test]
    fn stamped_objects_are_owned_by_their_app_only() {
        let mut d = deploy("shop", "web");
        let key = ResourceKey::from_object(&d).unwrap();
        stamp(&mut d, "guestbook", &key);
        assert_eq!(d["metadata"]["labels"][MANAGED_LABEL], "true");
        assert_eq!(d["metadata"]["annotations"][TRACKING_ANNOTATION], "guestbook:apps/Deployment:shop/web");
        assert!(owned_by(&d, "guestbook"));
        assert!(!owned_by(&d, "other"));
        assert_eq!(owner_of(&d).as_deref(), Some("guestbook"));
    }

    #[test]
    fn a_copied_object_is_not_owned() {
        let mut d = deploy("shop", "web");
        let key = ResourceKey::from_object(&d).unwrap();
        stamp(&mut d, "guestbook", &key);
        d["metadata"]["name"] = json!("web-copy");
        assert!(!owned_by(&d, "guestbook"), "its tracking id names another object");
        assert!(owner_of(&d).is_none());
    }

    #[test]
    fn tracking_ids_round_trip_and_reject_garbage() {
        let key = ResourceKey::new("", "Namespace", "", "shop");
        let id = tracking_id("app", &key);
        assert_eq!(id, "app:/Namespace:/shop");
        assert_eq!(parse_tracking_id(&id), Some(("app".into(), key)));
        for bad in ["", "app", "app:apps/Deployment", ":/Namespace:/x", "app:noslash:ns/n"] {
            assert!(parse_tracking_id(bad).is_none(), "{bad}");
        }
    }
}
