//! Object storage for one cluster: objects by group/resource and namespace/name, one
//! increasing resourceVersion, and the recent event history that watches resume from.
//!
//! Every write happens inside [`Store::write`], under one lock: a write either commits
//! completely (object, resourceVersion, history, broadcast) or not at all, and watchers see
//! events in resourceVersion order.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};
use tokio::sync::{Notify, broadcast};

use crate::object;
use crate::registry::Registry;
use crate::resource::GroupResource;

/// How many events a watch can resume from; older resourceVersions get 410 Gone.
pub const HISTORY_LIMIT: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One committed change.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub rv: u64,
    pub kind: EventType,
    pub gr: GroupResource,
    pub object: Value,
    /// For MODIFIED: the labels before the change, so a label-selected watch can turn the
    /// event into ADDED or DELETED when the object enters or leaves its selection.
    pub old_labels: Option<Map<String, Value>>,
}

/// `(namespace, name)`; cluster-scoped objects have an empty namespace.
pub type ObjectKey = (String, String);

#[derive(Debug, Default)]
pub struct State {
    pub rv: u64,
    pub registry: Registry,
    objects: BTreeMap<GroupResource, BTreeMap<ObjectKey, Value>>,
    history: VecDeque<Arc<WatchEvent>>,
    /// Events at or below this resourceVersion may be missing from `history`.
    pub history_floor: u64,
    pending: Vec<Arc<WatchEvent>>,
}

impl State {
    pub fn get(&self, gr: &GroupResource, namespace: &str, name: &str) -> Option<&Value> {
        self.objects.get(gr)?.get(&(namespace.to_string(), name.to_string()))
    }

    /// Objects of a group/resource, in one namespace or all of them, in key order.
    pub fn list<'a>(&'a self, gr: &GroupResource, namespace: Option<&'a str>) -> impl Iterator<Item = &'a Value> + 'a {
        self.objects
            .get(gr)
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(move |((ns, _), _)| namespace.is_none_or(|n| n == ns))
            .map(|(_, v)| v)
    }

    /// Objects after `(namespace, name)` in key order: where the next page of a list starts.
    pub fn list_after<'a>(
        &'a self,
        gr: &GroupResource,
        namespace: Option<&'a str>,
        after: &ObjectKey,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        use std::ops::Bound::{Excluded, Unbounded};
        let after = after.clone();
        self.objects
            .get(gr)
            .into_iter()
            .flat_map(move |m| m.range((Excluded(after.clone()), Unbounded)))
            .filter(move |((ns, _), _)| namespace.is_none_or(|n| n == ns))
            .map(|(_, v)| v)
    }

    /// Every stored object of every kind.
    pub fn all(&self) -> impl Iterator<Item = (&GroupResource, &Value)> {
        self.objects.iter().flat_map(|(gr, m)| m.values().map(move |v| (gr, v)))
    }

    pub fn count(&self, gr: &GroupResource) -> usize {
        self.objects.get(gr).map_or(0, BTreeMap::len)
    }

    /// Stores an object under a fresh resourceVersion and records the event.
    pub fn put(&mut self, gr: &GroupResource, mut obj: Value) -> Value {
        self.rv += 1;
        object::metadata_mut(&mut obj).insert("resourceVersion".into(), Value::String(self.rv.to_string()));
        let key = (object::namespace(&obj).to_string(), object::name(&obj).to_string());
        let previous = self.objects.entry(gr.clone()).or_default().insert(key, obj.clone());
        let kind = if previous.is_some() { EventType::Modified } else { EventType::Added };
        let old_labels = previous.map(|p| object::labels(&p).cloned().unwrap_or_default());
        self.record(kind, gr, obj.clone(), old_labels);
        obj
    }

    /// Removes an object; the DELETED event carries it with a fresh resourceVersion.
    pub fn remove(&mut self, gr: &GroupResource, namespace: &str, name: &str) -> Option<Value> {
        let key = (namespace.to_string(), name.to_string());
        let mut obj = self.objects.get_mut(gr)?.remove(&key)?;
        self.rv += 1;
        object::metadata_mut(&mut obj).insert("resourceVersion".into(), Value::String(self.rv.to_string()));
        self.record(EventType::Deleted, gr, obj.clone(), None);
        Some(obj)
    }

    /// Drops every object of a group/resource (its CRD is gone), with DELETED events.
    pub fn remove_all(&mut self, gr: &GroupResource) {
        let keys: Vec<ObjectKey> = self.objects.get(gr).map(|m| m.keys().cloned().collect()).unwrap_or_default();
        for (ns, name) in keys {
            self.remove(gr, &ns, &name);
        }
        self.objects.remove(gr);
    }

    fn record(&mut self, kind: EventType, gr: &GroupResource, object: Value, old_labels: Option<Map<String, Value>>) {
        let event = Arc::new(WatchEvent { rv: self.rv, kind, gr: gr.clone(), object, old_labels });
        self.history.push_back(event.clone());
        while self.history.len() > HISTORY_LIMIT {
            if let Some(old) = self.history.pop_front() {
                self.history_floor = old.rv;
            }
        }
        self.pending.push(event);
    }

    /// Events after `rv`, or `None` when some of them are no longer kept.
    pub fn events_since(&self, rv: u64) -> Option<Vec<Arc<WatchEvent>>> {
        if rv < self.history_floor {
            return None;
        }
        let start = self.history.partition_point(|e| e.rv <= rv);
        Some(self.history.iter().skip(start).cloned().collect())
    }

    /// Loads objects from a snapshot without emitting events.
    pub fn restore(&mut self, rv: u64, objects: Vec<(GroupResource, Value)>) {
        for (gr, obj) in objects {
            let key = (object::namespace(&obj).to_string(), object::name(&obj).to_string());
            self.objects.entry(gr).or_default().insert(key, obj);
        }
        self.rv = rv;
        self.history_floor = rv;
    }
}

