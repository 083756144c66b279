//! Freight discovery across R image repositories × T tags (issue 6): time and registry
//! requests of Ferry's real `Discovery`, next to the physical minimum a client must send.
//!
//! `cargo bench -p ferry-source --bench discovery` (env `FERRY_BENCH_REPOS`, default 100;
//! `FERRY_BENCH_TAGS`, default 1000; `FERRY_BENCH_NEWEST_REPOS`, default 10;
//! `FERRY_BENCH_RPS`, the per-registry budget, default the `DiscoveryOptions` default).
//!
//! Debian's `docker-registry` (distribution v2) runs on 127.0.0.1 with a temp storage dir
//! (the integration tests' support code starts it and pushes through its HTTP API). A small
//! proxy inside the bench forwards to it and counts requests by kind (tag lists, manifest
//! `HEAD`s and `GET`s, blob `GET`s); a second proxy delays every tag list by
//! `FERRY_BENCH_SLOW_MS` (default 2000) and stands for a slow registry.
//!
//! Every repository gets one layer blob and one config blob, then T manifests under tags
//! `1.0.0` … `1.0.{T-1}` (each with its tag in an annotation, so each tag has its own digest).
//! The first `FERRY_BENCH_NEWEST_REPOS` repositories get a config blob per tag instead, with
//! `created` one minute apart, so NewestBuild has real build times to order.

#[path = "../tests/git/support.rs"]
#[allow(dead_code)]
mod git_support;
#[path = "../tests/discovery/registry.rs"]
#[allow(dead_code)]
mod registry;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ferry_api::{ImageSelectionStrategy, ImageSubscription, Subscription};
use ferry_core::freight::Revision;
use ferry_source::{Discovered, Discovery, DiscoveryOptions};
use futures::StreamExt;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use registry::Registry;

const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// Requests in flight while populating.
const PUSH_CONCURRENCY: usize = 32;
const LIMIT: u32 = 20;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

// ---------------------------------------------------------------------------------------
// The counting proxy
// ---------------------------------------------------------------------------------------

/// Requests seen by a proxy, by kind.
#[derive(Default)]
struct Counts {
    tags: AtomicU64,
    manifest_head: AtomicU64,
    manifest_get: AtomicU64,
    blob_get: AtomicU64,
    ping: AtomicU64,
    other: AtomicU64,
}

#[derive(Clone, Copy, Default, Debug)]
struct Snapshot {
    tags: u64,
    manifest_head: u64,
    manifest_get: u64,
    blob_get: u64,
    ping: u64,
    other: u64,
}

impl Snapshot {
    fn total(&self) -> u64 {
        self.tags + self.manifest_head + self.manifest_get + self.blob_get + self.ping + self.other
    }

    fn since(&self, before: &Snapshot) -> Snapshot {
        Snapshot {
            tags: self.tags - before.tags,
            manifest_head: self.manifest_head - before.manifest_head,
            manifest_get: self.manifest_get - before.manifest_get,
            blob_get: self.blob_get - before.blob_get,
            ping: self.ping - before.ping,
            other: self.other - before.other,
        }
    }
}

impl Counts {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            tags: self.tags.load(Ordering::SeqCst),
            manifest_head: self.manifest_head.load(Ordering::SeqCst),
            manifest_get: self.manifest_get.load(Ordering::SeqCst),
            blob_get: self.blob_get.load(Ordering::SeqCst),
            ping: self.ping.load(Ordering::SeqCst),
            other: self.other.load(Ordering::SeqCst),
        }
    }

    /// Counts one request; true when it is a tag list.
    fn count(&self, method: &str, path: &str) -> bool {
        let counter = if path.contains("/tags/list") {
            &self.tags
        } else if path.contains("/manifests/") && method == "HEAD" {
            &self.manifest_head
        } else if path.contains("/manifests/") && method == "GET" {
            &self.manifest_get
        } else if path.contains("/blobs/") && method == "GET" {
            &self.blob_get
        } else if path == "/v2/" || path == "/v2" {
            &self.ping
        } else {
            &self.other
        };
        counter.fetch_add(1, Ordering::SeqCst);
        std::ptr::eq(counter, &self.tags)
    }
}

