//! The HTTP side: `POST /api/webhook` → authenticate and parse → refresh what follows the
//! repository. 401 when the sender is not authenticated, 400 for an authenticated body that
//! makes no sense, 413 past the size cap, 202 with what was refreshed.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use ferry_source::webhook::{self, Hook, MAX_BODY_BYTES, WebhookError};
use serde_json::json;
use tokio::net::TcpListener;

use super::{PATH, Refreshes, Targets};
use crate::engine::Engine;

/// What the receiver needs: the configuration, the shared secret, and whom to tell.
#[derive(Clone)]
pub struct WebhookState {
    pub engine: Arc<Engine>,
    pub secret: Arc<Vec<u8>>,
    /// Warehouses to poll now (the promotion loop takes them).
    pub refreshes: Arc<Refreshes>,
}

pub fn router(state: WebhookState) -> Router {
    Router::new()
        .route(PATH, post(receive))
        // One byte over the cap is enough to refuse; the parser checks the cap again.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES + 1))
        .with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    state: WebhookState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let app = router(state);
    if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
        tracing::error!(error = %e, "webhook receiver stopped");
    }
}

async fn receive(State(state): State<WebhookState>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(String::from);
    let hook = match webhook::parse(header, &body, &state.secret) {
        Ok(hook) => hook,
        Err(e) => return refuse(&e),
    };
    if let Hook::Ignored { provider, event } = &hook {
        tracing::debug!(provider, event = %event, "webhook ignored");
        return answer(StatusCode::OK, &json!({"ignored": event}));
    }
    let targets = Targets::of(&state.engine.config, &hook);
    tracing::info!(applications = ?targets.applications, warehouses = ?targets.warehouses, "webhook: refreshing");
    for app in &targets.applications {
        // No receiver (the sync controller is not running) is not an error.
        let _ = state.engine.refresh.send(app.clone());
    }
    state.refreshes.request(targets.warehouses.iter().cloned());
    answer(StatusCode::ACCEPTED, &serde_json::to_value(&targets).unwrap_or_default())
}

fn answer(status: StatusCode, body: &serde_json::Value) -> Response {
    (status, [(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn refuse(e: &WebhookError) -> Response {
    let status = match e {
        e if e.is_unauthenticated() => StatusCode::UNAUTHORIZED,
        WebhookError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    };
    tracing::warn!(status = status.as_u16(), error = %e, "webhook refused");
    answer(status, &json!({"error": e.to_string()}))
}