/// A cluster's storage: the state under a lock, a broadcast of committed events, and a
/// notification for whoever persists or reacts to changes.
#[derive(Debug)]
pub struct Store {
    state: Mutex<State>,
    events: broadcast::Sender<Arc<WatchEvent>>,
    changed: Notify,
}

impl Default for Store {
    fn default() -> Self {
        let (events, _) = broadcast::channel(16_384);
        Store { state: Mutex::new(State::default()), events, changed: Notify::new() }
    }
}

impl Store {
    /// Runs a write; its events are published before the lock is released, in order.
    pub fn write<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut state = self.lock();
        let out = f(&mut state);
        let pending = std::mem::take(&mut state.pending);
        if !pending.is_empty() {
            for e in pending {
                // No receivers is normal (nobody watching).
                let _ = self.events.send(e);
            }
            self.changed.notify_waiters();
        }
        out
    }

    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.lock())
    }

    /// Subscribes to events, atomically with reading the state they follow.
    pub fn subscribe_with<R>(&self, f: impl FnOnce(&State) -> R) -> (broadcast::Receiver<Arc<WatchEvent>>, R) {
        let state = self.lock();
        let rx = self.events.subscribe();
        (rx, f(&state))
    }

    /// Resolves after the next committed write.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock must not take the whole server down with poison.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn put_assigns_increasing_versions_and_history_resumes() {
        let store = Store::default();
        let gr = GroupResource::new("", "configmaps");
        let a = store.write(|s| s.put(&gr, json!({"metadata": {"name": "a", "namespace": "d"}})));
        let b = store.write(|s| s.put(&gr, json!({"metadata": {"name": "b", "namespace": "d"}})));
        assert_eq!(object::resource_version(&a), "1");
        assert_eq!(object::resource_version(&b), "2");
        let since = store.read(|s| s.events_since(1)).unwrap();
        assert_eq!(since.len(), 1);
        assert_eq!(object::name(&since[0].object), "b");
        store.write(|s| s.remove(&gr, "d", "a"));
        assert_eq!(store.read(|s| s.list(&gr, Some("d")).count()), 1);
    }

    #[test]
    fn too_old_version_is_reported() {
        let store = Store::default();
        store.write(|s| s.restore(10, vec![]));
        assert!(store.read(|s| s.events_since(5)).is_none());
        assert!(store.read(|s| s.events_since(10)).is_some());
    }
}