/// A TCP proxy on 127.0.0.1 in front of `upstream` that reads each HTTP/1.1 request's head
/// (and its `content-length` body) from the client, counts it, optionally delays tag lists,
/// and forwards it; answers stream back untouched. Aborted on drop.
struct Proxy {
    host: String,
    counts: Arc<Counts>,
    task: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn proxy(upstream: String, slow_tags: Option<Duration>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let counts = Arc::new(Counts::default());
    let shared = counts.clone();
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((client, _)) = listener.accept().await {
            let counts = shared.clone();
            let upstream = upstream.clone();
            connections.spawn(async move {
                let _ = forward(client, &upstream, &counts, slow_tags).await;
            });
        }
    });
    Proxy { host, counts, task }
}

async fn forward(
    client: TcpStream,
    upstream: &str,
    counts: &Counts,
    slow_tags: Option<Duration>,
) -> std::io::Result<()> {
    client.set_nodelay(true)?;
    let server = TcpStream::connect(upstream).await?;
    server.set_nodelay(true)?;
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let answers = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    });
    let mut pending: Vec<u8> = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    'read: loop {
        let n = client_read.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&buffer[..n]);
        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&pending[..end]).into_owned();
            let body = head
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let whole = end + 4 + body;
            if pending.len() < whole {
                continue 'read;
            }
            let mut words = head.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            if counts.count(method, path)
                && let Some(delay) = slow_tags
            {
                tokio::time::sleep(delay).await;
            }
            server_write.write_all(&pending[..whole]).await?;
            pending.drain(..whole);
        }
    }
    let _ = server_write.shutdown().await;
    let _ = answers.await;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Populating
// ---------------------------------------------------------------------------------------

fn repo_name(i: usize) -> String {
    format!("bench/app-{i:03}")
}

fn tag(n: usize) -> String {
    format!("1.0.{n}")
}

fn config(created: &str, layer_digest: &str) -> Vec<u8> {
    json!({
        "created": created, "architecture": "amd64", "os": "linux",
        "config": {}, "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    })
    .to_string()
    .into_bytes()
}

fn manifest(config_digest: &str, config_size: usize, layer_digest: &str, layer_size: usize, tag: &str) -> Vec<u8> {
    json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer_size}],
        "annotations": {"org.opencontainers.image.version": tag},
    })
    .to_string()
    .into_bytes()
}

/// `created` of tag `n` in a NewestBuild repository: one minute apart from 2024-01-01.
fn created_of(n: usize) -> String {
    let minutes = n;
    format!("2024-01-{:02}T{:02}:{:02}:00Z", 1 + minutes / 1440, (minutes / 60) % 24, minutes % 60)
}

/// Pushes every repository: its blobs once, then its manifests; `PUSH_CONCURRENCY` requests
/// in flight over all repositories.
async fn populate(registry: &Registry, repos: usize, tags: usize, newest_repos: usize) {
    // Blobs first (per repository), then every manifest, all through one stream.
    let layers: Vec<(String, usize)> = futures::stream::iter(0..repos)
        .map(|i| async move {
            let layer = format!("layer of {}", repo_name(i)).into_bytes();
            (registry.push_blob(&repo_name(i), &layer).await, layer.len())
        })
        .buffered(PUSH_CONCURRENCY)
        .collect()
        .await;
    let layers = &layers;
    let shared_configs: Vec<(String, usize)> = futures::stream::iter(0..repos)
        .map(|i| async move {
            let body = config("2024-01-01T00:00:00Z", &layers[i].0);
            (registry.push_blob(&repo_name(i), &body).await, body.len())
        })
        .buffered(PUSH_CONCURRENCY)
        .collect()
        .await;
    let shared_configs = &shared_configs;
    futures::stream::iter((0..repos).flat_map(|i| (0..tags).map(move |n| (i, n))))
        .for_each_concurrent(PUSH_CONCURRENCY, |(i, n)| async move {
            let name = repo_name(i);
            let (layer_digest, layer_size) = &layers[i];
            let (config_digest, config_size) = if i < newest_repos {
                let body = config(&created_of(n), layer_digest);
                (registry.push_blob(&name, &body).await, body.len())
            } else {
                shared_configs[i].clone()
            };
            let body = manifest(&config_digest, config_size, layer_digest, *layer_size, &tag(n));
            registry.push_manifest(&name, &tag(n), MANIFEST_TYPE, &body).await;
        })
        .await;
}

