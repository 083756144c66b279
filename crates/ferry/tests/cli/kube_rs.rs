//! kube-rs, the client Ferry's engine uses, against the local cluster.

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{ApiResource, Discovery, Scope};
use kube::runtime::watcher;
use kube::{Client, Config};
use serde_json::json;

use crate::harness::{DEADLINE, LocalCluster};

async fn client(c: &LocalCluster) -> Client {
    let kc = Kubeconfig::read_from(&c.kubeconfig).expect("kubeconfig parses");
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await.expect("config");
    Client::try_from(config).expect("client")
}

#[tokio::test]
async fn discovery_finds_builtin_and_custom_kinds() {
    let c = LocalCluster::start(&[]);
    let client = client(&c).await;
    let discovery = Discovery::new(client.clone()).run().await.expect("discovery");
    let apps = discovery.get("apps").expect("apps group");
    let (ar, caps) = apps.recommended_kind("Deployment").expect("Deployment");
    assert_eq!(ar.plural, "deployments");
    assert_eq!(caps.scope, Scope::Namespaced);
    let ns = discovery.get("").unwrap().recommended_kind("Namespace").unwrap();
    assert_eq!(ns.1.scope, Scope::Cluster);
}

#[tokio::test]
async fn server_side_apply_with_dynamic_objects_and_conflicts() {
    let c = LocalCluster::start(&[]);
    let client = client(&c).await;
    let ar = ApiResource::from_gvk(&kube::core::GroupVersionKind::gvk("apps", "v1", "Deployment"));
    let api: Api<DynamicObject> = Api::namespaced_with(client, "default", &ar);
    let manifest = |replicas: i64| -> DynamicObject {
        serde_json::from_value(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "api"}},
                "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api", "image": "nginx:1.27"}]}}}
        }))
        .unwrap()
    };
    let applied =
        api.patch("api", &PatchParams::apply("ferry"), &Patch::Apply(manifest(2))).await.expect("apply creates");
    assert_eq!(applied.data["spec"]["replicas"], 2);
    assert!(applied.metadata.uid.is_some());
    let err = api.patch("api", &PatchParams::apply("other"), &Patch::Apply(manifest(3))).await.unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 409);
            assert!(s.message.contains("conflict with \"ferry\""), "{}", s.message);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let forced =
        api.patch("api", &PatchParams::apply("other").force(), &Patch::Apply(manifest(3))).await.expect("forced");
    assert_eq!(forced.data["spec"]["replicas"], 3);
    // Re-applying the same configuration is a no-op: same resourceVersion. (A ConfigMap,
    // because a Deployment's status keeps changing under its simulated controller.)
    let cms: Api<DynamicObject> =
        Api::namespaced_with(api.into_client(), "default", &ApiResource::erase::<ConfigMap>(&()));
    let cm: DynamicObject = serde_json::from_value(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "same", "namespace": "default"}, "data": {"a": "b"}}))
    .unwrap();
    let first = cms.patch("same", &PatchParams::apply("ferry"), &Patch::Apply(&cm)).await.unwrap();
    let again = cms.patch("same", &PatchParams::apply("ferry"), &Patch::Apply(&cm)).await.unwrap();
    assert_eq!(again.metadata.resource_version, first.metadata.resource_version);
    // A field the manager stops applying is removed, unless another manager owns it.
    let labelled: DynamicObject = serde_json::from_value(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "same", "namespace": "default", "labels": {"mine": "x", "shared": "y"}}, "data": {"a": "b"}})).unwrap();
    cms.patch("same", &PatchParams::apply("ferry"), &Patch::Apply(&labelled)).await.unwrap();
    let other: DynamicObject = serde_json::from_value(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "same", "namespace": "default", "labels": {"shared": "y"}}}))
    .unwrap();
    cms.patch("same", &PatchParams::apply("other"), &Patch::Apply(&other)).await.unwrap();
    let after = cms.patch("same", &PatchParams::apply("ferry"), &Patch::Apply(&cm)).await.unwrap();
    let labels = after.metadata.labels.unwrap_or_default();
    assert!(!labels.contains_key("mine"), "dropped by its only manager: {labels:?}");
    assert_eq!(labels.get("shared").map(String::as_str), Some("y"), "kept: another manager owns it");
}

#[tokio::test]
async fn watcher_sees_creates_updates_and_deletes() {
    let c = LocalCluster::start(&[]);
    let client = client(&c).await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let mut events = watcher(api.clone(), watcher::Config::default().labels("watched=yes")).boxed();
    // The watcher lists first; changes are made once its initial list is done.
    loop {
        let ev = tokio::time::timeout(DEADLINE, events.try_next()).await.expect("initial list").unwrap().unwrap();
        if matches!(ev, watcher::Event::InitDone) {
            break;
        }
    }
    let mut cm: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "w", "labels": {"watched": "yes"}}, "data": {"v": "1"}}))
            .unwrap();
    api.create(&PostParams::default(), &cm).await.unwrap();
    cm.data.as_mut().unwrap().insert("v".into(), "2".into());
    let got = api.get("w").await.unwrap();
    cm.metadata.resource_version = got.metadata.resource_version;
    api.replace("w", &PostParams::default(), &cm).await.unwrap();
    api.delete("w", &Default::default()).await.unwrap();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while seen.last().map(String::as_str) != Some("delete") {
        let ev = tokio::time::timeout_at(deadline, events.try_next()).await.expect("events arrive").unwrap().unwrap();
        match ev {
            watcher::Event::Apply(o) => seen.push(format!("apply v={}", o.data.unwrap()["v"])),
            watcher::Event::Delete(_) => seen.push("delete".into()),
            _ => {}
        }
    }
    assert_eq!(seen, ["apply v=1", "apply v=2", "delete"]);
}

#[tokio::test]
async fn optimistic_concurrency_rejects_stale_writes() {
    let c = LocalCluster::start(&[]);
    let api: Api<ConfigMap> = Api::namespaced(client(&c).await, "default");
    let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "occ"}, "data": {"v": "1"}})).unwrap();
    let created = api.create(&PostParams::default(), &cm).await.unwrap();
    let mut a = created.clone();
    a.data.as_mut().unwrap().insert("v".into(), "a".into());
    api.replace("occ", &PostParams::default(), &a).await.unwrap();
    let mut b = created;
    b.data.as_mut().unwrap().insert("v".into(), "b".into());
    let err = api.replace("occ", &PostParams::default(), &b).await.unwrap_err();
    assert!(matches!(err, kube::Error::Api(ref s) if s.code == 409), "{err:?}");
    assert_eq!(api.get("occ").await.unwrap().data.unwrap()["v"], "a");
}
