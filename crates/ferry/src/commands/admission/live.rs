//! The live part of the webhook's `data.inventory` (`--sync`): the objects of the chosen kinds,
//! replicated from a cluster by watches and swapped into the validator's inventory after every
//! change, as Gatekeeper's sync does. Objects being deleted (a `deletionTimestamp`) leave the
//! inventory at once, as in Gatekeeper. Until every kind's first full list has arrived, the
//! inventory says what it waits for, and `/readyz` answers 503.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use ferry_cluster::resources::Served;
use ferry_cluster::{Clusters, LiveCache, LiveKey};
use ferry_gates::admission::{InventoryHandle, SyncKind};
use ferry_gates::policy::Inventory;
use serde_json::Value;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::TryRecvError;
use tokio::task::JoinHandle;

/// `(group, kind)` of a synced kind, as the live cache names it.
type KindId = (String, String);

/// Watches replicating the synced kinds into an inventory; they stop when this is dropped.
pub struct LiveInventory {
    task: JoinHandle<()>,
}

impl Drop for LiveInventory {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Where to sync from and what.
pub struct LiveSource<'a> {
    pub kubeconfig: Option<&'a Path>,
    pub context: Option<&'a str>,
    pub kinds: &'a [SyncKind],
}

/// Resolves `source.kinds` on the cluster (a kind it does not serve is an error naming it),
/// starts their watches and keeps `handle` equal to `static_objects` plus the live objects.
pub async fn start(
    source: &LiveSource<'_>,
    static_objects: Vec<Value>,
    handle: InventoryHandle,
) -> anyhow::Result<LiveInventory> {
    let clusters = Clusters::load(source.kubeconfig)?;
    let context = match source.context {
        Some(name) => clusters.resolve(Some(name), None)?,
        None => clusters
            .contexts()
            .into_iter()
            .find(|c| c.current)
            .map(|c| c.name)
            .with_context(|| format!("kubeconfig {} has no current context: pass --context", clusters.source()))?,
    };
    let client = clusters.client(&context).await?;
    let mut served: Vec<Served> = Vec::new();
    for kind in source.kinds {
        let found = client
            .find_kind(kind.group.as_deref(), kind.version.as_deref(), &kind.kind)
            .await
            .with_context(|| format!("--sync {kind}"))?;
        add_once(&mut served, found)?;
    }
    let listed: Vec<String> = served.iter().map(name_of).collect();
    tracing::info!(%context, kinds = %listed.join(","), "syncing data.inventory");
    let names: HashMap<KindId, String> = served.iter().map(id_of).zip(listed).collect();
    handle.set_waiting_for(waiting_for(&names, &names.keys().cloned().collect::<Vec<_>>()));
    let cache = LiveCache::watch_kinds(client, served);
    let task = tokio::spawn(keep_current(cache, handle, Arc::new(static_objects), names));
    Ok(LiveInventory { task })
}

/// Adds `found` unless the same group/kind is there already; two versions of one kind would
/// put each object in the inventory twice.
fn add_once(served: &mut Vec<Served>, found: Served) -> anyhow::Result<()> {
    match served.iter().find(|s| id_of(s) == id_of(&found)) {
        None => served.push(found),
        Some(same) if same.resource.version == found.resource.version => {}
        Some(other) => bail!("--sync names {} and {}: sync one version of a kind", name_of(other), name_of(&found)),
    }
    Ok(())
}

fn id_of(served: &Served) -> KindId {
    (served.resource.group.clone(), served.resource.kind.clone())
}

/// `Ingress.v1.networking.k8s.io`, `Namespace.v1`: the `--sync` spelling.
fn name_of(served: &Served) -> String {
    let r = &served.resource;
    SyncKind { kind: r.kind.clone(), version: Some(r.version.clone()), group: Some(r.group.clone()) }.to_string()
}

fn waiting_for(names: &HashMap<KindId, String>, unsynced: &[KindId]) -> Vec<String> {
    let mut waiting: Vec<String> = unsynced.iter().filter_map(|id| names.get(id).cloned()).collect();
    waiting.sort();
    waiting
}

/// Rebuilds the inventory after every change; changes that arrive during a rebuild are taken
/// together by the next one, so a burst costs a few rebuilds, not one per object.
async fn keep_current(
    cache: Arc<LiveCache>,
    handle: InventoryHandle,
    static_objects: Arc<Vec<Value>>,
    names: HashMap<KindId, String>,
) {
    let mut changes = cache.subscribe();
    let mut synced = cache.subscribe_synced();
    let mut ready = false;
    loop {
        if drain(&mut changes) {
            return;
        }
        synced.borrow_and_update();
        let unsynced = cache.unsynced();
        let (cache2, objects) = (cache.clone(), static_objects.clone());
        let Ok((inventory, live)) = tokio::task::spawn_blocking(move || rebuild(&cache2, &objects)).await else {
            return;
        };
        handle.replace(inventory);
        // Set after the replacement: once nothing is waited for, the inventory holds every kind.
        handle.set_waiting_for(waiting_for(&names, &unsynced));
        if unsynced.is_empty() && !ready {
            ready = true;
            tracing::info!(objects = live, "data.inventory synced; ready");
        } else {
            tracing::debug!(objects = live, "data.inventory updated");
        }
        tokio::select! {
            received = changes.recv() => if matches!(received, Err(broadcast::error::RecvError::Closed)) { return },
            changed = synced.changed() => if changed.is_err() { return },
        }
    }
}

/// Takes every queued change; whether the channel closed.
fn drain(changes: &mut broadcast::Receiver<LiveKey>) -> bool {
    loop {
        match changes.try_recv() {
            Ok(_) | Err(TryRecvError::Lagged(_)) => {}
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Closed) => return true,
        }
    }
}

/// The static objects and the live ones not being deleted, as an inventory; and how many live
/// objects it holds. (Never logs objects: a synced Secret's data stays in memory only.)
fn rebuild(cache: &LiveCache, static_objects: &[Value]) -> (Inventory, usize) {
    let live = cache.select(|o| o.pointer("/metadata/deletionTimestamp").is_none_or(Value::is_null));
    let count = live.len();
    let mut objects = Vec::with_capacity(static_objects.len() + count);
    objects.extend_from_slice(static_objects);
    objects.extend(live);
    (Inventory::from_objects(&objects), count)
}