// ---------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------

fn subscription(host: &str, i: usize, strategy: ImageSelectionStrategy) -> Subscription {
    Subscription::Image(ImageSubscription {
        repo_url: format!("{host}/{}", repo_name(i)),
        image_selection_strategy: strategy,
        semver_constraint: (strategy == ImageSelectionStrategy::SemVer).then(|| "^1.0.0".to_owned()),
        tag: None,
        allow_tags: Vec::new(),
        ignore_tags: Vec::new(),
        discovery_limit: LIMIT,
        platform: None,
    })
}

fn tags_of(found: &[Discovered]) -> Vec<String> {
    found
        .iter()
        .map(|d| match &d.revision {
            Revision::Image { tag, .. } => tag.clone().unwrap_or_default(),
            other => panic!("not an image: {other:?}"),
        })
        .collect()
}

/// One discovery round: every subscription at once, as a Warehouse poll does.
struct Round {
    wall: Duration,
    /// Each subscription's own time.
    each: Vec<Duration>,
    requests: Snapshot,
    /// Subscriptions whose candidates are not the expected ones (see `check`).
    wrong: usize,
    /// An example of a wrong answer.
    example: Option<String>,
}

async fn round(discovery: &Discovery, subs: &[Subscription], proxies: &[&Proxy], expected: &[String]) -> Round {
    let before: Vec<Snapshot> = proxies.iter().map(|p| p.counts.snapshot()).collect();
    let start = Instant::now();
    let results = futures::future::join_all(subs.iter().map(|s| async move {
        let t = Instant::now();
        let found = discovery.discover(s).await;
        (t.elapsed(), found)
    }))
    .await;
    let wall = start.elapsed();
    let mut requests = Snapshot::default();
    for (proxy, before) in proxies.iter().zip(&before) {
        let d = proxy.counts.snapshot().since(before);
        requests.tags += d.tags;
        requests.manifest_head += d.manifest_head;
        requests.manifest_get += d.manifest_get;
        requests.blob_get += d.blob_get;
        requests.ping += d.ping;
        requests.other += d.other;
    }
    let mut wrong = 0;
    let mut example = None;
    let mut each = Vec::new();
    for (elapsed, found) in results {
        each.push(elapsed);
        let found = match found {
            Ok(found) => tags_of(&found),
            Err(e) => vec![format!("error: {e}")],
        };
        if found != expected {
            wrong += 1;
            if example.is_none() {
                let distinct: HashSet<&String> = found.iter().collect();
                example = Some(format!(
                    "{} candidates, {} distinct, first {:?}",
                    found.len(),
                    distinct.len(),
                    found.iter().take(4).collect::<Vec<_>>()
                ));
            }
        }
    }
    Round { wall, each, requests, wrong, example }
}

/// The tags Ferry should choose: the `LIMIT` greatest versions, greatest first.
fn expected_semver(tags: usize) -> Vec<String> {
    (0..tags).rev().take(LIMIT as usize).map(tag).collect()
}

