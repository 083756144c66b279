//! Benchmark (not a test): 10,000 ConfigMaps created through kube-rs against the local
//! cluster while a watch is open. Prints create throughput, latency percentiles, list time
//! and the server's resident memory. Run: `cargo bench -p ferry --bench localkube_configmaps`.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt, stream};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::watcher;
use kube::{Client, Config};

const COUNT: usize = 10_000;
const IN_FLIGHT: usize = 16;

fn rss_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut server = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["localkube", "serve", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ferry");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !kubeconfig.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let idle_rss = rss_kib(server.id(), "VmRSS:");
    let kc = Kubeconfig::read_from(&kubeconfig).unwrap();
    let client =
        Client::try_from(Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.unwrap()).unwrap();
    let api: Api<ConfigMap> = Api::namespaced(client, "default");

    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let watch_api = api.clone();
    let watch = tokio::spawn(async move {
        let mut events = watcher(watch_api, watcher::Config::default().labels("bench=yes")).boxed();
        while let Ok(Some(ev)) = events.try_next().await {
            if let watcher::Event::Apply(_) = ev
                && counter.fetch_add(1, Ordering::Relaxed) + 1 == COUNT
            {
                return;
            }
        }
    });

    let started = Instant::now();
    let mut latencies: Vec<Duration> = stream::iter(0..COUNT)
        .map(|i| {
            let api = api.clone();
            async move {
                let cm: ConfigMap = serde_json::from_value(serde_json::json!({
                    "metadata": {"name": format!("cm-{i:05}"), "labels": {"bench": "yes"}},
                    "data": {"index": i.to_string(), "payload": "x".repeat(256)}
                }))
                .unwrap();
                let t = Instant::now();
                api.create(&PostParams::default(), &cm).await.expect("create");
                t.elapsed()
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let create_time = started.elapsed();
    tokio::time::timeout(Duration::from_secs(120), watch).await.expect("watch saw every create").unwrap();
    let watch_done = started.elapsed();
    latencies.sort();

    let t = Instant::now();
    let all = api.list(&ListParams::default().labels("bench=yes")).await.unwrap();
    let list_time = t.elapsed();
    assert_eq!(all.items.len(), COUNT);
    let t = Instant::now();
    let mut pages = 0;
    let mut params = ListParams::default().limit(500);
    loop {
        let page = api.list(&params).await.unwrap();
        pages += 1;
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => params = params.continue_token(&c),
            _ => break,
        }
    }
    let paged_time = t.elapsed();

    let rss = rss_kib(server.id(), "VmRSS:");
    let hwm = rss_kib(server.id(), "VmHWM:");
    let _ = server.kill();
    let _ = server.wait();

    println!("| measure | value |");
    println!("|---|---|");
    println!("| ConfigMaps created ({IN_FLIGHT} in flight) | {COUNT} |");
    println!("| create throughput | {:.0} objects/s |", COUNT as f64 / create_time.as_secs_f64());
    println!(
        "| create latency p50 / p99 / max | {:.2} ms / {:.2} ms / {:.2} ms |",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    println!("| watch received all {COUNT} ADDED events after | {:.2} s |", watch_done.as_secs_f64());
    println!("| list {COUNT} (one request) | {:.1} ms |", list_time.as_secs_f64() * 1e3);
    println!("| list {COUNT} in pages of 500 ({pages} requests) | {:.1} ms |", paged_time.as_secs_f64() * 1e3);
    println!("| server RSS idle / after / peak | {} MiB / {} MiB / {} MiB |", idle_rss / 1024, rss / 1024, hwm / 1024);
}
