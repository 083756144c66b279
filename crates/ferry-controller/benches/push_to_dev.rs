//! Benchmark (not a test): a commit to an application's repository until it runs verified in
//! dev — the `ferry up` path: a Git Warehouse, a dev Stage that pins the build's short SHA in
//! a Kustomize overlay by a commit, syncs it into the local cluster (a child process), waits
//! for Synced + Healthy and verifies. Measured with a push webhook (what `ferry up`'s
//! post-commit hook sends) and, in the same run, with polling alone (the Warehouse's shortest
//! interval, 10 s; Argo CD polls every 3 minutes and Kargo every 5 by default).
//! Run: `cargo bench -p ferry-controller --bench push_to_dev` (`FERRY_BENCH_PUSHES`, default 10).

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{LocalCluster, git, ms, percentile};
use ferry_controller::promotion::{Promoter, run_loop};
use ferry_controller::webhook::{self, Refreshes, WebhookState};
use ferry_store::PromotionPhase;

const IMAGE: &str = "registry.local/acme/web";
const SECRET: &str = "bench-webhook-secret-value";

fn main() {
    common::serve_if_child();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(run());
}

async fn run() {
    let n = common::env_usize("FERRY_BENCH_PUSHES", 10);
    println!("push to dev: {n} commits with a webhook, {} with polling, {}", n.div_ceil(3), common::today());
    let dir = tempfile::tempdir().unwrap();
    let (app, remote) = seed(dir.path());
    control(dir.path(), &app, &remote);
    let cluster = LocalCluster::start(dir.path(), &["dev"]);
    let engine = Arc::new(
        ferry_controller::Engine::open(ferry_controller::EngineOptions {
            config_dir: dir.path().join("control"),
            state_dir: dir.path().join("state"),
            kubeconfig: Some(cluster.kubeconfig.clone()),
        })
        .await
        .unwrap(),
    );
    let refreshes = Arc::new(Refreshes::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{}", listener.local_addr().unwrap(), webhook::PATH);
    let state = WebhookState { engine: engine.clone(), secret: Arc::new(SECRET.into()), refreshes: refreshes.clone() };
    tokio::spawn(webhook::serve(listener, state, std::future::pending()));
    let promoter = Promoter::new(engine.clone());
    tokio::spawn(run_loop::run_with(promoter, run_loop::DEFAULT_TICK, refreshes, std::future::pending()));
    // The first build (the seed) reaches dev by the first poll.
    let first = head(&app);
    wait_verified(&engine, &first, Duration::from_secs(120)).await;

    let http = reqwest::Client::new();
    let body = format!(r#"{{"ref":"refs/heads/main","project":{{"git_http_url":"{}"}}}}"#, app.display());
    let mut hooked = Vec::new();
    for i in 0..n {
        let sha = commit(&app, i);
        let t = Instant::now();
        let answer = http
            .post(&url)
            .header("X-Gitlab-Event", "Push Hook")
            .header("X-Gitlab-Token", SECRET)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202);
        wait_verified(&engine, &sha, Duration::from_secs(60)).await;
        hooked.push(t.elapsed());
    }
    let mut polled = Vec::new();
    for i in 0..n.div_ceil(3) {
        let sha = commit(&app, n + i);
        let t = Instant::now();
        wait_verified(&engine, &sha, Duration::from_secs(60)).await;
        polled.push(t.elapsed());
    }
    hooked.sort();
    polled.sort();
    println!();
    println!("| commit → verified in dev | p50 | p99 | max |");
    println!("|---|---|---|---|");
    for (name, d) in
        [("push webhook (ferry up's post-commit hook)", &hooked), ("polling only, Warehouse interval 10 s", &polled)]
    {
        println!("| {name} | {} | {} | {} |", ms(percentile(d, 0.5)), ms(percentile(d, 0.99)), ms(*d.last().unwrap()));
    }
}

/// The application's repository (a build per commit) and the deployment repository (a bare
/// remote with a base and a dev overlay).
fn seed(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let app = dir.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("VERSION"), "0\n").unwrap();
    git(&app, &["init", "-q", "-b", "main"]);
    git(&app, &["add", "-A"]);
    git(&app, &["commit", "-q", "-m", "build 0"]);
    let remote = dir.join("deploy.git");
    let seed = dir.join("seed");
    std::fs::create_dir_all(seed.join("base")).unwrap();
    std::fs::create_dir_all(seed.join("dev")).unwrap();
    let deployment = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - {{name: web, image: '{IMAGE}:0'}}\n"
    );
    std::fs::write(seed.join("base/deployment.yaml"), deployment).unwrap();
    std::fs::write(seed.join("base/kustomization.yaml"), "resources: [deployment.yaml]\n").unwrap();
    std::fs::write(
        seed.join("dev/kustomization.yaml"),
        format!("resources: [../base]\nnamespace: dev\nimages:\n  - name: {IMAGE}\n    newTag: '0'\n"),
    )
    .unwrap();
    git(dir, &["init", "-q", "--bare", remote.to_str().unwrap()]);
    git(&seed, &["init", "-q"]);
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-q", "-m", "seed"]);
    git(&seed, &["push", "-q", remote.to_str().unwrap(), "HEAD:main"]);
    (app, remote)
}

fn control(dir: &Path, app: &Path, remote: &Path) {
    let control = dir.join("control");
    std::fs::create_dir_all(&control).unwrap();
    let (app, remote) = (app.display(), remote.display());
    std::fs::write(
        control.join("app.yaml"),
        format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web-dev}}\nspec:\n  source: {{repoURL: '{remote}', path: dev, targetRevision: main}}\n  destination: {{name: dev, namespace: dev}}\n  syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n"),
    )
    .unwrap();
    std::fs::write(
        control.join("warehouse.yaml"),
        format!("apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: app}}\nspec:\n  interval: 10s\n  subscriptions:\n    - git: {{repoURL: '{app}', branch: main}}\n"),
    )
    .unwrap();
    std::fs::write(
        control.join("pipeline.yaml"),
        format!("apiVersion: ferry.dev/v1alpha1\nkind: Pipeline\nmetadata: {{name: web}}\nspec:\n  stages:\n    - name: dev\n      applications: [web-dev]\n      accepts: {{warehouse: app}}\n      steps:\n        - uses: git-clone\n          with: {{repoURL: '{remote}', branch: main}}\n        - uses: kustomize-set-image\n          with: {{path: repo/dev, images: [{{image: {IMAGE}, tag: '{{short-sha}}'}}]}}\n        - uses: git-commit\n        - uses: git-push\n        - uses: argocd-sync\n        - uses: wait-healthy\n          with: {{timeout: 60s}}\n"),
    )
    .unwrap();
}

fn head(repo: &Path) -> String {
    let out = std::process::Command::new("git").args(["rev-parse", "HEAD"]).current_dir(repo).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn commit(app: &Path, i: usize) -> String {
    std::fs::write(app.join("VERSION"), format!("{}\n", i + 1)).unwrap();
    git(app, &["commit", "-q", "-am", &format!("build {}", i + 1)]);
    head(app)
}

/// Waits until dev's newest promotion verified a Freight holding commit `sha`.
async fn wait_verified(engine: &ferry_controller::Engine, sha: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let done = match engine.store.promotions("web", "dev", 1).await.unwrap().first() {
            Some(p) if p.phase == PromotionPhase::Succeeded => {
                let f = engine.store.freight(&p.freight_id).await.unwrap().unwrap();
                f.revisions.to_string().contains(sha)
            }
            _ => false,
        };
        if done {
            return;
        }
        assert!(Instant::now() < deadline, "commit {sha} did not reach dev in {limit:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
