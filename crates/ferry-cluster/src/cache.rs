//! The live cache: every object carrying Ferry's label, across every kind the cluster
//! serves, kept current by watches (not polling). Drift detection subscribes to its change
//! notifications; the sync engine reads live state from it instead of asking the server.
//! The same cache over a chosen set of kinds, unfiltered, is what the admission webhook gives
//! its policies as `data.inventory` ([`LiveCache::watch_kinds`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::TryStreamExt;
use kube::api::{Api, DynamicObject};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::Value;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::client::ClusterClient;
use crate::error::ClusterError;
use crate::resources::Served;

/// `(group, kind, namespace, name)` of a live object.
pub type LiveKey = (String, String, String, String);

fn key_of(group: &str, obj: &Value) -> LiveKey {
    let s = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
    (group.to_string(), s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// Who an object belongs to (for the sync engine: the Application named by its tracking id).
pub type OwnerFn = fn(&Value) -> Option<String>;

/// The cached objects, indexed by owner so an Application's objects are found without a scan.
struct Index {
    objects: BTreeMap<LiveKey, Value>,
    by_owner: HashMap<String, BTreeSet<LiveKey>>,
    owner_of: OwnerFn,
}

impl Index {
    fn insert(&mut self, key: LiveKey, value: Value) {
        self.remove(&key);
        if let Some(owner) = (self.owner_of)(&value) {
            self.by_owner.entry(owner).or_default().insert(key.clone());
        }
        self.objects.insert(key, value);
    }

    fn remove(&mut self, key: &LiveKey) -> Option<Value> {
        let old = self.objects.remove(key)?;
        if let Some(owner) = (self.owner_of)(&old)
            && let Some(keys) = self.by_owner.get_mut(&owner)
        {
            keys.remove(key);
            if keys.is_empty() {
                self.by_owner.remove(&owner);
            }
        }
        Some(old)
    }
}

type Objects = Arc<RwLock<Index>>;

pub struct LiveCache {
    objects: Objects,
    changes: broadcast::Sender<LiveKey>,
    synced: watch::Sender<HashSet<(String, String)>>,
    watched: RwLock<HashSet<(String, String)>>,
    tasks: std::sync::Mutex<Vec<JoinHandle<()>>>,
    client: Arc<ClusterClient>,
    selector: String,
}

impl std::fmt::Debug for LiveCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCache").field("context", &self.client.context).field("selector", &self.selector).finish()
    }
}

impl LiveCache {
    /// Starts watching every watchable kind for objects matching `label_selector`;
    /// `owner_of` says who owns an object, for [`LiveCache::owned_by`].
    pub async fn start(
        client: Arc<ClusterClient>,
        label_selector: &str,
        owner_of: OwnerFn,
    ) -> Result<Arc<Self>, ClusterError> {
        let cache = Self::empty(client, label_selector, owner_of);
        cache.watch_new_kinds().await?;
        Ok(cache)
    }

    /// Starts watching every object of exactly `kinds` (no label selector, every namespace):
    /// a replica of part of the cluster, e.g. the kinds an admission webhook gives its policies.
    pub fn watch_kinds(client: Arc<ClusterClient>, kinds: Vec<Served>) -> Arc<Self> {
        let cache = Self::empty(client, "", |_| None);
        for served in kinds {
            cache.spawn_watch(served);
        }
        cache
    }

    fn empty(client: Arc<ClusterClient>, label_selector: &str, owner_of: OwnerFn) -> Arc<Self> {
        let (changes, _) = broadcast::channel(4096);
        let index = Index { objects: BTreeMap::new(), by_owner: HashMap::new(), owner_of };
        Arc::new(LiveCache {
            objects: Arc::new(RwLock::new(index)),
            changes,
            synced: watch::Sender::new(HashSet::new()),
            watched: RwLock::new(HashSet::new()),
            tasks: std::sync::Mutex::new(Vec::new()),
            client,
            selector: label_selector.to_string(),
        })
    }

    /// Starts watches for kinds not watched yet (e.g. a CRD just applied).
    pub async fn watch_new_kinds(&self) -> Result<usize, ClusterError> {
        let resources = self.client.refresh().await?;
        let started = resources.watchable().into_iter().filter(|served| self.spawn_watch(served.clone())).count();
        Ok(started)
    }

    /// Starts the watch of one kind unless its group/kind is watched already; whether it started.
    fn spawn_watch(&self, served: Served) -> bool {
        let id = (served.resource.group.clone(), served.resource.kind.clone());
        if !self.watched.write().unwrap_or_else(|e| e.into_inner()).insert(id) {
            return false;
        }
        let task = tokio::spawn(run_watch(
            served,
            self.client.kube(),
            self.selector.clone(),
            self.objects.clone(),
            self.changes.clone(),
            self.synced.clone(),
        ));
        self.tasks.lock().unwrap_or_else(|e| e.into_inner()).push(task);
        true
    }

    /// `(group, kind)` of the watched kinds whose initial list has not completed yet, sorted.
    pub fn unsynced(&self) -> Vec<(String, String)> {
        let done = self.synced.borrow();
        let watched = self.watched.read().unwrap_or_else(|e| e.into_inner());
        let mut pending: Vec<(String, String)> = watched.iter().filter(|id| !done.contains(*id)).cloned().collect();
        pending.sort();
        pending
    }

    /// Notified each time a watched kind completes its initial list (see [`LiveCache::unsynced`]).
    pub fn subscribe_synced(&self) -> watch::Receiver<HashSet<(String, String)>> {
        self.synced.subscribe()
    }

