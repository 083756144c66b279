//! What the sync-engine benchmarks share: the local cluster in a child process (so the bench
//! process's memory is the engine's alone), a Git repository of N Applications × 20 small
//! objects made with the `git` program, the control folder, and small measuring helpers.

#![allow(dead_code)] // each bench uses a different part of this module

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ferry_cluster::{ApplyOptions, ClusterClient, Clusters};
use ferry_controller::{Engine, EngineOptions};
use futures::{StreamExt, stream};
use serde_json::{Value, json};

/// Set in the child process: where to write the kubeconfig.
const SERVE_KUBECONFIG: &str = "FERRY_BENCH_SERVE_KUBECONFIG";
/// Set in the child process: the clusters to serve, comma-separated.
const SERVE_CLUSTERS: &str = "FERRY_BENCH_SERVE_CLUSTERS";

/// Objects per Application: 10 ConfigMaps, 5 Services, 5 Deployments.
pub const OBJECTS_PER_APP: usize = 20;

/// Call first in `main`: when this process is the child started by [`LocalCluster::start`],
/// serve the local cluster until the parent closes our stdin (or dies), then exit.
pub fn serve_if_child() {
    let Some(kubeconfig) = std::env::var_os(SERVE_KUBECONFIG) else { return };
    let names = std::env::var(SERVE_CLUSTERS).unwrap_or_else(|_| "local".into());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let opts = ferry_localkube::ServeOptions {
            clusters: names
                .split(',')
                .map(|n| ferry_localkube::ClusterSpec { name: n.to_string(), port: None })
                .collect(),
            kubeconfig: PathBuf::from(kubeconfig),
            state: None,
            settings: ferry_localkube::Settings { ready_delay: Duration::from_millis(100) },
        };
        let _lk = ferry_localkube::LocalKube::start(opts).await.expect("local cluster starts");
        println!("ready");
        std::io::stdout().flush().unwrap();
        // Blocks until the parent closes the pipe (or exits).
        tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await.unwrap().unwrap();
    });
    std::process::exit(0);
}

/// The local cluster served by a child process (this same bench binary, see
/// [`serve_if_child`]). Dropping it stops the child.
pub struct LocalCluster {
    child: Child,
    pub kubeconfig: PathBuf,
}

impl LocalCluster {
    pub fn start(dir: &Path, clusters: &[&str]) -> LocalCluster {
        let kubeconfig = dir.join("kubeconfig");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(SERVE_KUBECONFIG, &kubeconfig)
            .env(SERVE_CLUSTERS, clusters.join(","))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the local cluster");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "local cluster did not start");
        LocalCluster { child, kubeconfig }
    }

    /// A field of the server process's `/proc/PID/status`, in KiB.
    pub fn memory_kib(&self, field: &str) -> u64 {
        proc_status_kib(&format!("/proc/{}/status", self.child.id()), field)
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn proc_status_kib(path: &str, field: &str) -> u64 {
    let status = std::fs::read_to_string(path).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A field (`VmRSS:`, `VmHWM:`) of this process's `/proc/self/status`, in KiB.
pub fn own_memory_kib(field: &str) -> u64 {
    proc_status_kib("/proc/self/status", field)
}

/// Resets this process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0).
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

pub fn mib(kib: u64) -> String {
    format!("{} MiB", kib / 1024)
}

pub fn app_name(i: usize) -> String {
    format!("app-{i:05}")
}

/// The 20 objects of Application `i`, with `namespace` set when given (kubectl's copy) and
/// left to the destination otherwise (Ferry's copy, as in Argo CD).
pub fn objects(i: usize, namespace: Option<&str>) -> Vec<Value> {
    let meta = |name: String| match namespace {
        Some(ns) => json!({"name": name, "namespace": ns}),
        None => json!({"name": name}),
    };
    let mut out = Vec::with_capacity(OBJECTS_PER_APP);
    for c in 0..10 {
        out.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(format!("config-{c}")),
            "data": {"key": format!("value-{i}-{c}")}}));
    }
    for s in 0..5 {
        out.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": meta(format!("svc-{s}")),
            "spec": {"selector": {"app": format!("web-{s}")}, "ports": [{"port": 80, "targetPort": 8080}]}}));
    }
    for d in 0..5 {
        let labels = json!({"app": format!("web-{d}")});
        out.push(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(format!("web-{d}")),
            "spec": {"replicas": 1, "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}));
    }
    out
}

/// A multi-document YAML file, each document a line of JSON (which YAML includes). It starts
/// with `---` so that kubectl reads it as YAML rather than as a stream of JSON objects.
pub fn yaml_file(objects: &[Value]) -> String {
    objects.iter().map(|o| format!("---\n{}\n", serde_json::to_string(o).unwrap())).collect()
}

pub fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=b", "-c", "user.email=b@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A temp dir holding a Git repository with `apps/app-NNNNN/objects.yaml` per Application
/// and a control folder with one Argo CD Application per directory, each deploying to
/// cluster `cluster`, namespace `app-NNNNN`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub repo: PathBuf,
    pub apps: Vec<String>,
}

impl Fixture {
    pub fn new(count: usize, cluster: &str, sync_policy: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let control = dir.path().join("control");
        std::fs::create_dir_all(&control).unwrap();
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        let mut apps = Vec::with_capacity(count);
        for i in 0..count {
            let name = app_name(i);
            let app_dir = repo.join("apps").join(&name);
            std::fs::create_dir_all(&app_dir).unwrap();
            std::fs::write(app_dir.join("objects.yaml"), yaml_file(&objects(i, None))).unwrap();
            let manifest = format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  source: {{repoURL: '{}', path: apps/{name}, targetRevision: main}}\n  destination: {{name: {cluster}, namespace: {name}}}\n{sync_policy}",
                repo.display()
            );
            std::fs::write(control.join(format!("{name}.yaml")), manifest).unwrap();
            apps.push(name);
        }
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", "apps"]);
        Fixture { dir, repo, apps }
    }

    pub async fn engine(&self, kubeconfig: &Path) -> Engine {
        Engine::open(EngineOptions {
            config_dir: self.dir.path().join("control"),
            state_dir: self.dir.path().join("state"),
            kubeconfig: Some(kubeconfig.to_path_buf()),
        })
        .await
        .unwrap()
    }
}

/// A client of its own for `context` (not the engine's): what a second user would hold.
pub async fn client(kubeconfig: &Path, context: &str) -> Arc<ClusterClient> {
    Clusters::load(Some(kubeconfig)).unwrap().client(context).await.unwrap()
}

/// Applies `objects` with server-side apply, `in_flight` at a time.
pub async fn apply_all(client: &ClusterClient, objects: Vec<Value>, manager: &str, in_flight: usize) {
    let opts = ApplyOptions { field_manager: manager.into(), force: true, dry_run: false };
    let opts = &opts;
    stream::iter(objects)
        .map(|o| async move { client.apply(&o, opts).await.unwrap_or_else(|e| panic!("apply: {e}")) })
        .buffer_unordered(in_flight)
        .for_each(|_| async {})
        .await;
}

/// Creates namespace `app-NNNNN` for each of the first `count` Applications.
pub async fn create_namespaces(client: &ClusterClient, count: usize) {
    let namespaces = (0..count)
        .map(|i| json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": app_name(i)}}))
        .collect();
    apply_all(client, namespaces, "bench", 16).await;
}

/// Sorted-sample percentile.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `(free-form) date` for the report header.
pub fn today() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
