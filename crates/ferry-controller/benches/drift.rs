//! Benchmark (not a test): drift with `controller::run` running and self-heal on. A second
//! client edits a managed ConfigMap with server-side apply under another field manager (as
//! `kubectl apply --server-side --force-conflicts` would); measured from just before the edit
//! is sent to (a) `Engine::status` reporting OutOfSync — called as soon as the engine's live
//! cache (its watch) reports the object changed — and (b) healed: the live object back at
//! Git's value, seen through an independent watch held by the second client.
//! Run: `cargo bench -p ferry-controller --bench drift` (`FERRY_BENCH_APPS`, default 100;
//! `FERRY_BENCH_EDITS`, default 60).

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Fixture, LocalCluster};
use ferry_cluster::ApplyOptions;
use ferry_controller::controller::{self, ControllerOptions};
use ferry_controller::{Engine, SyncStatus};
use futures::{StreamExt, TryStreamExt};
use kube::api::{Api, DynamicObject};
use kube::discovery::ApiResource;
use kube::runtime::watcher;
use serde_json::json;
use tokio::sync::mpsc;

const DEADLINE: Duration = Duration::from_secs(30);

fn main() {
    common::serve_if_child();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(run());
}

/// A ConfigMap's `data.key` as the second client's watch saw it, and when.
type Seen = (String, String, Option<String>, Instant);

async fn run() {
    let count = common::env_usize("FERRY_BENCH_APPS", 100);
    let edits = common::env_usize("FERRY_BENCH_EDITS", 60);
    println!("drift: {count} Applications x {} objects, {edits} edits, {}", common::OBJECTS_PER_APP, common::today());
    let policy = "  syncPolicy: {automated: {prune: true, selfHeal: true}}\n";
    let fx = Fixture::new(count, "ferry", policy);
    let cluster = LocalCluster::start(fx.dir.path(), &["ferry"]);
    let second = common::client(&cluster.kubeconfig, "ferry").await;
    common::create_namespaces(&second, count).await;

    let engine = Arc::new(fx.engine(&cluster.kubeconfig).await);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // Git polled every 3 minutes (Argo CD's default): only live changes wake the controller.
    let running = tokio::spawn(controller::run(engine.clone(), ControllerOptions::default(), async move {
        let _ = stopped.await;
    }));
    let started = Instant::now();
    wait_all_synced(&engine, &fx.apps).await;
    println!("controller synced all {count} Applications automatically in {:.1} s", started.elapsed().as_secs_f64());
    tokio::time::sleep(Duration::from_secs(1)).await;

    let mut seen = watch_configmaps(second.kube()).await;
    let app = engine.application(&fx.apps[0]).unwrap().value.clone();
    let cache = engine.cache(&engine.cluster_of(&app).await.unwrap()).await.unwrap();
    let (mut to_out_of_sync, mut to_healed, mut edit_calls) = (Vec::new(), Vec::new(), Vec::new());
    for e in 0..edits {
        let i = (e * 7) % count;
        let (name, c) = (common::app_name(i), e % 10);
        let cm = format!("config-{c}");
        let (git_value, drift_value) = (format!("value-{i}-{c}"), format!("drift-{e}"));
        let edit = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": cm, "namespace": name},
            "data": {"key": drift_value}});
        let mut changes = cache.subscribe();
        while seen.try_recv().is_ok() {}
        let key = (String::new(), "ConfigMap".to_string(), name.clone(), cm.clone());

        let t0 = Instant::now();
        let opts = ApplyOptions { field_manager: "kubectl-edit".into(), force: true, dry_run: false };
        second.apply(&edit, &opts).await.unwrap();
        edit_calls.push(t0.elapsed());
        let out_of_sync = async {
            loop {
                let Ok(changed) = changes.recv().await else { continue };
                if changed == key && engine.status(&name, false).await.unwrap().sync == SyncStatus::OutOfSync {
                    return t0.elapsed();
                }
            }
        };
        let healed = async {
            let mut drifted = false;
            loop {
                let (ns, n, value, at) = seen.recv().await.unwrap();
                if ns != name || n != cm {
                    continue;
                }
                drifted |= value.as_deref() == Some(&drift_value);
                if drifted && value.as_deref() == Some(&git_value) {
                    return at - t0;
                }
            }
        };
        let both = tokio::time::timeout(DEADLINE, futures::future::join(out_of_sync, healed)).await;
        let (a, b) = both.unwrap_or_else(|_| panic!("edit {e} of {name}/{cm}: not seen or not healed in time"));
        to_out_of_sync.push(a);
        to_healed.push(b);
        // Let the heal's sync finish and the controller settle before the next edit.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let _ = stop.send(());
    running.await.unwrap();
    let heals = engine.history(&common::app_name(0)).await.unwrap();
    println!("history of {}: {} syncs", common::app_name(0), heals.len());

    println!();
    println!("| from the edit to | p50 | p99 | max |");
    println!("|---|---|---|---|");
    for (what, mut v) in [
        ("edit request answered (second client)", edit_calls),
        ("(a) `Engine::status` says OutOfSync", to_out_of_sync),
        ("(b) live object back at Git's value (healed)", to_healed),
    ] {
        v.sort();
        println!(
            "| {what} | {} | {} | {} |",
            common::ms(common::percentile(&v, 0.5)),
            common::ms(common::percentile(&v, 0.99)),
            common::ms(*v.last().unwrap())
        );
    }
    println!("engine process peak RSS {}", common::mib(common::own_memory_kib("VmHWM:")));
}

async fn wait_all_synced(engine: &Engine, apps: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut pending: Vec<&String> = apps.iter().collect();
    while !pending.is_empty() {
        assert!(Instant::now() < deadline, "{} Applications never synced", pending.len());
        let mut still = Vec::new();
        for name in pending {
            let synced = engine.status(name, false).await.is_ok_and(|s| s.sync == SyncStatus::Synced);
            if !synced {
                still.push(name);
            }
        }
        pending = still;
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// The second client's own watch of every managed ConfigMap.
async fn watch_configmaps(kube: kube::Client) -> mpsc::UnboundedReceiver<Seen> {
    let ar = ApiResource {
        group: String::new(),
        version: "v1".into(),
        api_version: "v1".into(),
        kind: "ConfigMap".into(),
        plural: "configmaps".into(),
    };
    let api: Api<DynamicObject> = Api::all_with(kube, &ar);
    let (tx, rx) = mpsc::unbounded_channel();
    let (listed, ready) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut listed = Some(listed);
        let config = watcher::Config::default().labels(ferry_core::tracking::MANAGED_LABEL);
        let mut events = watcher(api, config).boxed();
        loop {
            let event = match events.try_next().await {
                Ok(Some(event)) => event,
                Ok(None) => return,
                Err(_) if tx.is_closed() => return,
                Err(e) => {
                    eprintln!("second client's watch: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let now = Instant::now();
            if matches!(event, watcher::Event::InitDone)
                && let Some(l) = listed.take()
            {
                let _ = l.send(());
            }
            if let watcher::Event::Apply(o) = event {
                let value = o.data.pointer("/data/key").and_then(|v| v.as_str()).map(str::to_string);
                let ns = o.metadata.namespace.clone().unwrap_or_default();
                let _ = tx.send((ns, o.metadata.name.clone().unwrap_or_default(), value, now));
            }
        }
    });
    ready.await.expect("the second client's watch lists its ConfigMaps");
    rx
}
