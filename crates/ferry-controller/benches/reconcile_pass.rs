//! Benchmark (not a test): one steady-state reconcile pass — `Engine::status(name, false)`,
//! i.e. render at the pinned revision from the Git cache and diff against the live cache —
//! over N unchanged Applications × 20 objects. The objects are put in the cluster directly
//! (server-side apply as field manager `ferry`, stamped as a sync stamps them), then the pass
//! must find every Application Synced. Prints wall time, the engine process's peak RSS, and
//! what two suspected costs of each status call take alone, and the cost of the live cache
//! scan at the 10,000-Application scale (on synthetic objects, no cluster).
//! Run: `cargo bench -p ferry-controller --bench reconcile_pass` (`FERRY_BENCH_APPS`, default
//! 1000: a pass is quadratic in the number of Applications today, see BENCHMARKS.md;
//! `FERRY_BENCH_PASSES`, default 1).

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Fixture, LocalCluster};
use ferry_controller::{Engine, SyncStatus};
use ferry_core::plan::ResourceKey;
use ferry_core::tracking;
use futures::{StreamExt, stream};

const SAMPLE: usize = 200;

fn main() {
    common::serve_if_child();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(run());
}

async fn run() {
    let count = common::env_usize("FERRY_BENCH_APPS", 1000);
    let passes = common::env_usize("FERRY_BENCH_PASSES", 1);
    println!("reconcile_pass: {count} Applications x {} objects, {}", common::OBJECTS_PER_APP, common::today());
    let setup = Instant::now();
    let fx = Fixture::new(count, "ferry", "");
    println!("repo and control folder: {:.1} s", setup.elapsed().as_secs_f64());
    let cluster = LocalCluster::start(fx.dir.path(), &["ferry"]);
    let seeding = Instant::now();
    {
        let client = common::client(&cluster.kubeconfig, "ferry").await;
        common::create_namespaces(&client, count).await;
        let objects = (0..count).flat_map(stamped).collect();
        common::apply_all(&client, objects, "ferry", 16).await;
    }
    println!(
        "seeded {} objects through server-side apply in {:.1} s",
        count * common::OBJECTS_PER_APP,
        seeding.elapsed().as_secs_f64()
    );

    let engine = fx.engine(&cluster.kubeconfig).await;
    let warm = Instant::now();
    // The one Git fetch, discovery, and the live cache's initial lists of every kind.
    engine.status(&fx.apps[0], true).await.unwrap();
    println!("engine warm-up (fetch + live cache synced): {:.1} s", warm.elapsed().as_secs_f64());
    let rss_before = common::own_memory_kib("VmRSS:");
    let reset = common::reset_peak_rss();

    for pass in 1..=passes {
        let (took, synced, latencies) = status_pass(&engine, &fx.apps).await;
        println!(
            "pass {pass}: {count} x Engine::status(name, false), sequential: {:.2} s ({:.2} ms/app, p50 {} p99 {}); {synced}/{count} Synced",
            took.as_secs_f64(),
            took.as_secs_f64() * 1000.0 / count as f64,
            common::ms(common::percentile(&latencies, 0.5)),
            common::ms(common::percentile(&latencies, 0.99)),
        );
        assert_eq!(synced, count, "every Application must be Synced");
    }
    println!(
        "engine process RSS before the passes {}, peak during them {} (VmHWM{}); local cluster server RSS {}",
        common::mib(rss_before),
        common::mib(common::own_memory_kib("VmHWM:")),
        if reset { ", reset before the passes" } else { ", since process start" },
        common::mib(cluster.memory_kib("VmRSS:")),
    );
    parts(&engine, &fx.apps).await;
    scan_at_scale(10_000);
}

/// The objects of Application `i` as a sync applies them.
fn stamped(i: usize) -> Vec<serde_json::Value> {
    let name = common::app_name(i);
    common::objects(i, Some(&name))
        .into_iter()
        .map(|mut o| {
            let key = ResourceKey::from_object(&o).unwrap();
            tracking::stamp(&mut o, &name, &key);
            o
        })
        .collect()
}

async fn status_pass(engine: &Engine, apps: &[String]) -> (Duration, usize, Vec<Duration>) {
    let started = Instant::now();
    let mut synced = 0;
    let mut latencies = Vec::with_capacity(apps.len());
    for name in apps {
        let t = Instant::now();
        let status = engine.status(name, false).await.unwrap_or_else(|e| panic!("status {name}: {e}"));
        latencies.push(t.elapsed());
        if status.sync == SyncStatus::Synced {
            synced += 1;
        } else {
            let drifted: Vec<String> = status.out_of_sync().map(|r| r.key.to_string()).collect();
            eprintln!("{name}: {} {drifted:?}", status.sync.as_str());
        }
    }
    latencies.sort();
    (started.elapsed(), synced, latencies)
}

/// The live cache scan of one status call when the cache holds `apps` × 20 objects: the
/// same filter (`tracking::owned_by`) over synthetic stamped objects in a `BTreeMap`, as
/// `LiveCache::select` runs it.
fn scan_at_scale(apps: usize) {
    let objects: std::collections::BTreeMap<(usize, usize), serde_json::Value> =
        (0..apps).flat_map(|i| stamped(i).into_iter().enumerate().map(move |(j, o)| ((i, j), o))).collect();
    let names: Vec<String> = (0..20).map(|k| common::app_name(k * apps / 20)).collect();
    let t = Instant::now();
    for name in &names {
        let found: Vec<serde_json::Value> = objects.values().filter(|o| tracking::owned_by(o, name)).cloned().collect();
        assert_eq!(found.len(), common::OBJECTS_PER_APP);
    }
    let scan = t.elapsed() / names.len() as u32;
    println!(
        "live cache scan alone at {apps} Applications ({} objects, synthetic, no server metadata): {} per status call, so {:.0} s per pass for the scans alone",
        objects.len(),
        common::ms(scan),
        scan.as_secs_f64() * apps as f64
    );
}

/// What each status call pays for besides render and diff, measured alone on a sample: the
/// discovery refresh behind `LiveCache::watch_new_kinds`, and the live cache scan
/// (`LiveCache::select` with `tracking::owned_by`) that finds an Application's objects.
async fn parts(engine: &Engine, apps: &[String]) {
    let app = engine.application(&apps[0]).unwrap().value.clone();
    let client = engine.cluster_of(&app).await.unwrap();
    let cache = engine.cache(&client).await.unwrap();
    let sample: Vec<&String> = apps.iter().step_by((apps.len() / SAMPLE).max(1)).take(SAMPLE).collect();

    let t = Instant::now();
    for _ in &sample {
        cache.watch_new_kinds().await.unwrap();
    }
    let discovery = t.elapsed() / sample.len() as u32;

    let t = Instant::now();
    let mut found = 0;
    for name in &sample {
        found += cache.select(|o| tracking::owned_by(o, name)).len();
    }
    let scan = t.elapsed() / sample.len() as u32;
    assert_eq!(found, sample.len() * common::OBJECTS_PER_APP);

    let t = Instant::now();
    let statuses: Vec<_> = stream::iter(&sample).then(|name| engine.status(name, false)).collect().await;
    let status = t.elapsed() / sample.len() as u32;
    assert!(statuses.iter().all(|s| s.as_ref().is_ok_and(|s| s.sync == SyncStatus::Synced)));
    println!(
        "per status call, mean of {} (cache holds {} objects): whole status {}, of which discovery refresh (watch_new_kinds) {}, live cache scan (select + owned_by) {}",
        sample.len(),
        cache.select(|_| true).len(),
        common::ms(status),
        common::ms(discovery),
        common::ms(scan),
    );
}
