//! An in-test HTTP receiver on 127.0.0.1 recording what notification services would receive
//! (Slack, Teams, PagerDuty and webhook payloads); the services themselves cannot run here.
//! A path can be told to answer 503 a number of times first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Clone, Default)]
pub struct Receiver {
    pub received: Arc<Mutex<Vec<Received>>>,
    failures: Arc<Mutex<HashMap<String, usize>>>,
}

impl Receiver {
    /// Serves on a free port; returns the receiver and its base URL.
    pub async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let router = Router::new().route("/{*path}", post(receive)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (receiver, base)
    }

    /// `/path` answers 503 the next `times` requests.
    pub fn fail(&self, path: &str, times: usize) {
        self.failures.lock().unwrap().insert(path.to_owned(), times);
    }

    /// The bodies received on `path`, in order (including refused ones).
    pub fn bodies(&self, path: &str) -> Vec<Received> {
        self.received.lock().unwrap().iter().filter(|r| r.path == path).cloned().collect()
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let path = format!("/{path}");
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).map(String::from);
    let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
    receiver.received.lock().unwrap().push(Received { path: path.clone(), authorization, body });
    let mut failures = receiver.failures.lock().unwrap();
    match failures.get_mut(&path) {
        Some(n) if *n > 0 => {
            *n -= 1;
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::ACCEPTED,
    }
}