/// The physical minimum: every repository's tag list, paginated as the registry paginates
/// (`n`, then the `Link` header), with a plain reqwest client; with `heads`, also a `HEAD`
/// of the `LIMIT` greatest versions (what a Revision's digest costs at least).
async fn baseline(host: &str, repos: usize, heads: bool) -> (Duration, usize) {
    let http = reqwest::Client::new();
    let start = Instant::now();
    let sent: Vec<usize> = futures::future::join_all((0..repos).map(|i| {
        let http = http.clone();
        async move {
            let mut sent = 0;
            let mut tags: Vec<String> = Vec::new();
            let mut url = format!("http://{host}/v2/{}/tags/list?n=1000", repo_name(i));
            loop {
                let response = http.get(&url).send().await.unwrap();
                sent += 1;
                let next = response
                    .headers()
                    .get("link")
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| l.split(';').next())
                    .map(|l| l.trim().trim_start_matches('<').trim_end_matches('>').to_owned());
                let page: serde_json::Value = response.json().await.unwrap();
                tags.extend(page["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()));
                match next {
                    Some(next) => url = format!("http://{host}{next}"),
                    None => break,
                }
            }
            if heads {
                let mut versions: Vec<(Vec<u64>, String)> = tags
                    .into_iter()
                    .filter_map(|t| Some((t.split('.').map(|p| p.parse().ok()).collect::<Option<Vec<u64>>>()?, t)))
                    .collect();
                versions.sort_by(|a, b| b.0.cmp(&a.0));
                for (_, t) in versions.into_iter().take(LIMIT as usize) {
                    let response = http
                        .head(format!("http://{host}/v2/{}/manifests/{t}", repo_name(i)))
                        .header("accept", MANIFEST_TYPE)
                        .send()
                        .await
                        .unwrap();
                    assert!(response.status().is_success());
                    assert!(response.headers().contains_key("docker-content-digest"));
                    sent += 1;
                }
            }
            sent
        }
    }))
    .await;
    (start.elapsed(), sent.iter().sum())
}

/// How many tags the registry returns for `?n=1`: its page size when it paginates.
async fn page_size(host: &str) -> String {
    let url = format!("http://{host}/v2/{}/tags/list?n=1", repo_name(0));
    let response = reqwest::get(&url).await.unwrap();
    let link = response.headers().contains_key("link");
    let page: serde_json::Value = response.json().await.unwrap();
    let returned = page["tags"].as_array().map_or(0, Vec::len);
    if returned > 1 {
        format!("ignores `n` and `last`: the whole list ({returned} tags) in one answer, no `Link` header")
    } else {
        format!("honours `n` (link header: {link})")
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 10_000.0 { format!("{:.1} s", ms / 1000.0) } else { format!("{ms:.0} ms") }
}

fn percentile(each: &[Duration], p: f64) -> Duration {
    let mut sorted = each.to_vec();
    sorted.sort();
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
}

fn row(case: &str, subs: usize, r: &Round, budget: f64) {
    if subs == 0 {
        return;
    }
    let q = r.requests;
    // The budget paces Ferry's registry calls; oci-client's `GET /v2/` before each is not paced.
    let floor = (q.total() - q.ping) as f64 / budget;
    println!(
        "| {case} | {subs} | {} | {} / {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {:.0} s | {} |",
        ms(r.wall),
        ms(percentile(&r.each, 0.5)),
        ms(percentile(&r.each, 1.0)),
        q.total(),
        q.tags,
        q.manifest_head,
        q.manifest_get,
        q.blob_get,
        q.ping,
        q.other,
        q.total() as f64 / subs as f64,
        floor,
        if r.wrong == 0 {
            "all right".to_owned()
        } else {
            format!("{} wrong: {}", r.wrong, r.example.clone().unwrap_or_default())
        },
    );
}

#[tokio::main]
async fn main() {
    let repos = env_usize("FERRY_BENCH_REPOS", 100);
    let tags = env_usize("FERRY_BENCH_TAGS", 1000);
    let newest_repos = env_usize("FERRY_BENCH_NEWEST_REPOS", 10).min(repos);
    let slow = Duration::from_millis(env_usize("FERRY_BENCH_SLOW_MS", 2000) as u64);
    ferry_source::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let mut options = DiscoveryOptions::new(dir.path().join("git-cache"));
    let default_budget = options.requests_per_second_per_registry;
    let budget = std::env::var("FERRY_BENCH_RPS").ok().and_then(|v| v.parse().ok()).unwrap_or(default_budget);
    options.requests_per_second_per_registry = budget;

    let registry = Registry::start().await;
    let fast = proxy(registry.host.clone(), None).await;
    let slow_proxy = proxy(registry.host.clone(), Some(slow)).await;
    options.insecure_http_registries = vec![fast.host.clone(), slow_proxy.host.clone()];

    let start = Instant::now();
    populate(&registry, repos, tags, newest_repos).await;
    let populated = start.elapsed();
    let pushes = repos * tags + newest_repos * tags + 2 * repos;
    eprintln!("populated {repos} × {tags} in {}", ms(populated));

    let pagination = page_size(&registry.host).await;
    let (tags_time, tags_requests) = baseline(&fast.host, repos, false).await;
    let (heads_time, heads_requests) = baseline(&fast.host, repos, true).await;

    let semver: Vec<Subscription> =
        (0..repos).map(|i| subscription(&fast.host, i, ImageSelectionStrategy::SemVer)).collect();
    let expected = expected_semver(tags);
    let discovery = Discovery::new(options.clone());
    let first = round(&discovery, &semver, &[&fast], &expected).await;
    eprintln!("SemVer first round: {}", ms(first.wall));
    let second = round(&discovery, &semver, &[&fast], &expected).await;
    eprintln!("SemVer second round: {}", ms(second.wall));

    let newest: Vec<Subscription> =
        (0..newest_repos).map(|i| subscription(&fast.host, i, ImageSelectionStrategy::NewestBuild)).collect();
    let newest_discovery = Discovery::new(options.clone());
    let newest_first = round(&newest_discovery, &newest, &[&fast], &expected).await;
    eprintln!("NewestBuild first round: {}", ms(newest_first.wall));
    let newest_second = round(&newest_discovery, &newest, &[&fast], &expected).await;

    // One subscription (the last repository) through the slow proxy, the others as before.
    let mut mixed = semver.clone();
    if let Some(last) = mixed.last_mut() {
        *last = subscription(&slow_proxy.host, repos - 1, ImageSelectionStrategy::SemVer);
    }
    let slowed = round(&discovery, &mixed, &[&fast, &slow_proxy], &expected).await;
    let others = &slowed.each[..slowed.each.len().saturating_sub(1)];

    let load =
        std::process::Command::new("uptime").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    println!();
    println!(
        "Freight discovery: {repos} repositories × {tags} tags on `docker-registry` ({}), discovery limit {LIMIT}, budget {budget} requests/s per registry; {}",
        registry_version(),
        load.unwrap_or_default()
    );
    println!();
    println!(
        "Populating (not measured): {pushes} pushes (manifests + blobs), {PUSH_CONCURRENCY} in flight, {}",
        ms(populated)
    );
    println!("Registry tag pagination: {pagination}");
    println!();
    println!(
        "| case | subscriptions | wall time | per subscription p50 / max | requests | tag lists | manifest HEAD | manifest GET | blob GET | `GET /v2/` | other | per subscription | calls ÷ default budget ({default_budget}/s) | candidates |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    println!(
        "| peer: plain reqwest, tag lists only (the physical minimum) | {repos} | {} | – | {tags_requests} | {tags_requests} | 0 | 0 | 0 | 0 | 0 | {:.1} | {:.0} s | – |",
        ms(tags_time),
        tags_requests as f64 / repos as f64,
        tags_requests as f64 / default_budget
    );
    println!(
        "| peer: plain reqwest, tag lists + HEAD of the {LIMIT} greatest | {repos} | {} | – | {heads_requests} | {tags_requests} | {} | 0 | 0 | 0 | 0 | {:.1} | {:.0} s | – |",
        ms(heads_time),
        heads_requests - tags_requests,
        heads_requests as f64 / repos as f64,
        heads_requests as f64 / default_budget
    );
    row("Ferry SemVer `^1.0.0`, first poll", repos, &first, default_budget);
    row("Ferry SemVer, second poll (steady state)", repos, &second, default_budget);
    row("Ferry NewestBuild, first poll", newest_repos, &newest_first, default_budget);
    row("Ferry NewestBuild, second poll", newest_repos, &newest_second, default_budget);
    row(
        &format!("Ferry SemVer, 1 repository on a registry whose tag list takes {}", ms(slow)),
        repos,
        &slowed,
        default_budget,
    );
    println!();
    println!(
        "With one slow registry: the {} others took p50 {} / max {}; the slow one {}.",
        others.len(),
        ms(percentile(others, 0.5)),
        ms(percentile(others, 1.0)),
        ms(slowed.each.last().copied().unwrap_or_default())
    );
    drop(fast);
    drop(slow_proxy);
    drop(registry);
}

fn registry_version() -> String {
    std::process::Command::new("docker-registry")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().replace("github.com/docker/distribution ", "distribution "))
        .unwrap_or_default()
}
