//! The webhook's HTTP endpoints, with no socket: `POST /validate` (and Gatekeeper's path
//! `POST /v1/admit`) answer AdmissionReviews, `GET /healthz` says the server is up, `GET /readyz`
//! says whether `data.inventory` is complete (503 until it is, as Gatekeeper's readiness probe
//! fails until its synced data has been listed; reviews are still answered). Errors are
//! JSON `{"error": …}` with a status a client can act on: 400 for a malformed review, 413 for a
//! body over the limit.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::validator::Validator;

/// The router serving `validator`, refusing bodies over `body_limit` bytes.
pub fn router(validator: Arc<Validator>, body_limit: usize) -> Router {
    Router::new()
        .route("/validate", post(validate))
        .route("/v1/admit", post(validate))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(validator)
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready once the inventory waits for nothing: a load balancer or Kubernetes Service sends
/// reviews only to a webhook whose referential policies see the whole cluster.
async fn readyz(State(validator): State<Arc<Validator>>) -> Result<&'static str, ApiError> {
    let waiting_for = validator.inventory_handle().waiting_for();
    if waiting_for.is_empty() {
        return Ok("ok");
    }
    let message = format!("data.inventory is not synced yet: waiting for the first list of {}", waiting_for.join(", "));
    Err(ApiError { status: StatusCode::SERVICE_UNAVAILABLE, message })
}

async fn validate(
    State(validator): State<Arc<Validator>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(ApiError::from)?;
    // Policies are CPU work with their own time limit: keep them off the async workers.
    let answer = tokio::task::spawn_blocking(move || validator.review_json(&body))
        .await
        .map_err(|e| ApiError { status: StatusCode::INTERNAL_SERVER_ERROR, message: format!("review failed: {e}") })?
        .map_err(|e| ApiError { status: StatusCode::BAD_REQUEST, message: e.to_string() })?;
    Ok(json_response(StatusCode::OK, &answer))
}

/// A request the webhook cannot answer with an AdmissionReview.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        let message = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "the request body is over the webhook's size limit".to_owned(),
            _ => rejection.body_text(),
        };
        Self { status, message }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        tracing::debug!(status = %self.status, message = %self.message, "request refused");
        json_response(self.status, &json!({"error": self.message}))
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}
