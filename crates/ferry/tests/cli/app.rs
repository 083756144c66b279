//! `ferry app …` end to end: a Git repository of manifests made by `git`, a control folder of
//! Argo CD Applications, the local cluster, and the real binaries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::harness::{LocalCluster, stderr, stdout};

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

struct Setup {
    cluster: LocalCluster,
    repo: PathBuf,
    control: PathBuf,
    state: PathBuf,
    /// How Applications reach the repository (`file://…`, or `git://127.0.0.1:…/` when served).
    repo_url: String,
    daemon: Option<std::process::Child>,
}

impl Drop for Setup {
    fn drop(&mut self) {
        if let Some(mut d) = self.daemon.take() {
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

impl Setup {
    fn new() -> Setup {
        let cluster = LocalCluster::start(&["dev"]);
        let repo = cluster.dir.path().join("repo");
        let control = cluster.dir.path().join("control");
        let state = cluster.dir.path().join("state");
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::create_dir_all(&control).unwrap();
        git(&repo, &["init", "-q"]);
        let repo_url = format!("file://{}", repo.display());
        Setup { cluster, repo, control, state, repo_url, daemon: None }
    }

    /// Serves the repository with a real `git daemon` on 127.0.0.1 and points Applications at it.
    fn served() -> Setup {
        let mut s = Setup::new();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = s.repo.parent().unwrap().to_path_buf();
        let daemon = Command::new("git")
            .args(["daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1", &format!("--port={port}")])
            .arg(format!("--base-path={}", base.display()))
            .arg(&base)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("git daemon starts");
        s.daemon = Some(daemon);
        crate::harness::wait_until("git daemon listening", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        s.repo_url = format!("git://127.0.0.1:{port}/repo");
        s
    }

    fn commit(&self, files: &[(&str, &str)]) {
        for (path, text) in files {
            let p = self.repo.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        git(&self.repo, &["add", "-A"]);
        git(&self.repo, &["commit", "-q", "-m", "change"]);
    }

    fn application(&self, name: &str, path: &str, extra: &str) {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}, namespace: argocd}}\nspec:\n  project: default\n  source:\n    repoURL: '{}'\n    path: {path}\n    targetRevision: main\n  destination:\n    name: dev\n    namespace: {name}\n{extra}",
            self.repo_url
        );
        std::fs::write(self.control.join(format!("{name}.yaml")), text).unwrap();
    }

    fn ferry(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("--config")
            .arg(&self.control)
            .arg("--state-dir")
            .arg(&self.state)
            .arg("--kubeconfig")
            .arg(&self.cluster.kubeconfig)
            .args(args)
            .env("FERRY_LOG", "warn")
            .output()
            .expect("ferry runs")
    }

    fn ferry_ok(&self, args: &[&str]) -> String {
        let out = self.ferry(args);
        assert!(
            out.status.success(),
            "ferry {args:?} failed ({:?}): {}\n{}",
            out.status.code(),
            stderr(&out),
            stdout(&out)
        );
        stdout(&out)
    }

    fn status(&self, app: &str) -> Value {
        serde_json::from_str(&self.ferry_ok(&["app", "get", app, "-o", "json"])).unwrap()
    }
}

const GUESTBOOK: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: guestbook-ui}
spec:
  replicas: 1
  revisionHistoryLimit: 3
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

const SECRET: &str =
    "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2-very-secret}\n";

fn ns(name: &str) -> String {
    format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}}}\n")
}

