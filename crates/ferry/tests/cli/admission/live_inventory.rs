//! `ferry admission serve --sync`: `data.inventory` replicated from a live local cluster by
//! watches, so a referential policy (unique Ingress host) follows objects created, changed and
//! deleted with kubectl, without a restart, next to `--inventory` files. Kinds the cluster does
//! not serve and bad Gatekeeper `Config` files stop it with exit code 2 and a message naming
//! them; synced Secrets never reach its log.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Webhook, client, post};
use crate::harness::{DEADLINE, LocalCluster};

const UNIQUE_HOST_CONSTRAINT: &str = "unique-ingress-host";

/// A policy directory with the library's unique-ingress-host template and its constraint.
fn unique_host_policies(dir: &Path) -> PathBuf {
    let library =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-gates/testdata/policy/library/uniqueingresshost");
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::copy(library.join("template.yaml"), policies.join("template.yaml")).unwrap();
    let constraint = library.join("samples/unique-host/constraint.yaml");
    std::fs::copy(constraint, policies.join("constraint.yaml")).unwrap();
    policies
}

fn ingress(namespace: &str, name: &str, host: &str) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"rules": [{"host": host, "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "web", "port": {"number": 80}}}
        }]}}]}
    })
}

fn ingress_review(uid: &str, object: &Value) -> String {
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": uid, "kind": {"group": "networking.k8s.io", "version": "v1", "kind": "Ingress"},
            "operation": "CREATE", "namespace": object["metadata"]["namespace"], "name": object["metadata"]["name"],
            "object": object
        }
    })
    .to_string()
}

