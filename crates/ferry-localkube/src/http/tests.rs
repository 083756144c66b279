//! The HTTP layer driven in-process (no socket): bad input of every kind gets a proper
//! `Status`, and nothing stored is lost or half-written.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::router;
use crate::api::{Cluster, Settings};
use crate::bootstrap::bootstrap;

fn cluster() -> Arc<Cluster> {
    let c = Arc::new(Cluster::new("t", Settings::default()));
    bootstrap(&c);
    c
}

async fn call(
    c: &Arc<Cluster>,
    method: &str,
    uri: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let req =
        Request::builder().method(method).uri(uri).header("content-type", content_type).body(body.into()).unwrap();
    let resp = router(c.clone(), "127.0.0.1:1".into()).oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

async fn create_cm(c: &Arc<Cluster>, name: &str) -> Value {
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}});
    let (code, obj) = call(c, "POST", CMS, "application/json", body.to_string()).await;
    assert_eq!(code, StatusCode::CREATED, "{obj}");
    obj
}

fn assert_status(v: &Value, code: u16, reason: &str) {
    assert_eq!(v["kind"], "Status", "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(v["reason"], reason, "{v}");
}

#[tokio::test]
async fn malformed_json_is_a_bad_request_naming_the_position() {
    let c = cluster();
    let (code, v) = call(&c, "POST", CMS, "application/json", "{\"metadata\": {\"name\": ").await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_status(&v, 400, "BadRequest");
    assert!(v["message"].as_str().unwrap().contains("line 1"), "{v}");
}

#[tokio::test]
async fn oversized_body_is_413_and_stores_nothing() {
    let c = cluster();
    let big = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"}, "data": {"k": "x".repeat(4 << 20)}});
    let (code, v) = call(&c, "POST", CMS, "application/json", big.to_string()).await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE);
    assert_status(&v, 413, "RequestEntityTooLarge");
    let (_, got) = call(&c, "GET", &format!("{CMS}/big"), "", Body::empty()).await;
    assert_status(&got, 404, "NotFound");
}

#[tokio::test]
async fn unknown_patch_content_type_is_415() {
    let c = cluster();
    create_cm(&c, "a").await;
    let (code, v) = call(&c, "PATCH", &format!("{CMS}/a"), "text/plain", "{}").await;
    assert_eq!(code, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_status(&v, 415, "UnsupportedMediaType");
}

#[tokio::test]
async fn invalid_name_is_422_naming_the_field() {
    let c = cluster();
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}});
    let (code, v) = call(&c, "POST", CMS, "application/json", body.to_string()).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_status(&v, 422, "Invalid");
    assert_eq!(v["details"]["causes"][0]["field"], "metadata.name");
    assert!(
        v["message"].as_str().unwrap().starts_with("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value")
    );
}

#[tokio::test]
async fn strict_validation_refuses_unknown_fields_and_warn_drops_them() {
    let c = cluster();
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "u"}, "dta": {"k": "v"}});
    let (code, v) =
        call(&c, "POST", &format!("{CMS}?fieldValidation=Strict"), "application/json", body.to_string()).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["message"].as_str().unwrap().contains("unknown field \"dta\""), "{v}");
    let req = Request::builder()
        .method("POST")
        .uri(format!("{CMS}?fieldValidation=Warn"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = router(c.clone(), "x".into()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let warning = resp.headers().get("warning").unwrap().to_str().unwrap().to_string();
    assert!(warning.contains("unknown field"), "{warning}");
    let (_, got) = call(&c, "GET", &format!("{CMS}/u"), "", Body::empty()).await;
    assert!(got.get("dta").is_none());
}

#[tokio::test]
async fn json_patch_that_does_not_apply_changes_nothing() {
    let c = cluster();
    let before = create_cm(&c, "p").await;
    let patch = json!([{"op": "replace", "path": "/data/k", "value": "new"}, {"op": "test", "path": "/data/k", "value": "nope"}]);
    let (code, v) = call(&c, "PATCH", &format!("{CMS}/p"), "application/json-patch+json", patch.to_string()).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, after) = call(&c, "GET", &format!("{CMS}/p"), "", Body::empty()).await;
    assert_eq!(after["data"]["k"], "v");
    assert_eq!(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
}

#[tokio::test]
async fn stale_update_is_a_conflict() {
    let c = cluster();
    let mut obj = create_cm(&c, "s").await;
    obj["data"]["k"] = json!("one");
    let (code, updated) = call(&c, "PUT", &format!("{CMS}/s"), "application/json", obj.to_string()).await;
    assert_eq!(code, StatusCode::OK, "{updated}");
    obj["data"]["k"] = json!("two");
    let (code, v) = call(&c, "PUT", &format!("{CMS}/s"), "application/json", obj.to_string()).await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert!(v["message"].as_str().unwrap().contains("the object has been modified"));
}

#[tokio::test]
async fn unknown_kind_and_watch_on_it_are_404() {
    let c = cluster();
    let (code, v) = call(&c, "GET", "/apis/example.com/v1/widgets?watch=true", "", Body::empty()).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_status(&v, 404, "NotFound");
}

#[tokio::test]
async fn missing_namespace_is_404_and_apply_needs_a_manager() {
    let c = cluster();
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}});
    let (code, v) = call(&c, "POST", "/api/v1/namespaces/nope/configmaps", "application/json", body.to_string()).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!(v["message"], "namespaces \"nope\" not found");
    let (code, v) = call(&c, "PATCH", &format!("{CMS}/x"), "application/apply-patch+yaml", body.to_string()).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().unwrap().contains("fieldManager is required"));
}

