//! Benchmark (not a test): promotions through three Stages (dev → staging → production), each
//! a real commit to a bare Git repository, synced into the local cluster (a child process),
//! awaited Synced + Healthy and verified — next to the same Git work and apply done by hand
//! with the `git` and `kubectl` programs (clone, edit the tag, commit, push, `kubectl apply
//! --server-side -k`), one run each.
//! Run: `cargo bench -p ferry-controller --bench promotion` (`FERRY_BENCH_FREIGHT`, default 10).

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{LocalCluster, git, ms, percentile};
use ferry_controller::promotion::{PromoteRequest, Promoter};
use ferry_core::freight::{Freight, Revision};
use ferry_store::{FreightRecord, PromotionPhase};

const IMAGE: &str = "registry.local/acme/web";
const STAGES: [&str; 3] = ["dev", "staging", "production"];

fn main() {
    common::serve_if_child();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(run());
}

async fn run() {
    let n = common::env_usize("FERRY_BENCH_FREIGHT", 10);
    println!("promotion: {n} Freight x 3 stages, {}", common::today());
    let dir = tempfile::tempdir().unwrap();
    let remote = seed(dir.path());
    control(dir.path(), &remote);
    let cluster = LocalCluster::start(dir.path(), &["ferry"]);
    let engine = ferry_controller::Engine::open(ferry_controller::EngineOptions {
        config_dir: dir.path().join("control"),
        state_dir: dir.path().join("state"),
        kubeconfig: Some(cluster.kubeconfig.clone()),
    })
    .await
    .unwrap();
    let p = Promoter::new(Arc::new(engine));

    let mut per_stage: Vec<Vec<Duration>> = vec![Vec::new(); 3];
    let started = Instant::now();
    for i in 0..n {
        let f = freight(&p, &format!("1.0.{i}"), 1_000 + i as i64).await;
        for (s, stage) in STAGES.iter().enumerate() {
            let t = Instant::now();
            let req = PromoteRequest {
                pipeline: None,
                stage: (*stage).into(),
                freight: f.alias.clone(),
                requested_by: "bench".into(),
                override_window: None,
            };
            let rec = p.promote(&req).await.unwrap();
            assert_eq!(rec.phase, PromotionPhase::Succeeded, "{stage}: {}", rec.message);
            per_stage[s].push(t.elapsed());
        }
    }
    let ferry_total = started.elapsed();

    let by_hand = by_hand(dir.path(), &remote, &cluster.kubeconfig, n);
    let mut all: Vec<Duration> = per_stage.concat();
    all.sort();
    let mut dev = per_stage[0].clone();
    dev.sort();
    let mut hand = by_hand.clone();
    hand.sort();
    let hand_total: Duration = by_hand.iter().sum();
    let per_min = |count: usize, total: Duration| count as f64 * 60.0 / total.as_secs_f64();
    println!();
    println!("| | p50 per promotion | p99 | promotions per minute |");
    println!("|---|---|---|---|");
    println!(
        "| Ferry `promote` (clone, set image, commit, push, sync, wait Healthy, verify) | {} | {} | {:.0} |",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        per_min(3 * n, ferry_total)
    );
    println!(
        "| by hand: `git clone`, `sed`, `git commit`, `git push`, `kubectl apply --server-side -k` | {} | {} | {:.0} |",
        ms(percentile(&hand, 0.5)),
        ms(percentile(&hand, 0.99)),
        per_min(hand.len(), hand_total)
    );
    println!();
    println!(
        "Freight recorded → verified in dev (the commit-to-healthy latency of one stage): p50 {}, p99 {}",
        ms(percentile(&dev, 0.5)),
        ms(percentile(&dev, 0.99))
    );
}

/// A bare remote with a base Deployment and one overlay per Stage.
fn seed(dir: &Path) -> PathBuf {
    let remote = dir.join("deploy.git");
    let seed = dir.join("seed");
    std::fs::create_dir_all(&seed).unwrap();
    git(dir, &["init", "-q", "--bare", remote.to_str().unwrap()]);
    git(&seed, &["init", "-q"]);
    let deployment = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - {{name: web, image: '{IMAGE}:0.0.1'}}\n"
    );
    let mut files = vec![
        ("base/deployment.yaml".to_owned(), deployment),
        ("base/kustomization.yaml".to_owned(), "resources: [deployment.yaml]\n".to_owned()),
    ];
    for env in STAGES {
        let overlay =
            format!("resources:\n  - ../../base\nnamespace: {env}\nimages:\n  - name: {IMAGE}\n    newTag: 0.0.1\n");
        files.push((format!("overlays/{env}/kustomization.yaml"), overlay));
        files.push((format!("hand/{env}/kustomization.yaml"), overlay_by_hand(env)));
    }
    for (path, text) in &files {
        let p = seed.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-q", "-m", "seed"]);
    git(&seed, &["push", "-q", remote.to_str().unwrap(), "HEAD:main"]);
    remote
}

