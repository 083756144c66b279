//! ferry-cluster against Ferry's local cluster, in-process, through a kubeconfig as for any
//! real cluster.

use std::time::Duration;

use ferry_cluster::{ApplyOptions, Clusters, LiveCache, Propagation};
use ferry_localkube::{ClusterSpec, LocalKube, ServeOptions, Settings};
use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(60);

async fn local(names: &[&str]) -> (LocalKube, Clusters, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let opts = ServeOptions {
        clusters: names.iter().map(|n| ClusterSpec { name: n.to_string(), port: None }).collect(),
        kubeconfig: dir.path().join("kubeconfig"),
        state: None,
        settings: Settings { ready_delay: Duration::from_millis(100) },
    };
    let lk = LocalKube::start(opts).await.unwrap();
    let clusters = Clusters::load(Some(&dir.path().join("kubeconfig"))).unwrap();
    (lk, clusters, dir)
}

fn configmap(name: &str, value: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default", "labels": {"ferry.dev/app": "demo"}},
        "data": {"v": value}})
}

async fn eventually(what: &str, mut cond: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while tokio::time::Instant::now() < deadline {
        if cond().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destinations_resolve_by_context_name_and_server() {
    let (lk, clusters, _dir) = local(&["dev", "prod"]).await;
    assert_eq!(clusters.resolve(Some("prod"), None).unwrap(), "prod");
    let prod_url = format!("http://{}", lk.clusters[1].1);
    assert_eq!(clusters.resolve(None, Some(&prod_url)).unwrap(), "prod");
    assert_eq!(clusters.resolve(None, Some("https://kubernetes.default.svc")).unwrap(), "dev", "in-cluster = current");
    let err = clusters.resolve(Some("nope"), None).unwrap_err().to_string();
    assert!(err.contains("nope") && err.contains("dev, prod"), "{err}");
    assert!(clusters.resolve(None, Some("https://10.0.0.1:6443")).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_get_delete_and_unknown_kinds() {
    let (_lk, clusters, _dir) = local(&["dev"]).await;
    let dev = clusters.client("dev").await.unwrap();
    let opts = ApplyOptions::default();
    let applied = dev.apply(&configmap("a", "1"), &opts).await.unwrap();
    assert_eq!(applied["data"]["v"], "1");
    let again = dev.apply(&configmap("a", "1"), &opts).await.unwrap();
    assert_eq!(again["metadata"]["resourceVersion"], applied["metadata"]["resourceVersion"], "no-op apply");
    let dry = dev.apply(&configmap("a", "2"), &ApplyOptions { dry_run: true, ..opts.clone() }).await.unwrap();
    assert_eq!(dry["data"]["v"], "2");
    assert_eq!(dev.get(&configmap("a", "")).await.unwrap().unwrap()["data"]["v"], "1", "dry run stored nothing");
    dev.delete(&configmap("a", ""), Propagation::Foreground).await.unwrap();
    assert!(dev.get(&configmap("a", "")).await.unwrap().is_none());
    dev.delete(&configmap("a", ""), Propagation::Foreground).await.unwrap();
    let gizmo = json!({"apiVersion": "example.com/v1", "kind": "Gizmo", "metadata": {"name": "g"}});
    let err = dev.apply(&gizmo, &opts).await.unwrap_err();
    assert!(err.to_string().contains("does not serve example.com/v1 Gizmo"), "{err}");
    let bad =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name", "namespace": "default"}});
    let err = dev.apply(&bad, &opts).await.unwrap_err();
    assert_eq!(err.code(), Some(422));
    assert!(!err.is_retryable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crd_applied_first_makes_its_kind_available() {
    let (_lk, clusters, _dir) = local(&["dev"]).await;
    let dev = clusters.client("dev").await.unwrap();
    dev.resources().await.unwrap();
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "widgets", "kind": "Widget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}});
    dev.apply(&crd, &ApplyOptions::default()).await.unwrap();
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "default"}, "spec": {"size": 1}});
    let applied = dev.apply(&widget, &ApplyOptions::default()).await.unwrap();
    assert_eq!(applied["spec"]["size"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_cache_follows_labelled_objects_through_watches() {
    let (_lk, clusters, _dir) = local(&["dev"]).await;
    let dev = clusters.client("dev").await.unwrap();
    let owner = |o: &Value| o.pointer("/metadata/labels/ferry.dev~1app").and_then(Value::as_str).map(String::from);
    let cache = LiveCache::start(dev.clone(), "ferry.dev/app", owner).await.unwrap();
    assert!(cache.wait_synced(DEADLINE).await);
    let mut changes = cache.subscribe();
    let opts = ApplyOptions::default();
    dev.apply(&configmap("watched", "1"), &opts).await.unwrap();
    let unlabelled =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "other", "namespace": "default"}});
    dev.apply(&unlabelled, &opts).await.unwrap();
    let key = ("".to_string(), "ConfigMap".to_string(), "default".to_string(), "watched".to_string());
    eventually("the cache sees the object", async || cache.get(&key).is_some()).await;
    let changed = tokio::time::timeout(DEADLINE, changes.recv()).await.unwrap().unwrap();
    assert_eq!(changed, key);
    assert_eq!(cache.select(|_| true).len(), 1, "only labelled objects are cached");
    assert_eq!(cache.owned_by("demo").len(), 1, "found through the owner index");
    assert!(cache.owned_by("other").is_empty());
    dev.apply(&configmap("watched", "2"), &opts).await.unwrap();
    eventually("the cache sees the edit", async || cache.get(&key).is_some_and(|o| o["data"]["v"] == "2")).await;
    assert_eq!(cache.get(&key).unwrap()["kind"], "ConfigMap");
    dev.delete(&configmap("watched", ""), Propagation::Background).await.unwrap();
    eventually("the cache drops the deleted object", async || cache.get(&key).is_none()).await;
    assert!(cache.owned_by("demo").is_empty(), "the owner index forgets it too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kinds_found_by_name_are_watched_without_a_label_selector() {
    let (_lk, clusters, _dir) = local(&["dev"]).await;
    let dev = clusters.client("dev").await.unwrap();
    let ingress = dev.find_kind(None, None, "Ingress").await.unwrap();
    assert_eq!(ingress.resource.api_version, "networking.k8s.io/v1");
    let config_map = dev.find_kind(Some(""), Some("v1"), "configmap").await.unwrap();
    assert_eq!((config_map.resource.kind.as_str(), config_map.namespaced), ("ConfigMap", true));
    let error = dev.find_kind(Some("example.com"), Some("v1"), "Widget").await.unwrap_err().to_string();
    assert!(error.contains("kind Widget in group example.com at version v1") && error.contains("dev"), "{error}");

    let mut unlabelled = configmap("plain", "1");
    unlabelled["metadata"]["labels"] = json!({});
    dev.apply(&unlabelled, &ApplyOptions::default()).await.unwrap();
    let cache = LiveCache::watch_kinds(dev.clone(), vec![config_map]);
    assert!(cache.wait_synced(DEADLINE).await);
    assert!(cache.unsynced().is_empty());
    let named = |name: &'static str| move |o: &Value| o["metadata"]["name"] == name;
    assert_eq!(cache.select(named("plain")).len(), 1, "objects without Ferry's label are replicated too");
    dev.apply(&configmap("later", "2"), &ApplyOptions::default()).await.unwrap();
    eventually("the new ConfigMap in the cache", async || cache.select(named("later")).len() == 1).await;
    assert!(!cache.watches("", "Secret"), "only the chosen kinds are watched");
}