#[tokio::test]
async fn yaml_alias_bomb_in_apply_is_refused() {
    let c = cluster();
    let mut bomb =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    let (code, v) = call(&c, "PATCH", &format!("{CMS}/b?fieldManager=m"), "application/apply-patch+yaml", bomb).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn dry_run_stores_nothing_on_any_write() {
    let c = cluster();
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}});
    let (code, _) = call(&c, "POST", &format!("{CMS}?dryRun=All"), "application/json", body.to_string()).await;
    assert_eq!(code, StatusCode::CREATED);
    let (code, _) = call(&c, "GET", &format!("{CMS}/d"), "", Body::empty()).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    create_cm(&c, "d").await;
    let (code, _) = call(&c, "DELETE", &format!("{CMS}/d?dryRun=All"), "", Body::empty()).await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = call(&c, "GET", &format!("{CMS}/d"), "", Body::empty()).await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = call(&c, "POST", &format!("{CMS}?dryRun=Some"), "application/json", body.to_string()).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn finalizers_hold_deletion_until_cleared() {
    let c = cluster();
    let body =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f", "finalizers": ["example.com/hold"]}});
    call(&c, "POST", CMS, "application/json", body.to_string()).await;
    let (code, v) = call(&c, "DELETE", &format!("{CMS}/f"), "", Body::empty()).await;
    assert_eq!(code, StatusCode::OK);
    assert!(v["metadata"]["deletionTimestamp"].is_string());
    let (code, _) = call(&c, "GET", &format!("{CMS}/f"), "", Body::empty()).await;
    assert_eq!(code, StatusCode::OK, "still there while a finalizer remains");
    let patch = json!({"metadata": {"finalizers": null}});
    call(&c, "PATCH", &format!("{CMS}/f"), "application/merge-patch+json", patch.to_string()).await;
    let (code, _) = call(&c, "GET", &format!("{CMS}/f"), "", Body::empty()).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn label_and_field_selectors_and_paging() {
    let c = cluster();
    for (name, tier) in [("a", "web"), ("b", "db"), ("c", "web")] {
        let body =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"tier": tier}}});
        call(&c, "POST", CMS, "application/json", body.to_string()).await;
    }
    let (_, v) = call(&c, "GET", &format!("{CMS}?labelSelector=tier%20in%20(web)"), "", Body::empty()).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let (_, v) = call(&c, "GET", &format!("{CMS}?fieldSelector=metadata.name%3Db"), "", Body::empty()).await;
    assert_eq!(v["items"][0]["metadata"]["name"], "b");
    let (code, _) = call(&c, "GET", &format!("{CMS}?fieldSelector=spec.x%3Db"), "", Body::empty()).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let (_, v) = call(&c, "GET", &format!("{CMS}?labelSelector=tier&limit=2"), "", Body::empty()).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(v["metadata"]["remainingItemCount"], 1);
}

#[tokio::test]
async fn namespace_deletion_takes_its_objects() {
    let c = cluster();
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "gone"}});
    call(&c, "POST", "/api/v1/namespaces", "application/json", ns.to_string()).await;
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}});
    call(&c, "POST", "/api/v1/namespaces/gone/configmaps", "application/json", cm.to_string()).await;
    call(&c, "DELETE", "/api/v1/namespaces/gone", "", Body::empty()).await;
    let (code, _) = call(&c, "GET", "/api/v1/namespaces/gone/configmaps/x", "", Body::empty()).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, _) = call(&c, "GET", "/api/v1/namespaces/gone", "", Body::empty()).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn watch_from_too_old_version_reports_gone() {
    let c = cluster();
    c.store.write(|s| s.restore(s.rv + 100_000, vec![]));
    let req = Request::builder().uri(format!("{CMS}?watch=1&resourceVersion=1")).body(Body::empty()).unwrap();
    let resp = router(c.clone(), "x".into()).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let line: Value = serde_json::from_slice(bytes.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["type"], "ERROR");
    assert_eq!(line["object"]["code"], 410);
}

#[tokio::test]
async fn label_selected_watch_sees_objects_enter_and_leave() {
    let c = cluster();
    let req = Request::builder().uri(format!("{CMS}?watch=1&labelSelector=team%3Da")).body(Body::empty()).unwrap();
    let resp = router(c.clone(), "x".into()).oneshot(req).await.unwrap();
    let mut body = resp.into_body().into_data_stream();
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m", "labels": {"team": "b"}}});
    call(&c, "POST", CMS, "application/json", cm.to_string()).await;
    let relabel = |team: &str| json!({"metadata": {"labels": {"team": team}}}).to_string();
    call(&c, "PATCH", &format!("{CMS}/m"), "application/merge-patch+json", relabel("a")).await;
    call(&c, "PATCH", &format!("{CMS}/m"), "application/merge-patch+json", relabel("b")).await;
    let mut seen = Vec::new();
    let mut buf = Vec::new();
    while seen.len() < 2 {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(30), futures::StreamExt::next(&mut body))
            .await
            .expect("watch events arrive")
            .unwrap()
            .unwrap();
        buf.extend_from_slice(&chunk);
        while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            let ev: Value = serde_json::from_slice(&line).unwrap();
            seen.push(ev["type"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(seen, ["ADDED", "DELETED"], "entering the selection is ADDED, leaving it DELETED");
}