    /// Waits until every watched kind has completed its initial list.
    pub async fn wait_synced(&self, timeout: Duration) -> bool {
        let wanted = self.watched.read().unwrap_or_else(|e| e.into_inner()).clone();
        let mut rx = self.synced.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|done| wanted.is_subset(done))).await.is_ok_and(|r| r.is_ok())
    }

    pub fn get(&self, key: &LiveKey) -> Option<Value> {
        self.objects.read().unwrap_or_else(|e| e.into_inner()).objects.get(key).cloned()
    }

    /// Every cached object for which `keep` holds (a scan; prefer [`LiveCache::owned_by`]).
    pub fn select(&self, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
        let index = self.objects.read().unwrap_or_else(|e| e.into_inner());
        index.objects.values().filter(|o| keep(o)).cloned().collect()
    }

    /// The cached objects of one owner, from the owner index (no scan).
    pub fn owned_by(&self, owner: &str) -> Vec<Value> {
        let index = self.objects.read().unwrap_or_else(|e| e.into_inner());
        let keys = index.by_owner.get(owner);
        keys.into_iter().flatten().filter_map(|k| index.objects.get(k)).cloned().collect()
    }

    /// The owner of a cached object, as the owner function said when it was cached.
    pub fn owner(&self, key: &LiveKey) -> Option<String> {
        let index = self.objects.read().unwrap_or_else(|e| e.into_inner());
        index.objects.get(key).and_then(|v| (index.owner_of)(v))
    }

    /// Whether objects of this group/kind are being watched.
    pub fn watches(&self, group: &str, kind: &str) -> bool {
        self.watched.read().unwrap_or_else(|e| e.into_inner()).contains(&(group.to_string(), kind.to_string()))
    }

    /// Keys of objects as they change (added, modified, deleted).
    pub fn subscribe(&self) -> broadcast::Receiver<LiveKey> {
        self.changes.subscribe()
    }

    pub fn context(&self) -> &str {
        &self.client.context
    }
}

impl Drop for LiveCache {
    fn drop(&mut self) {
        for t in self.tasks.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            t.abort();
        }
    }
}

async fn run_watch(
    served: Served,
    client: kube::Client,
    selector: String,
    objects: Objects,
    changes: broadcast::Sender<LiveKey>,
    synced: watch::Sender<HashSet<(String, String)>>,
) {
    let api: Api<DynamicObject> = Api::all_with(client, &served.resource);
    let group = served.resource.group.clone();
    let id = (group.clone(), served.resource.kind.clone());
    let config = match selector.as_str() {
        "" => watcher::Config::default(),
        selector => watcher::Config::default().labels(selector),
    };
    // Backing off keeps a watch that keeps failing (forbidden, server down) from spinning.
    let mut stream = std::pin::pin!(watcher(api, config).default_backoff());
    let mut initial: Option<BTreeMap<LiveKey, Value>> = None;
    loop {
        let event = match stream.try_next().await {
            Ok(Some(e)) => e,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(group = %id.0, kind = %id.1, error = %e, "watch failed; retrying with backoff");
                continue;
            }
        };
        let apply_one = |obj: DynamicObject| -> Option<(LiveKey, Value)> {
            let mut v = serde_json::to_value(obj).ok()?;
            set_type(&mut v, &served);
            Some((key_of(&group, &v), v))
        };
        match event {
            watcher::Event::Init => initial = Some(BTreeMap::new()),
            watcher::Event::InitApply(obj) => {
                if let (Some(init), Some((k, v))) = (initial.as_mut(), apply_one(obj)) {
                    init.insert(k, v);
                }
            }
            watcher::Event::InitDone => {
                let fresh = initial.take().unwrap_or_default();
                replace_kind(&objects, &changes, &id, fresh);
                synced.send_modify(|done| {
                    done.insert(id.clone());
                });
            }
            watcher::Event::Apply(obj) => {
                if let Some((k, v)) = apply_one(obj) {
                    objects.write().unwrap_or_else(|e| e.into_inner()).insert(k.clone(), v);
                    let _ = changes.send(k);
                }
            }
            watcher::Event::Delete(obj) => {
                if let Some((k, _)) = apply_one(obj) {
                    objects.write().unwrap_or_else(|e| e.into_inner()).remove(&k);
                    let _ = changes.send(k);
                }
            }
        }
    }
}

/// Watch events of typed lists may lack apiVersion/kind; the cache always has them.
fn set_type(v: &mut Value, served: &Served) {
    if let Some(map) = v.as_object_mut() {
        map.insert("apiVersion".into(), Value::String(served.resource.api_version.clone()));
        map.insert("kind".into(), Value::String(served.resource.kind.clone()));
    }
}

fn replace_kind(
    objects: &Objects,
    changes: &broadcast::Sender<LiveKey>,
    id: &(String, String),
    fresh: BTreeMap<LiveKey, Value>,
) {
    let mut all = objects.write().unwrap_or_else(|e| e.into_inner());
    let stale: Vec<LiveKey> =
        all.objects.keys().filter(|k| k.0 == id.0 && k.1 == id.1 && !fresh.contains_key(*k)).cloned().collect();
    for k in stale {
        all.remove(&k);
        let _ = changes.send(k);
    }
    for (k, v) in fresh {
        if all.objects.get(&k) != Some(&v) {
            let _ = changes.send(k.clone());
        }
        all.insert(k, v);
    }
}
