//! The admission webhook through its real HTTPS server: a generated CA trusted by a real client,
//! AdmissionReviews answered over TLS, bad requests refused while the server keeps serving, and
//! a graceful stop.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ferry_gates::admission::{AdmissionServer, Identity, InventoryHandle, ServerOptions, Validator, load_inventory};
use ferry_gates::policy::{Inventory, PolicySet};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const BODY_LIMIT: usize = 64 * 1024;

fn testdata(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/admission").join(dir)
}

/// A running server and the means to stop it.
struct Running {
    addr: SocketAddr,
    ca_pem: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), ferry_gates::admission::AdmissionError>>,
    inventory: InventoryHandle,
}

async fn start() -> Running {
    let policies = PolicySet::load_dir(&testdata("policies")).unwrap();
    let validator = Validator::new(policies, load_inventory(&testdata("inventory")).unwrap());
    let inventory = validator.inventory_handle();
    let identity = Identity::generate(&["localhost".into(), "127.0.0.1".into()]).unwrap();
    let options = ServerOptions { listen: "127.0.0.1:0".parse().unwrap(), body_limit: BODY_LIMIT };
    let server = AdmissionServer::bind(options, &identity, validator).await.unwrap();
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    Running { addr, ca_pem: identity.ca_pem().unwrap().to_owned(), stop, task, inventory }
}

/// A client that trusts only `ca_pem`.
fn client(ca_pem: &str) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder().tls_backend_preconfigured(config).no_proxy().build().unwrap()
}

fn pod_review(uid: &str, labels: Value) -> Value {
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": uid, "kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "CREATE",
            "namespace": "dev", "name": "web",
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": labels}}
        }
    })
}

