//! Benchmark (not a test): sync N Applications × 20 objects into the local cluster with
//! `Engine::sync`, and the same objects with `kubectl apply --server-side`, each into a fresh
//! cluster of its own. Prints wall times and the ratio.
//! Run: `cargo bench -p ferry-controller --bench sync_vs_kubectl` (`FERRY_BENCH_APPS`, default
//! 500 to stay near 3 minutes; 1000 takes about 4.5; `FERRY_BENCH_KUBECTL`, default `kubectl`).

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Fixture, LocalCluster};
use ferry_controller::SyncRequest;
use ferry_store::Phase;
use futures::{StreamExt, stream};
use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::ApiResource;

/// Syncs (Ferry) and kubectl processes (per-app variant) running at once.
const IN_FLIGHT: usize = 8;

fn main() {
    common::serve_if_child();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(run());
}

async fn run() {
    let count = common::env_usize("FERRY_BENCH_APPS", 500);
    let kubectl = std::env::var("FERRY_BENCH_KUBECTL").unwrap_or_else(|_| "kubectl".into());
    println!("sync_vs_kubectl: {count} Applications x {} objects, {}", common::OBJECTS_PER_APP, common::today());
    let setup = Instant::now();
    let fx = Fixture::new(count, "ferry", "");
    let cluster = LocalCluster::start(fx.dir.path(), &["ferry", "kubectl-all", "kubectl-per-app"]);
    for context in ["ferry", "kubectl-all", "kubectl-per-app"] {
        common::create_namespaces(&*common::client(&cluster.kubeconfig, context).await, count).await;
    }
    let kdir = write_kubectl_files(fx.dir.path(), count);
    println!("setup (repo, control folder, {count} namespaces x 3 clusters): {:.1} s", setup.elapsed().as_secs_f64());

    let ferry = sync_with_ferry(&fx, &cluster.kubeconfig).await;
    let cachedir = fx.dir.path().join("kubectl-cache");
    let kubectl_cmd = |context: &str| {
        let mut c = Command::new(&kubectl);
        c.env("KUBECONFIG", &cluster.kubeconfig).env("KUBECACHEDIR", &cachedir).args(["--context", context]);
        c
    };
    // Discovery cached once for each cluster, outside the timing (Ferry's is warm too).
    for context in ["kubectl-all", "kubectl-per-app"] {
        run_ok(kubectl_cmd(context).args(["api-resources", "-o", "name"]));
    }

    let started = Instant::now();
    run_ok(kubectl_cmd("kubectl-all").args(["apply", "--server-side", "--field-manager=bench", "-R", "-f"]).arg(&kdir));
    let all = started.elapsed();
    println!("kubectl apply --server-side, one invocation for all {count} directories: {:.2} s", all.as_secs_f64());

    let started = Instant::now();
    stream::iter(0..count)
        .map(|i| {
            let mut cmd = kubectl_cmd("kubectl-per-app");
            cmd.args(["apply", "--server-side", "--field-manager=bench", "-f"]).arg(kdir.join(common::app_name(i)));
            tokio::task::spawn_blocking(move || run_ok(&mut cmd))
        })
        .buffer_unordered(IN_FLIGHT)
        .for_each(|r| async { r.unwrap() })
        .await;
    let per_app = started.elapsed();
    println!(
        "kubectl apply --server-side, one invocation per app, {IN_FLIGHT} at once: {:.2} s",
        per_app.as_secs_f64()
    );

    for context in ["ferry", "kubectl-all", "kubectl-per-app"] {
        check_counts(&cluster.kubeconfig, context, count).await;
    }
    println!();
    println!("| side | wall time | apps/s | objects/s | vs Ferry |");
    println!("|---|---|---|---|---|");
    for (side, t) in [
        (format!("Ferry `Engine::sync`, {IN_FLIGHT} at once"), ferry),
        ("kubectl, one invocation for all".to_string(), all),
        (format!("kubectl, one invocation per app, {IN_FLIGHT} at once"), per_app),
    ] {
        let s = t.as_secs_f64();
        println!(
            "| {side} | {s:.2} s | {:.0} | {:.0} | {:.2}x |",
            count as f64 / s,
            (count * common::OBJECTS_PER_APP) as f64 / s,
            s / ferry.as_secs_f64()
        );
    }
    println!("local cluster server RSS peak: {}", common::mib(cluster.memory_kib("VmHWM:")));
}

async fn sync_with_ferry(fx: &Fixture, kubeconfig: &Path) -> Duration {
    let engine = fx.engine(kubeconfig).await;
    // Warm-up outside the timing: the one Git fetch, discovery and the live cache's watches.
    let first = engine.status(&fx.apps[0], true).await.unwrap();
    let request = SyncRequest { fetch: false, revision: Some(first.revision.clone()), ..SyncRequest::default() };
    let quiet = |_: &str| {};
    let started = Instant::now();
    let engine = &engine;
    let request = &request;
    let quiet = &quiet;
    let mut latencies: Vec<Duration> = stream::iter(&fx.apps)
        .map(|name| async move {
            let t = Instant::now();
            let report = engine.sync(name, request, quiet).await.unwrap_or_else(|e| panic!("sync {name}: {e}"));
            assert_eq!(report.outcome.phase, Phase::Succeeded, "{name}: {}", report.outcome.message);
            t.elapsed()
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let took = started.elapsed();
    latencies.sort();
    println!(
        "Ferry Engine::sync x {} ({IN_FLIGHT} at once, pinned revision, no fetch): {:.2} s; per sync p50 {} p99 {} max {}",
        fx.apps.len(),
        took.as_secs_f64(),
        common::ms(common::percentile(&latencies, 0.5)),
        common::ms(common::percentile(&latencies, 0.99)),
        common::ms(*latencies.last().unwrap()),
    );
    took
}

/// The same objects as the Git repository, namespaces written in: `DIR/app-NNNNN/objects.yaml`.
fn write_kubectl_files(dir: &Path, count: usize) -> std::path::PathBuf {
    let kdir = dir.join("kubectl");
    for i in 0..count {
        let name = common::app_name(i);
        std::fs::create_dir_all(kdir.join(&name)).unwrap();
        let text = common::yaml_file(&common::objects(i, Some(&name)));
        std::fs::write(kdir.join(&name).join("objects.yaml"), text).unwrap();
    }
    kdir
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("kubectl runs");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Every side must have created every object.
async fn check_counts(kubeconfig: &Path, context: &str, count: usize) {
    let kube = common::client(kubeconfig, context).await.kube();
    for (group, version, kind, plural, per_app) in [
        ("", "v1", "ConfigMap", "configmaps", 10),
        ("", "v1", "Service", "services", 5),
        ("apps", "apps/v1", "Deployment", "deployments", 5),
    ] {
        let ar = ApiResource {
            group: group.into(),
            version: version.rsplit('/').next().unwrap().into(),
            api_version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
        };
        let api: Api<DynamicObject> = Api::all_with(kube.clone(), &ar);
        let list = api.list(&ListParams::default()).await.unwrap();
        let ours = list
            .items
            .iter()
            .filter(|o| o.metadata.namespace.as_deref().is_some_and(|n| n.starts_with("app-")))
            .filter(|o| !o.metadata.name.as_deref().unwrap_or("").starts_with("kube-"))
            .count();
        assert_eq!(ours, count * per_app, "{context}: {kind}s");
    }
}