/// The by-hand overlays deploy to their own namespaces, so both runs do the same work.
fn overlay_by_hand(env: &str) -> String {
    format!("resources:\n  - ../../base\nnamespace: hand-{env}\nimages:\n  - name: {IMAGE}\n    newTag: 0.0.1\n")
}

fn control(dir: &Path, remote: &Path) {
    let control = dir.join("control");
    std::fs::create_dir_all(&control).unwrap();
    let remote = remote.display();
    let mut stages = String::new();
    for (i, env) in STAGES.iter().enumerate() {
        let app = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web-{env}}}\nspec:\n  source: {{repoURL: '{remote}', path: overlays/{env}, targetRevision: main}}\n  destination: {{name: ferry, namespace: {env}}}\n  syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n"
        );
        std::fs::write(control.join(format!("app-{env}.yaml")), app).unwrap();
        let accepts = if i == 0 { "{warehouse: web}".to_owned() } else { format!("{{upstream: [{}]}}", STAGES[i - 1]) };
        stages.push_str(&format!(
            "    - name: {env}\n      applications: [web-{env}]\n      accepts: {accepts}\n      autoPromote: false\n      steps:\n        - uses: git-clone\n          with: {{repoURL: '{remote}', branch: main}}\n        - uses: kustomize-set-image\n          with: {{path: repo/overlays/{env}, images: [{{image: {IMAGE}}}]}}\n        - uses: git-commit\n        - uses: git-push\n        - uses: argocd-sync\n        - uses: wait-healthy\n          with: {{timeout: 60s}}\n"
        ));
    }
    let warehouse = format!(
        "apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: web}}\nspec:\n  subscriptions:\n    - image: {{repoURL: {IMAGE}}}\n"
    );
    std::fs::write(control.join("warehouse.yaml"), warehouse).unwrap();
    let pipeline =
        format!("apiVersion: ferry.dev/v1alpha1\nkind: Pipeline\nmetadata: {{name: web}}\nspec:\n  stages:\n{stages}");
    std::fs::write(control.join("pipeline.yaml"), pipeline).unwrap();
}

/// Records a Freight holding `IMAGE:tag`, as the Warehouse would.
async fn freight(p: &Promoter, tag: &str, created: i64) -> FreightRecord {
    let digest = format!("sha256:{:064x}", created);
    let f =
        Freight::new("web", vec![Revision::Image { repo_url: IMAGE.into(), digest, tag: Some(tag.into()) }], created);
    let record = FreightRecord {
        id: f.id.hex(),
        alias: f.alias.clone(),
        warehouse: f.origin.clone(),
        revisions: serde_json::to_value(&f.revisions).unwrap(),
        authors: vec![],
        created_at: created,
    };
    p.engine.store.insert_freight(&record).await.unwrap();
    record
}

/// The same Git work and apply with the `git` and `kubectl` programs, per promotion.
fn by_hand(dir: &Path, remote: &Path, kubeconfig: &Path, n: usize) -> Vec<Duration> {
    let mut out = Vec::new();
    for env in STAGES {
        let ns = Command::new("kubectl")
            .args(["--kubeconfig", kubeconfig.to_str().unwrap(), "create", "namespace", &format!("hand-{env}")])
            .output()
            .unwrap();
        assert!(ns.status.success(), "kubectl create namespace: {}", String::from_utf8_lossy(&ns.stderr));
    }
    for i in 0..n {
        for env in STAGES {
            let t = Instant::now();
            let work = dir.join(format!("hand-{i}-{env}"));
            git(dir, &["clone", "-q", "--branch", "main", remote.to_str().unwrap(), work.to_str().unwrap()]);
            let file = work.join(format!("hand/{env}/kustomization.yaml"));
            let text = std::fs::read_to_string(&file).unwrap();
            let edited: String =
                text.lines()
                    .map(|l| {
                        if l.trim_start().starts_with("newTag:") {
                            format!("    newTag: 1.0.{i}")
                        } else {
                            l.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
            std::fs::write(&file, edited + "\n").unwrap();
            git(&work, &["commit", "-q", "-am", &format!("promote 1.0.{i} to {env}")]);
            git(&work, &["push", "-q", "origin", "main"]);
            let apply = Command::new("kubectl")
                .args(["--kubeconfig", kubeconfig.to_str().unwrap(), "apply", "--server-side", "-k"])
                .arg(work.join(format!("hand/{env}")))
                .output()
                .unwrap();
            assert!(apply.status.success(), "kubectl apply: {}", String::from_utf8_lossy(&apply.stderr));
            out.push(t.elapsed());
            std::fs::remove_dir_all(&work).unwrap();
        }
    }
    out
}
