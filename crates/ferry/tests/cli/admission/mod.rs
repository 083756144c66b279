//! `ferry admission serve` as a cluster would use it: the real binary on 127.0.0.1 with a
//! generated certificate whose CA it writes out, AdmissionReviews over HTTPS from a client that
//! trusts only that CA, bad requests refused while it keeps serving, SIGTERM to stop.
//! `live_inventory` drives `--sync` against a local cluster.

mod live_inventory;

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::DEADLINE;

const BODY_LIMIT: usize = 64 * 1024;

fn gates_testdata(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-gates/testdata/admission").join(dir)
}

/// A running `ferry admission serve`, stopped with SIGTERM on drop; its log goes to a file.
struct Webhook {
    child: Child,
    base: String,
    ca_pem: String,
    dir: tempfile::TempDir,
}

impl Webhook {
    fn start() -> Self {
        let mut args: Vec<OsString> = vec!["--policies".into(), gates_testdata("policies").into()];
        args.extend(["--inventory".into(), gates_testdata("inventory").into()]);
        Self::start_with(&args)
    }

    /// `ferry admission serve` on a free port of 127.0.0.1 with `args`, once it printed its address.
    fn start_with(args: &[OsString]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let ca_out = dir.path().join("ca.pem");
        let log = std::fs::File::create(dir.path().join("webhook.log")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(["admission", "serve", "--listen", "127.0.0.1:0", "--max-request-bytes", &BODY_LIMIT.to_string()])
            .args(args)
            .arg("--ca-out")
            .arg(&ca_out)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start ferry admission serve");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, first_line) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = first_line.recv_timeout(DEADLINE).expect("ferry admission serve printed its address");
        let address = line.split_whitespace().nth(1).unwrap_or_default().trim_start_matches("https://").to_owned();
        let port = address.rsplit(':').next().unwrap_or_default().to_owned();
        assert!(
            !port.is_empty(),
            "no address in {line:?}; log: {}",
            std::fs::read_to_string(dir.path().join("webhook.log")).unwrap_or_default()
        );
        let ca_pem = std::fs::read_to_string(&ca_out).expect("the CA was written before serving");
        Self { child, base: format!("https://localhost:{port}"), ca_pem, dir }
    }

    /// What the webhook logged so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("webhook.log")).unwrap_or_default()
    }

    /// SIGTERM, then the exit status once the process has ended.
    fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + DEADLINE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for Webhook {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.stop();
        }
    }
}

fn client(ca_pem: &str) -> reqwest::Client {
    ferry_cluster::install_crypto_provider();
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA PEM");
    reqwest::Client::builder().tls_certs_only([ca]).no_proxy().build().expect("client")
}

fn pod_review(uid: &str, labels: Value) -> String {
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": uid, "kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "CREATE",
            "namespace": "dev", "name": "web",
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": labels}}
        }
    })
    .to_string()
}

async fn post(client: &reqwest::Client, url: &str, body: String) -> (u16, Value) {
    let response = client.post(url).header("content-type", "application/json").body(body).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}")))
}

#[tokio::test]
async fn admission_serve_answers_reviews_over_https_and_stops_on_sigterm() {
    let mut webhook = Webhook::start();
    let client = client(&webhook.ca_pem);
    let url = format!("{}/validate", webhook.base);

    let (status, allowed) = post(&client, &url, pod_review("u-1", json!({"owner": "a", "team": "b"}))).await;
    assert_eq!(status, 200);
    assert_eq!(allowed["response"], json!({"uid": "u-1", "allowed": true, "status": {"code": 200}}));

    let (_, denied) = post(&client, &format!("{}/v1/admit", webhook.base), pod_review("u-2", json!({}))).await;
    assert_eq!(denied["response"]["allowed"], false);
    assert_eq!(denied["response"]["status"]["code"], 403);
    assert_eq!(denied["response"]["status"]["message"], r#"[pods-need-owner] Pod web is missing labels ["owner"]"#);

    let (_, warned) = post(&client, &url, pod_review("u-3", json!({"owner": "a"}))).await;
    assert_eq!(warned["response"]["allowed"], true);
    assert_eq!(
        warned["response"]["warnings"],
        json!([r#"[pods-should-name-team] Pod web is missing labels ["team"]"#])
    );

    let (status, error) = post(&client, &url, "{\"kind\": \"AdmissionReview\"".to_owned()).await;
    assert_eq!(status, 400, "{error}");
    let oversized = pod_review("u-4", json!({"owner": "x".repeat(BODY_LIMIT)}));
    let (status, error) = post(&client, &url, oversized).await;
    assert_eq!(status, 413, "{error}");
    let (status, after) = post(&client, &url, pod_review("u-5", json!({"owner": "a", "team": "b"}))).await;
    assert_eq!((status, after["response"]["uid"].clone()), (200, json!("u-5")));

    let exit = webhook.stop().expect("ferry admission serve stopped on SIGTERM");
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn admission_serve_refuses_policies_that_do_not_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("constraint.yaml"),
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: NoSuchKind\nmetadata:\n  name: orphan\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["admission", "serve", "--listen", "127.0.0.1:0", "--policies"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("orphan") && stderr.contains("NoSuchKind"), "{stderr}");
}