#[test]
fn sync_get_diff_drift_history_and_rollback_through_the_cli() {
    // Git served over the network on 127.0.0.1, as a real remote.
    let s = Setup::served();
    s.commit(&[
        ("guestbook/ns.yaml", &ns("guestbook")),
        ("guestbook/ui.yaml", GUESTBOOK),
        ("guestbook/secret.yaml", SECRET),
    ]);
    s.application("guestbook", "guestbook", "");
    let list = s.ferry_ok(&["app", "list"]);
    assert!(
        list.lines().any(|l| l.starts_with("guestbook") && l.contains("OutOfSync") && l.contains("Missing")),
        "{list}"
    );
    let out = s.ferry(&["app", "diff", "guestbook"]);
    assert_eq!(out.status.code(), Some(1), "differences → exit 1: {}", stderr(&out));
    assert!(!stdout(&out).contains("hunter2"), "secrets are masked in diffs");

    let synced = s.ferry_ok(&["app", "sync", "guestbook"]);
    assert!(synced.contains("Succeeded"), "{synced}");
    let d = s.cluster.get_json(&["-n", "guestbook", "deployment", "guestbook-ui"]);
    assert_eq!(
        d["metadata"]["annotations"]["ferry.dev/tracking-id"],
        "guestbook:apps/Deployment:guestbook/guestbook-ui"
    );
    assert_eq!(
        s.cluster.get_json(&["-n", "guestbook", "secret", "db"])["data"]["password"],
        "aHVudGVyMi12ZXJ5LXNlY3JldA=="
    );
    let out = s.ferry(&["app", "wait", "guestbook", "--timeout", "60"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let status = s.status("guestbook");
    assert_eq!(status["sync"], "Synced");
    assert_eq!(status["health"], "Healthy");
    assert_eq!(s.ferry(&["app", "diff", "guestbook"]).status.code(), Some(0));

    // A kubectl edit is drift: diff shows it (exit 1), sync puts Git's value back.
    s.cluster.ok(&["-n", "guestbook", "scale", "deployment", "guestbook-ui", "--replicas=3"]);
    let out = s.ferry(&["app", "diff", "guestbook"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("replicas"), "{}", stdout(&out));
    s.ferry_ok(&["app", "sync", "guestbook"]);
    assert_eq!(s.cluster.get_json(&["-n", "guestbook", "deployment", "guestbook-ui"])["spec"]["replicas"], 1);

    // A new image in Git, then a rollback to the first sync.
    s.commit(&[("guestbook/ui.yaml", &GUESTBOOK.replace("0.2", "0.3"))]);
    s.ferry_ok(&["app", "sync", "guestbook"]);
    let image = |s: &Setup| {
        s.cluster.get_json(&["-n", "guestbook", "deploy", "guestbook-ui"])["spec"]["template"]["spec"]["containers"][0]
            ["image"]
            .clone()
    };
    assert_eq!(image(&s), "gcr.io/heptio-images/ks-guestbook-demo:0.3");
    let history: Value = serde_json::from_str(&s.ferry_ok(&["app", "history", "guestbook", "-o", "json"])).unwrap();
    let ids: Vec<i64> = history.as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    s.ferry_ok(&["app", "rollback", "guestbook", &ids[2].to_string()]);
    assert_eq!(image(&s), "gcr.io/heptio-images/ks-guestbook-demo:0.2");
    let manifests = s.ferry_ok(&["app", "manifests", "guestbook"]);
    assert!(manifests.contains("kind: Secret") && !manifests.contains("hunter2"), "{manifests}");
}

#[test]
fn waves_and_hooks_run_in_order_and_prune_removes_what_git_dropped() {
    let s = Setup::new();
    let hook = |name: &str, phase: &str, policy: &str| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n    argocd.argoproj.io/hook: {phase}\n    argocd.argoproj.io/hook-delete-policy: {policy}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{{name: c, image: 'busybox:1.36'}}]\n"
        )
    };
    let cm = |name: &str, wave: i32| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations: {{argocd.argoproj.io/sync-wave: '{wave}'}}\ndata: {{k: v}}\n"
        )
    };
    s.commit(&[
        ("waves/ns.yaml", &ns("waves")),
        ("waves/late.yaml", &cm("late", 2)),
        ("waves/early.yaml", &cm("early", -1)),
        ("waves/middle.yaml", &cm("middle", 0)),
        ("waves/pre.yaml", &hook("before", "PreSync", "HookSucceeded")),
        ("waves/post.yaml", &hook("after", "PostSync", "BeforeHookCreation")),
    ]);
    s.application("waves", "waves", "");
    let synced = s.ferry(&["app", "sync", "waves", "-o", "json"]);
    assert!(synced.status.success(), "{}", stderr(&synced));
    let report: Value = serde_json::from_str(&stdout(&synced)).unwrap();
    let order: Vec<String> =
        report["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect();
    let pos = |n: &str| order.iter().position(|o| o == n).unwrap_or_else(|| panic!("{n} in {order:?}"));
    assert!(
        pos("before") < pos("early")
            && pos("early") < pos("middle")
            && pos("middle") < pos("late")
            && pos("late") < pos("after"),
        "{order:?}"
    );
    let rv = |name: &str| -> u64 {
        s.cluster.get_json(&["-n", "waves", "configmap", name])["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(rv("early") < rv("middle") && rv("middle") < rv("late"), "applied in wave order");
    assert!(!s.cluster.exists(&["-n", "waves", "job", "before"]), "HookSucceeded deletes the PreSync hook");
    assert!(s.cluster.exists(&["-n", "waves", "job", "after"]), "BeforeHookCreation keeps the PostSync hook");

    // Git drops `late`: only `--prune` removes it, and the hooks are never pruned.
    std::fs::remove_file(s.repo.join("waves/late.yaml")).unwrap();
    git(&s.repo, &["commit", "-qam", "drop late"]);
    let status = s.status("waves");
    let late = status["resources"].as_array().unwrap().iter().find(|r| r["name"] == "late").unwrap().clone();
    assert_eq!(late["requiresPruning"], true);
    s.ferry_ok(&["app", "sync", "waves", "--prune"]);
    assert!(!s.cluster.exists(&["-n", "waves", "configmap", "late"]));
    assert!(s.cluster.exists(&["-n", "waves", "configmap", "early"]));
}

#[test]
fn bad_input_gets_clear_errors() {
    let s = Setup::new();
    std::fs::write(
        s.control.join("broken.yaml"),
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\nspec:\n  syncPolcy: {}\n",
    )
    .unwrap();
    let out = s.ferry(&["app", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.yaml:5") && err.contains("spec.syncPolcy"), "{err}");
    std::fs::remove_file(s.control.join("broken.yaml")).unwrap();

    s.commit(&[("evil/link.yaml", "placeholder")]);
    std::fs::remove_file(s.repo.join("evil/link.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", s.repo.join("evil/link.yaml")).unwrap();
    git(&s.repo, &["add", "-A"]);
    git(&s.repo, &["commit", "-qm", "symlink escape"]);
    s.application("evil", "evil", "");
    let out = s.ferry(&["app", "sync", "evil"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/etc/passwd") && !stderr(&out).contains("root:x:0"), "{}", stderr(&out));

    s.application("missing", "nowhere", "");
    let out = s.ferry(&["app", "sync", "missing"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nowhere"), "{}", stderr(&out));
    let out = s.ferry(&["app", "get", "nope"]);
    assert!(stderr(&out).contains("no Application named \"nope\""), "{}", stderr(&out));

    // Duplicate resources in one Application.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n";
    s.commit(&[("dup/a.yaml", cm), ("dup/b.yaml", cm)]);
    s.application("dup", "dup", "");
    let out = s.ferry(&["app", "sync", "dup"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ConfigMap") && stderr(&out).contains("same"), "{}", stderr(&out));

    // An unknown revision, and a destination cluster that does not exist or does not answer.
    let app = |name: &str, source: &str, dest: &str| {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  source: {{repoURL: 'file://{}', {source}}}\n  destination: {{name: {dest}, namespace: x}}\n",
            s.repo.display()
        );
        std::fs::write(s.control.join(format!("{name}.yaml")), text).unwrap();
    };
    app("norev", "path: dup, targetRevision: v9.9.9", "dev");
    let out = s.ferry(&["app", "get", "norev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("v9.9.9") && stderr(&out).contains("main"),
        "names the revision and what exists: {}",
        stderr(&out)
    );
    app("nocluster", "path: dup", "mars");
    let out = s.ferry(&["app", "get", "nocluster"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mars") && stderr(&out).contains("dev"), "{}", stderr(&out));
    let dead = s.cluster.dir.path().join("dead-kubeconfig");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nclusters: [{{name: dev, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]\nusers: [{{name: dev, user: {{}}}}]\ncontexts: [{{name: dev, context: {{cluster: dev, user: dev}}}}]\ncurrent-context: dev\n"
    );
    std::fs::write(&dead, kubeconfig).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["--config", s.control.to_str().unwrap(), "--state-dir", s.state.to_str().unwrap()])
        .args(["--kubeconfig", dead.to_str().unwrap(), "app", "sync", "dup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unreachable"), "{}", stderr(&out));
    for name in ["norev", "nocluster", "dup"] {
        std::fs::remove_file(s.control.join(format!("{name}.yaml"))).unwrap();
    }

    s.commit(&[
        ("rejected/ns.yaml", &ns("rejected")),
        ("rejected/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n"),
        ("rejected/good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n"),
    ]);
    s.application("rejected", "rejected", "");
    let out = s.ferry(&["app", "sync", "rejected"]);
    assert_eq!(out.status.code(), Some(1), "a rejected object fails the sync: {}", stderr(&out));
    assert!(stdout(&out).contains("SyncFailed") && stdout(&out).contains("metadata.name"), "{}", stdout(&out));
}

#[test]
fn custom_lua_health_checks_decide_health_and_cannot_hang() {
    let s = Setup::new();
    let dir = s.control.join("resource_customizations/batch/CronJob");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("health.lua"), "hs = {}\nif obj.spec.suspend then hs.status = 'Suspended'; hs.message = 'paused by ops' else hs.status = 'Healthy' end\nreturn hs\n").unwrap();
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n  schedule: '0 2 * * *'\n  suspend: true\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: 'busybox:1.36'}]}}}}\n";
    s.commit(&[("cron/ns.yaml", &ns("cron")), ("cron/cron.yaml", cron)]);
    s.application("cron", "cron", "");
    s.ferry_ok(&["app", "sync", "cron"]);
    let status = s.status("cron");
    let res = status["resources"].as_array().unwrap().iter().find(|r| r["kind"] == "CronJob").unwrap().clone();
    assert_eq!(res["health"]["status"], "Suspended");
    assert_eq!(res["health"]["message"], "paused by ops");
    assert_eq!(status["health"], "Suspended");

    // Checks from an argocd-cm ConfigMap in the control folder work too.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm, namespace: argocd}\ndata:\n  resource.customizations.health.ConfigMap: |\n    hs = {}\n    if obj.data ~= nil and obj.data.broken == 'yes' then hs.status = 'Degraded'; hs.message = 'flagged broken' else hs.status = 'Healthy' end\n    return hs\n";
    std::fs::write(s.control.join("argocd-cm.yaml"), cm).unwrap();
    s.commit(&[("cron/flag.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flag}\ndata: {broken: 'yes'}\n")]);
    s.ferry_ok(&["app", "sync", "cron"]);
    let status = s.status("cron");
    let flag = status["resources"].as_array().unwrap().iter().find(|r| r["name"] == "flag").unwrap().clone();
    assert_eq!(flag["health"]["status"], "Degraded", "{flag}");
    assert_eq!(status["health"], "Degraded");

    // `ferry health eval` with a script that never ends: Unknown, within the time limit.
    let obj = s.cluster.dir.path().join("cron.yaml");
    std::fs::write(&obj, cron).unwrap();
    let looping = s.cluster.dir.path().join("looping");
    std::fs::create_dir_all(looping.join("batch/CronJob")).unwrap();
    std::fs::write(looping.join("batch/CronJob/health.lua"), "while true do end\n").unwrap();
    let started = std::time::Instant::now();
    let out = s.ferry(&[
        "health",
        "eval",
        obj.to_str().unwrap(),
        "--customizations",
        looping.to_str().unwrap(),
        "-o",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["status"], "Unknown");
    assert!(v["message"].as_str().unwrap().contains("time limit"), "{v}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let out = s.ferry(&["health", "eval", obj.to_str().unwrap(), "-o", "json"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["status"], Value::Null, "no built-in CronJob rule (Argo CD uses Lua for it): {v}");
}

#[test]
fn ferry_up_starts_clusters_demo_applications_and_the_controller() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["up", "--dir"])
        .arg(dir.path())
        .args(["--ready-delay-ms", "100", "--poll", "1"])
        .env("FERRY_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout_pipe = child.stdout.take().unwrap();
    let mut guard = Kill(child);
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout_pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    crate::harness::wait_until("ferry up ready", || lines.lock().unwrap().iter().any(|l| l.contains("Press Ctrl-C")));
    let printed = lines.lock().unwrap().join("\n");
    assert!(printed.contains("cluster prod") && printed.contains("guestbook"), "{printed}");
    let env = std::fs::read_to_string(dir.path().join("env")).unwrap();
    let var = |name: &str| env.lines().find_map(|l| l.strip_prefix(&format!("export {name}="))).unwrap().to_string();
    let list = |_: ()| -> Value {
        let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(["app", "list", "-o", "json"])
            .env("FERRY_CONFIG", var("FERRY_CONFIG"))
            .env("FERRY_STATE_DIR", var("FERRY_STATE_DIR"))
            .env("KUBECONFIG", var("KUBECONFIG"))
            .env("FERRY_LOG", "error")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    crate::harness::wait_until("every demo application synced", || {
        let apps = list(());
        let items = apps.as_array().unwrap();
        items.len() == 7 && items.iter().all(|a| a["sync"] == "Synced")
    });
    let apps = list(());
    let lua = apps.as_array().unwrap().iter().find(|a| a["name"] == "lua-health").unwrap().clone();
    assert_eq!(lua["health"], "Suspended", "health from the demo's Lua check");
    let prod = apps.as_array().unwrap().iter().find(|a| a["name"] == "kustomize-guestbook-prod").unwrap().clone();
    assert_eq!(prod["cluster"], "prod", "the prod overlay goes to the prod cluster: {prod}");

    // The demo Pipeline: the first build flows to dev and, after its soak, staging; prod waits
    // for two approvals, then takes it.
    let ferry = |args: &[&str]| -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(args)
            .env("FERRY_CONFIG", var("FERRY_CONFIG"))
            .env("FERRY_STATE_DIR", var("FERRY_STATE_DIR"))
            .env("KUBECONFIG", var("KUBECONFIG"))
            .env("FERRY_LOG", "error")
            .output()
            .unwrap()
    };
    let stages = || -> Vec<Value> {
        let out = ferry(&["stage", "list", "-o", "json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
    };
    let stage = |all: &[Value], name: &str| all.iter().find(|s| s["stage"] == name).unwrap().clone();
    crate::harness::wait_until("the first build verified in dev and staging", || {
        let all = stages();
        ["dev", "staging"].iter().all(|s| stage(&all, s)["verified"] == true)
    });
    let all = stages();
    let freight = stage(&all, "dev")["freight"].as_str().unwrap().to_owned();
    let prod = stage(&all, "prod");
    assert!(prod["next"].as_str().unwrap().contains("waiting for 2 approval"), "{prod}");
    let repo = dir.path().join("demo-repo");
    let overlay =
        std::fs::read_to_string(repo.join("kustomize-guestbook/overlays/staging/kustomization.yaml")).unwrap();
    let sha = String::from_utf8(
        Command::new("git")
            .args(["log", "-1", "--format=%h", "--", "guestbook-src"])
            .current_dir(&repo)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        overlay.contains(&format!("newTag: {}", sha.trim()))
            || overlay.contains(&format!("newTag: \"{}\"", sha.trim())),
        "the staging overlay pins the build:\n{overlay}"
    );
    for user in ["alice", "bob"] {
        let out = ferry(&["approve", &freight, "--stage", "prod", "--as", user]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let refused = ferry(&["approve", &freight, "--stage", "prod", "--as", "mallory"]);
    assert_eq!(refused.status.code(), Some(1), "an approver not named is refused");
    crate::harness::wait_until("prod runs the approved build", || {
        let prod = stage(&stages(), "prod");
        prod["freight"] == freight.as_str() && prod["verified"] == true
    });
    let audit = ferry(&["audit", "verify"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));

    // A commit to the demo repository: its post-commit hook sends Ferry a push webhook, and
    // the new build reaches dev.
    let hook = std::fs::read_to_string(repo.join(".git/hooks/post-commit")).unwrap();
    assert!(
        hook.contains("/api/webhook")
            && !hook.contains(&std::fs::read_to_string(dir.path().join("webhook-secret")).unwrap()),
        "{hook}"
    );
    std::fs::write(repo.join("guestbook-src/BUILD"), "2\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "build 2"]);
    crate::harness::wait_until("the new build verified in dev", || {
        let dev = stage(&stages(), "dev");
        dev["freight"] != freight.as_str() && dev["verified"] == true
    });
    let _ = Command::new("kill").args(["-TERM", &guard.0.id().to_string()]).status();
    crate::harness::wait_until("ferry up stops on SIGTERM", || matches!(guard.0.try_wait(), Ok(Some(_))));
    assert!(dir.path().join("localkube.json").exists(), "cluster state saved");
}