/// Sends `review` until the webhook's verdict is `allowed` (the inventory follows the cluster
/// asynchronously); the last answer.
async fn wait_for_verdict(webhook: &Webhook, review: &str, allowed: bool) -> Value {
    let client = client(&webhook.ca_pem);
    let deadline = Instant::now() + DEADLINE;
    loop {
        let (status, answer) = post(&client, &format!("{}/validate", webhook.base), review.to_owned()).await;
        assert_eq!(status, 200, "{answer}");
        if answer["response"]["allowed"] == allowed {
            return answer;
        }
        assert!(Instant::now() < deadline, "still {answer} after {DEADLINE:?}; log: {}", webhook.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls `GET /readyz` until it answers 200.
async fn wait_ready(webhook: &Webhook) {
    let client = client(&webhook.ca_pem);
    let deadline = Instant::now() + DEADLINE;
    loop {
        let response = client.get(format!("{}/readyz", webhook.base)).send().await.unwrap();
        if response.status() == 200 {
            return;
        }
        assert!(Instant::now() < deadline, "/readyz still {}; log: {}", response.status(), webhook.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn sync_args(cluster: &LocalCluster, policies: &Path, sync: &[&str]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["--kubeconfig".into(), cluster.kubeconfig.clone().into()];
    args.extend(["--policies".into(), policies.into()]);
    args.extend(sync.iter().map(OsString::from));
    args
}

#[tokio::test]
async fn admission_serve_sync_follows_ingresses_added_modified_and_deleted_in_the_cluster() {
    let cluster = LocalCluster::start(&["dev"]);
    cluster.ok(&["create", "namespace", "one"]);
    cluster.ok(&["create", "namespace", "two"]);
    let out = cluster.apply(&ingress("one", "first", "a.example.com").to_string(), &[]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    let policies = unique_host_policies(cluster.dir.path());
    let files = cluster.dir.path().join("inventory");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("ingress.json"), ingress("elsewhere", "from-file", "c.example.com").to_string()).unwrap();
    let mut args = sync_args(&cluster, &policies, &["--sync", "Ingress.v1.networking.k8s.io", "--inventory"]);
    args.push(files.into());
    let webhook = Webhook::start_with(&args);
    wait_ready(&webhook).await;

    // --inventory files stay alongside the live objects.
    let from_file = ingress_review("u-0", &ingress("two", "second", "c.example.com"));
    let denied = wait_for_verdict(&webhook, &from_file, false).await;
    assert!(denied["response"]["status"]["message"].as_str().unwrap().contains("c.example.com"), "{denied}");

    // Listed at start: the host is taken.
    let second = ingress_review("u-1", &ingress("two", "second", "a.example.com"));
    let denied = wait_for_verdict(&webhook, &second, false).await;
    assert_eq!(denied["response"]["status"]["code"], 403);
    let message = denied["response"]["status"]["message"].as_str().unwrap();
    assert!(message.contains(UNIQUE_HOST_CONSTRAINT) && message.contains("a.example.com"), "{message}");

    // MODIFIED: the first Ingress moves to another host, freeing a.example.com.
    cluster.ok(&[
        "-n",
        "one",
        "patch",
        "ingress",
        "first",
        "--type=json",
        "-p",
        r#"[{"op": "replace", "path": "/spec/rules/0/host", "value": "b.example.com"}]"#,
    ]);
    wait_for_verdict(&webhook, &second, true).await;

    // ADDED: another Ingress takes a.example.com; DELETED: it goes away again.
    let out = cluster.apply(&ingress("one", "third", "a.example.com").to_string(), &[]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    wait_for_verdict(&webhook, &second, false).await;
    cluster.ok(&["-n", "one", "delete", "ingress", "third"]);
    wait_for_verdict(&webhook, &second, true).await;
}

#[test]
fn admission_serve_refuses_a_sync_kind_the_cluster_does_not_serve() {
    let cluster = LocalCluster::start(&["dev"]);
    let policies = unique_host_policies(cluster.dir.path());
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["admission", "serve", "--listen", "127.0.0.1:0"])
        .args(sync_args(&cluster, &policies, &["--sync", "Ingress.v1.networking.k8s.io,Widget.v1.example.com"]))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--sync Widget.v1.example.com") && stderr.contains("does not serve"), "{stderr}");
}

#[test]
fn admission_serve_names_the_file_and_field_of_a_bad_sync_config() {
    let dir = tempfile::tempdir().unwrap();
    let policies = unique_host_policies(dir.path());
    let config = dir.path().join("gatekeeper-config.yaml");
    std::fs::write(
        &config,
        "apiVersion: config.gatekeeper.sh/v1alpha1\nkind: Config\nmetadata:\n  name: config\nspec:\n  sync:\n    \
         syncOnly:\n      - group: networking.k8s.io\n        version: v1\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["admission", "serve", "--listen", "127.0.0.1:0", "--policies"])
        .arg(&policies)
        .arg("--sync-config")
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("gatekeeper-config.yaml") && stderr.contains("spec.sync.syncOnly[0].kind"), "{stderr}");
}

#[tokio::test]
async fn admission_serve_sync_config_replicates_secrets_without_logging_them() {
    const SECRET: &str = "hunter2-do-not-log-me";
    let cluster = LocalCluster::start(&["dev"]);
    let out = cluster.kubectl(&["create", "secret", "generic", "db", "--from-literal", &format!("password={SECRET}")]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    let policies = unique_host_policies(cluster.dir.path());
    let config = cluster.dir.path().join("gatekeeper-config.yaml");
    std::fs::write(
        &config,
        "apiVersion: config.gatekeeper.sh/v1alpha1\nkind: Config\nmetadata: {name: config, namespace: gatekeeper-system}\n\
         spec:\n  sync:\n    syncOnly:\n      - {group: \"\", version: v1, kind: Secret}\n      \
         - {group: networking.k8s.io, version: v1, kind: Ingress}\n",
    )
    .unwrap();
    let mut args = sync_args(&cluster, &policies, &["--sync-config"]);
    args.extend([config.into(), "-vv".into()]);
    let webhook = Webhook::start_with(&args);
    wait_ready(&webhook).await;
    cluster.ok(&["create", "secret", "generic", "later", "--from-literal", &format!("token={SECRET}")]);
    let out = cluster.apply(&ingress("default", "first", "a.example.com").to_string(), &[]);
    assert!(out.status.success(), "{}", crate::harness::stderr(&out));
    // The Ingress created after the second Secret is in the inventory: the webhook has been
    // handling watch events past that Secret's creation.
    wait_for_verdict(&webhook, &ingress_review("u-1", &ingress("default", "second", "a.example.com")), false).await;

    let log = webhook.log();
    assert!(log.contains("data.inventory synced"), "{log}");
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, SECRET);
    assert!(!log.contains(SECRET) && !log.contains(&encoded), "a Secret's data reached the log");
}
