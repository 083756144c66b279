//! The webhook receiver against real senders' formats: GitHub pushes signed with HMAC-SHA256,
//! and Debian's `docker-registry` (distribution) sending its own notifications when an image
//! is pushed. A push refreshes the Applications and Warehouses that follow the repository.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferry_controller::Engine;
use ferry_controller::webhook::{self, Refreshes, WebhookState};
use ferry_localkube::LocalKube;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const SECRET: &str = "s3cr3t-webhook-secret";

struct Receiver {
    _lk: LocalKube,
    dir: tempfile::TempDir,
    url: String,
    engine: Arc<Engine>,
    refreshes: Arc<Refreshes>,
    http: reqwest::Client,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn receiver(registry_port: u16) -> Receiver {
    let dir = tempfile::tempdir().unwrap();
    let lk = crate::fixture::cluster(dir.path()).await;
    let control = dir.path().join("control");
    std::fs::create_dir_all(&control).unwrap();
    let write = |name: &str, text: String| std::fs::write(control.join(name), text).unwrap();
    write(
        "app.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web-dev}\nspec:\n  source: {repoURL: 'https://github.com/acme/deploy.git', path: dev}\n  destination: {name: dev, namespace: dev}\n".into(),
    );
    write(
        "warehouses.yaml",
        format!(
            "apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: source}}\nspec:\n  subscriptions:\n    - git: {{repoURL: 'git@github.com:acme/web.git', branch: main}}\n---\napiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: images}}\nspec:\n  subscriptions:\n    - image: {{repoURL: '127.0.0.1:{registry_port}/acme/web'}}\n"
        ),
    );
    let engine = Arc::new(crate::fixture::engine(dir.path()).await);
    let refreshes = Arc::new(Refreshes::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{}", listener.local_addr().unwrap(), webhook::PATH);
    let state = WebhookState {
        engine: engine.clone(),
        secret: Arc::new(SECRET.as_bytes().to_vec()),
        refreshes: refreshes.clone(),
    };
    tokio::spawn(webhook::serve(listener, state, std::future::pending()));
    Receiver { _lk: lk, dir, url, engine, refreshes, http: reqwest::Client::new() }
}

fn sign(body: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn github_push(clone_url: &str) -> String {
    format!(
        r#"{{"ref":"refs/heads/main","repository":{{"clone_url":"{clone_url}","html_url":"https://example.invalid/x"}}}}"#
    )
}

impl Receiver {
    async fn github(&self, body: &str, signature: Option<String>) -> (u16, serde_json::Value) {
        let mut request = self.http.post(&self.url).header("X-GitHub-Event", "push").body(body.to_owned());
        if let Some(s) = signature {
            request = request.header("X-Hub-Signature-256", s);
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or_default())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_github_push_refreshes_what_follows_the_repository_and_nothing_else_gets_in() {
    let r = receiver(free_port()).await;
    let mut asked = r.engine.refresh.subscribe();

    // Not signed, signed with another secret, garbage behind a bad signature: 401, nothing refreshed.
    let body = github_push("https://github.com/acme/web.git");
    assert_eq!(r.github(&body, None).await.0, 401);
    assert_eq!(r.github(&body, Some(sign(&body, "guessed-secret-value"))).await.0, 401);
    let (status, answer) = r.github("{garbage", Some(sign(&body, SECRET))).await;
    assert_eq!(status, 401, "{answer}");
    assert!(!answer.to_string().contains(SECRET));
    assert!(r.refreshes.take().is_empty());
    // A body past the cap is refused before anything else.
    let big = "x".repeat(2 * 1024 * 1024);
    assert_eq!(r.github(&big, Some(sign(&big, SECRET))).await.0, 413);
    // No sender Ferry knows.
    let unknown = r.http.post(&r.url).body("{}").send().await.unwrap();
    assert_eq!(unknown.status(), 400);

    // A push to the source repository (spelt as its HTTPS URL; the Warehouse uses SSH).
    let (status, answer) = r.github(&body, Some(sign(&body, SECRET))).await;
    assert_eq!((status, answer.clone()), (202, serde_json::json!({"applications": [], "warehouses": ["source"]})));
    assert_eq!(r.refreshes.take(), ["source"]);

    // A push to the deployment repository refreshes its Application.
    let deploy = github_push("https://github.com/ACME/deploy");
    let (status, answer) = r.github(&deploy, Some(sign(&deploy, SECRET))).await;
    assert_eq!((status, answer), (202, serde_json::json!({"applications": ["web-dev"], "warehouses": []})));
    assert_eq!(asked.recv().await.unwrap(), "web-dev");

    // Authenticated, but about something else.
    let ping = r
        .http
        .post(&r.url)
        .header("X-GitHub-Event", "ping")
        .header("X-Hub-Signature-256", sign("{}", SECRET))
        .body("{}");
    assert_eq!(ping.send().await.unwrap().status(), 200);
}

/// Debian's docker-registry with a notification endpoint pointing at Ferry.
struct Registry {
    child: std::process::Child,
    host: String,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_registry(dir: &Path, port: u16, webhook: &str, token: &str) -> Registry {
    let host = format!("127.0.0.1:{port}");
    let config = format!(
        "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {host}\nnotifications:\n  endpoints:\n    - name: ferry\n      url: {webhook}\n      headers:\n        Authorization: [Bearer {token}]\n      timeout: 2s\n      threshold: 10\n      backoff: 200ms\n",
        dir.join("registry").display()
    );
    let path = dir.join("registry.yml");
    std::fs::write(&path, config).unwrap();
    let child = std::process::Command::new("docker-registry")
        .arg("serve")
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("docker-registry starts (apt-get install docker-registry)");
    Registry { child, host }
}

async fn push_blob(http: &reqwest::Client, host: &str, name: &str, bytes: &[u8]) -> String {
    let digest = format!("sha256:{}", hex(&Sha256::digest(bytes)));
    let start = http.post(format!("http://{host}/v2/{name}/blobs/uploads/")).send().await.unwrap();
    assert_eq!(start.status(), 202);
    let location = start.headers()["location"].to_str().unwrap().to_owned();
    let location = if location.starts_with("http") { location } else { format!("http://{host}{location}") };
    let separator = if location.contains('?') { '&' } else { '?' };
    let put = http.put(format!("{location}{separator}digest={digest}")).body(bytes.to_vec()).send().await.unwrap();
    assert_eq!(put.status(), 201);
    digest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_pushed_to_the_registry_refreshes_its_warehouse() {
    let port = free_port();
    let r = receiver(port).await;
    let registry = start_registry(r.dir.path(), port, &r.url, SECRET);
    let deadline = Instant::now() + Duration::from_secs(30);
    while r.http.get(format!("http://{}/v2/", registry.host)).send().await.is_err() {
        assert!(Instant::now() < deadline, "docker-registry did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let config = br#"{"architecture":"amd64","os":"linux","created":"2026-12-01T00:00:00Z","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let config_digest = push_blob(&r.http, &registry.host, "acme/web", config).await;
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": [],
    });
    let put = r
        .http
        .put(format!("http://{}/v2/acme/web/manifests/1.0.0", registry.host))
        .header("content-type", "application/vnd.oci.image.manifest.v1+json")
        .body(manifest.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201, "{}", put.text().await.unwrap_or_default());

    // The registry sends its notification by itself; the Warehouse is asked for.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut asked = Vec::new();
    while asked.is_empty() {
        assert!(Instant::now() < deadline, "no notification reached Ferry");
        tokio::time::timeout(Duration::from_millis(500), r.refreshes.requested()).await.ok();
        asked = r.refreshes.take();
    }
    assert_eq!(asked, ["images"]);
}