async fn post(client: &reqwest::Client, url: &str, body: Vec<u8>) -> (u16, Value) {
    let response = client.post(url).header("content-type", "application/json").body(body).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admission_reviews_are_answered_over_https_with_the_generated_ca() {
    let running = start().await;
    let client = client(&running.ca_pem);
    let base = format!("https://localhost:{}", running.addr.port());

    let (status, allowed) = post(
        &client,
        &format!("{base}/validate"),
        pod_review("u-1", json!({"owner": "a", "team": "b"})).to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(allowed["response"], json!({"uid": "u-1", "allowed": true, "status": {"code": 200}}));

    let (_, denied) =
        post(&client, &format!("{base}/v1/admit"), pod_review("u-2", json!({})).to_string().into_bytes()).await;
    assert_eq!(denied["response"]["uid"], "u-2");
    assert_eq!(denied["response"]["allowed"], false);
    assert_eq!(denied["response"]["status"]["code"], 403);
    assert_eq!(denied["response"]["status"]["message"], r#"[pods-need-owner] Pod web is missing labels ["owner"]"#);
    assert_eq!(
        denied["response"]["warnings"],
        json!([r#"[pods-should-name-team] Pod web is missing labels ["team"]"#])
    );

    // The certificate also names the IP address.
    let by_ip = format!("https://127.0.0.1:{}/validate", running.addr.port());
    let (_, warned) = post(&client, &by_ip, pod_review("u-3", json!({"owner": "a"})).to_string().into_bytes()).await;
    assert_eq!(warned["response"]["allowed"], true);
    assert_eq!(warned["response"]["warnings"].as_array().map(Vec::len), Some(1), "{warned}");

    running.stop.send(()).unwrap();
    running.task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_and_the_server_keeps_serving() {
    let running = start().await;
    let client = client(&running.ca_pem);
    let url = format!("https://localhost:{}/validate", running.addr.port());

    let (status, error) = post(&client, &url, b"{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": ".to_vec()).await;
    assert_eq!(status, 400);
    assert!(error["error"].as_str().unwrap().contains("not valid JSON"), "{error}");

    let (status, error) =
        post(&client, &url, br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}"#.to_vec()).await;
    assert_eq!(status, 400);
    assert!(error["error"].as_str().unwrap().contains("request.uid"), "{error}");

    let mut huge = pod_review("u-big", json!({"owner": "a"}));
    huge["request"]["object"]["data"] = json!("x".repeat(BODY_LIMIT * 2));
    let (status, error) = post(&client, &url, huge.to_string().into_bytes()).await;
    assert_eq!(status, 413);
    assert!(error["error"].as_str().unwrap().contains("size limit"), "{error}");

    let (status, answer) =
        post(&client, &url, pod_review("u-after", json!({"owner": "a", "team": "b"})).to_string().into_bytes()).await;
    assert_eq!((status, answer["response"]["allowed"].clone()), (200, json!(true)));
    let health = client.get(format!("https://localhost:{}/healthz", running.addr.port())).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");

    running.stop.send(()).unwrap();
    running.task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_waits_for_the_inventory_while_reviews_see_each_replacement() {
    let running = start().await;
    let client = client(&running.ca_pem);
    let base = format!("https://localhost:{}", running.addr.port());
    let readyz = || async {
        let response = client.get(format!("{base}/readyz")).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(readyz().await, (200, "ok".to_owned()));

    running.inventory.set_waiting_for(vec!["Namespace.v1".into()]);
    let (status, body) = readyz().await;
    assert_eq!(status, 503);
    assert!(body.contains("waiting for the first list of Namespace.v1"), "{body}");

    // Not ready, yet reviews are answered, against the inventory as it is now.
    let config_map = |uid: &str| {
        let mut review = pod_review(uid, json!({}));
        review["request"]["kind"]["kind"] = json!("ConfigMap");
        review["request"]["namespace"] = json!("prod");
        review["request"]["object"] = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}});
        review.to_string().into_bytes()
    };
    let (_, denied) = post(&client, &format!("{base}/validate"), config_map("u-1")).await;
    assert_eq!(denied["response"]["allowed"], false, "{denied}");
    let dev = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod", "labels": {"env": "dev"}}});
    running.inventory.replace(Inventory::from_objects(&[dev]));
    running.inventory.set_waiting_for(Vec::new());
    let (_, allowed) = post(&client, &format!("{base}/validate"), config_map("u-2")).await;
    assert_eq!(allowed["response"]["allowed"], true, "{allowed}");
    assert_eq!(readyz().await, (200, "ok".to_owned()));

    running.stop.send(()).unwrap();
    running.task.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_trust_the_ca_is_refused_and_a_stopped_server_is_gone() {
    let running = start().await;
    let stranger = Identity::generate(&["localhost".into()]).unwrap();
    let url = format!("https://localhost:{}/healthz", running.addr.port());
    let error = client(stranger.ca_pem().unwrap()).get(&url).send().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");

    running.stop.send(()).unwrap();
    running.task.await.unwrap().unwrap();
    assert!(client(&running.ca_pem).get(&url).send().await.is_err(), "the server still answers after stopping");
}

#[test]
fn certificate_files_are_read_and_their_mistakes_named() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    std::fs::write(&cert, "not a certificate").unwrap();
    std::fs::write(&key, "").unwrap();
    let error = Identity::from_pem_files(&cert, &key).unwrap_err().to_string();
    assert!(error.contains("tls.crt") && error.contains("no CERTIFICATE"), "{error}");
    let missing = Identity::from_pem_files(&dir.path().join("absent.crt"), &key).unwrap_err().to_string();
    assert!(missing.contains("absent.crt") && missing.contains("cannot read"), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_serves_certificate_files_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap().signed_by(&key, &ca).unwrap();
    let (cert_path, key_path) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();

    let identity = Identity::from_pem_files(&cert_path, &key_path).unwrap();
    assert!(identity.ca_pem().is_none());
    let options = ServerOptions::new("127.0.0.1:0".parse().unwrap());
    let validator = Validator::new(PolicySet::default(), Default::default());
    let server = AdmissionServer::bind(options, &identity, validator).await.unwrap();
    let url = format!("https://localhost:{}/validate", server.local_addr().port());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let (status, answer) =
        post(&client(&ca.pem()), &url, pod_review("u-files", json!({})).to_string().into_bytes()).await;
    assert_eq!((status, answer["response"]["allowed"].clone()), (200, json!(true)));
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}
