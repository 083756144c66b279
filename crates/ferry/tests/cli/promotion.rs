//! The promotion engine through the real `ferry` binary: `ferry promote` killed with SIGKILL
//! after its push, while verifying; `ferry controller` started afterwards resumes the
//! promotion and finishes it, and the configuration repository has exactly one new commit.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::harness::{LocalCluster, git, stderr, wait_until};

const IMAGE: &str = "registry.local/acme/web";

/// A process group killed (with everything it started) when dropped.
struct Group(Child);

impl Group {
    fn spawn(cmd: &mut Command) -> Group {
        Group(cmd.process_group(0).spawn().expect("ferry starts"))
    }

    fn signal(&mut self, signal: &str) {
        let _ = Command::new("kill").args([signal, "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.wait();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.signal("-KILL");
    }
}

/// A bare configuration repository with an overlay, an application repository whose commits
/// are the Freight, and a control folder whose dev stage verifies with a command that waits
/// for a file: it blocks until the test lets it pass.
fn setup(root: &Path) {
    let seed = root.join("seed");
    std::fs::create_dir_all(seed.join("base")).unwrap();
    std::fs::create_dir_all(seed.join("overlays/dev")).unwrap();
    std::fs::write(
        seed.join("base/deployment.yaml"),
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - {{name: web, image: '{IMAGE}:0.0.1'}}\n"),
    )
    .unwrap();
    std::fs::write(seed.join("base/kustomization.yaml"), "resources: [deployment.yaml]\n").unwrap();
    std::fs::write(
        seed.join("overlays/dev/kustomization.yaml"),
        format!("resources: [../../base]\nnamespace: dev\nimages:\n  - name: {IMAGE}\n    newTag: 0.0.1\n"),
    )
    .unwrap();
    git(&seed, &["init", "-q", "-b", "main"]);
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-q", "-m", "seed"]);
    git(root, &["clone", "-q", "--bare", seed.to_str().unwrap(), "deploy.git"]);
    let app = root.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("VERSION"), "1\n").unwrap();
    git(&app, &["init", "-q", "-b", "main"]);
    git(&app, &["add", "-A"]);
    git(&app, &["commit", "-q", "-m", "build 1"]);

    let control = root.join("control");
    std::fs::create_dir_all(&control).unwrap();
    let remote = root.join("deploy.git");
    std::fs::write(
        control.join("app.yaml"),
        format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web-dev}}\nspec:\n  source: {{repoURL: '{}', path: overlays/dev, targetRevision: main}}\n  destination: {{name: dev, namespace: dev}}\n  syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n", remote.display()),
    )
    .unwrap();
    std::fs::write(
        control.join("warehouse.yaml"),
        format!("apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: app}}\nspec:\n  subscriptions:\n    - git: {{repoURL: '{}', branch: main}}\n", app.display()),
    )
    .unwrap();
    let gate = root.join("go");
    let marker = root.join("verifying");
    std::fs::write(
        control.join("pipeline.yaml"),
        format!(
            "apiVersion: ferry.dev/v1alpha1
kind: Pipeline
metadata: {{name: web}}
spec:
  stages:
    - name: dev
      applications: [web-dev]
      accepts: {{warehouse: app}}
      autoPromote: false
      steps:
        - uses: git-clone
          with: {{repoURL: '{remote}', branch: main}}
        - uses: kustomize-set-image
          with: {{path: repo/overlays/dev, images: [{{image: {IMAGE}, tag: 'build-{{short-sha}}'}}]}}
        - uses: git-commit
        - uses: git-push
      verification:
        command:
          run: [sh, -c, 'touch {marker}; while [ ! -e {gate} ]; do sleep 0.1; done']
          timeout: 5m
",
            remote = remote.display(),
            marker = marker.display(),
            gate = gate.display(),
        ),
    )
    .unwrap();
}

fn ferry(root: &Path, kubeconfig: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
    cmd.env("FERRY_CONFIG", root.join("control"))
        .env("FERRY_STATE_DIR", root.join("state"))
        .env("KUBECONFIG", kubeconfig)
        .env("FERRY_LOG", "error")
        .stdin(Stdio::null());
    cmd
}

fn stage(root: &Path, kubeconfig: &Path) -> Value {
    let out = ferry(root, kubeconfig).args(["stage", "get", "dev", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_promotion_killed_after_its_push_is_resumed_by_the_controller_with_one_commit() {
    let cluster = LocalCluster::start(&["dev"]);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    setup(root);
    let kubeconfig = cluster.kubeconfig.clone();
    let refresh = ferry(root, &kubeconfig).args(["warehouse", "refresh", "app"]).output().unwrap();
    assert!(refresh.status.success(), "{}", stderr(&refresh));
    let alias = String::from_utf8_lossy(&refresh.stdout).trim().rsplit(' ').next().unwrap().to_owned();
    let remote = root.join("deploy.git");
    let before: usize = git(&remote, &["rev-list", "--count", "main"]).parse().unwrap();

    let mut promote = Group::spawn(
        ferry(root, &kubeconfig)
            .args(["promote", &alias, "--to", "dev", "--as", "carol"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    wait_until("the promotion pushed and is verifying", || root.join("verifying").exists());
    promote.signal("-KILL");
    assert_eq!(git(&remote, &["rev-list", "--count", "main"]).parse::<usize>().unwrap(), before + 1);
    let stopped = stage(root, &kubeconfig);
    assert_eq!(stopped["promotions"][0]["phase"], "Verifying", "{stopped}");

    std::fs::remove_file(root.join("verifying")).unwrap();
    std::fs::write(root.join("go"), "").unwrap();
    let _controller = Group::spawn(
        ferry(root, &kubeconfig).args(["controller", "--poll", "1"]).stdout(Stdio::null()).stderr(Stdio::null()),
    );
    wait_until("the controller resumed and finished the promotion", || {
        stage(root, &kubeconfig)["promotions"][0]["phase"] == "Succeeded"
    });
    let done = stage(root, &kubeconfig);
    assert_eq!(done["promotions"].as_array().unwrap().len(), 1, "resumed, not started again: {done}");
    assert_eq!(done["verified"], true);
    assert_eq!(
        git(&remote, &["rev-list", "--count", "main"]).parse::<usize>().unwrap(),
        before + 1,
        "no second commit"
    );
    let pinned = git(&remote, &["show", "main:overlays/dev/kustomization.yaml"]);
    assert!(pinned.contains("newTag: build-"), "{pinned}");
    let audit = ferry(root, &kubeconfig).args(["audit", "verify"]).output().unwrap();
    assert!(audit.status.success(), "{}", stderr(&audit));
}
