//! In-test HTTP servers on 127.0.0.1: an application with health endpoints for HTTP probes,
//! and a metrics exporter whose error ratio the test sets.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

/// Serves `router` on a free port of 127.0.0.1 until the test's runtime ends.
pub async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    address
}

/// `/healthz` (200, JSON), `/down` (503), `/slow` (answers after 60 s), `/huge` (2 MiB).
pub fn application() -> Router {
    let json = |body: &'static str| ([(header::CONTENT_TYPE, "application/json")], body);
    Router::new()
        .route("/healthz", get(move || async move { json(r#"{"status":"ok","checks":[{"name":"db","ok":true}]}"#) }))
        .route("/down", get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down") }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "late"
            }),
        )
        .route("/huge", get(|| async { format!("{{\"pad\":\"{}\"}}", "x".repeat(2 * 1024 * 1024)) }))
}

/// The error ratio the exporter reports, settable by the test.
#[derive(Clone, Default)]
pub struct ErrorRatio(Arc<Mutex<f64>>);

impl ErrorRatio {
    pub fn set(&self, ratio: f64) {
        *self.0.lock().unwrap() = ratio;
    }
}

/// `/metrics` in Prometheus' text format: request counters by code and the error ratio.
pub fn exporter(ratio: ErrorRatio) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(ratio)
}

async fn metrics(State(ratio): State<ErrorRatio>) -> impl IntoResponse {
    let ratio = *ratio.0.lock().unwrap();
    let errors = (ratio * 1000.0).round();
    let body = format!(
        "# TYPE http_requests_total counter\n\
         http_requests_total{{code=\"200\"}} {}\n\
         http_requests_total{{code=\"500\"}} {errors}\n\
         # TYPE http_errors_ratio gauge\n\
         http_errors_ratio {ratio}\n",
        1000.0 - errors
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
