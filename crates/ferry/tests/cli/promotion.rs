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

/// A webhook receiver on 127.0.0.1 (a thread answering 200 and keeping each request's body);
/// it serves until the test process ends.
fn webhook_receiver() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                keep.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
            }
            let _ = (&stream).write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, bodies)
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
    let (hook, received) = webhook_receiver();
    std::fs::write(
        root.join("control/notify.yaml"),
        format!("apiVersion: ferry.dev/v1alpha1\nkind: Notifier\nmetadata: {{name: team}}\nspec:\n  on: [promotion-succeeded]\n  webhook: {{url: '{hook}'}}\n"),
    )
    .unwrap();
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

    // The controller told the team's webhook, once, and the outbox says so.
    let list = ferry(root, &kubeconfig).args(["notification", "list", "-o", "json"]).output().unwrap();
    assert!(list.status.success(), "{}", stderr(&list));
    let messages: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(messages.as_array().unwrap().len(), 1, "{messages}");
    assert_eq!(
        (messages[0]["event"].as_str(), messages[0]["attempts"].as_i64()),
        (Some("promotion-succeeded"), Some(1))
    );
    assert!(messages[0]["deliveredAt"].is_i64(), "{messages}");
    let bodies = received.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let body: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(
        (body["event"].as_str(), body["stage"].as_str(), body["freight"].as_str()),
        (Some("promotion-succeeded"), Some("dev"), Some(alias.as_str()))
    );
    let table = ferry(root, &kubeconfig).args(["notification", "list"]).output().unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("promotion-succeeded") && table.contains("delivered"), "{table}");
}

/// POSTs `body` to `addr` with `headers`; the status code.
fn post(addr: &str, headers: &[(&str, &str)], body: &str) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut request = format!(
        "POST /api/webhook HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn a_push_webhook_makes_freight_at_once_and_a_forged_one_is_refused() {
    let cluster = LocalCluster::start(&["dev"]);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    setup(root);
    let kubeconfig = cluster.kubeconfig.clone();
    let secret = root.join("webhook-secret");
    std::fs::write(&secret, "a-shared-secret-of-some-length\n").unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let _controller = Group::spawn(
        ferry(root, &kubeconfig)
            .args(["controller", "--webhook-listen", &addr, "--webhook-secret-file"])
            .arg(&secret)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let freight = || -> usize {
        let out = ferry(root, &kubeconfig).args(["freight", "list", "-o", "json"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().len()
    };
    wait_until("the first poll made the first Freight", || freight() == 1);
    wait_until("the webhook receiver answers", || std::net::TcpStream::connect(&addr).is_ok());

    let app = root.join("app");
    std::fs::write(app.join("VERSION"), "2\n").unwrap();
    git(&app, &["commit", "-qam", "build 2"]);
    let body = format!(r#"{{"ref":"refs/heads/main","project":{{"git_http_url":"{}"}}}}"#, app.display());
    // A forged token is refused and changes nothing.
    let forged =
        [("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", "not-the-secret"), ("content-type", "application/json")];
    assert_eq!(post(&addr, &forged, &body), 401);
    let signed = [
        ("X-Gitlab-Event", "Push Hook"),
        ("X-Gitlab-Token", "a-shared-secret-of-some-length"),
        ("content-type", "application/json"),
    ];
    assert_eq!(post(&addr, &signed, &body), 202);
    // The Warehouse polls every 5 minutes (its default): only the webhook explains a second
    // Freight now.
    wait_until("the webhook made the second Freight", || freight() == 2);
}
