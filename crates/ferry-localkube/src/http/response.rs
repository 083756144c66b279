//! Encoding answers: JSON objects, `Status` errors, warnings, and the representation the
//! client asked for in `Accept` (full objects, a `Table`, or `PartialObjectMetadata`).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::resource::ResourceType;
use crate::table::{self, IncludeObject};

/// How the client wants objects represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Full,
    Table(IncludeObject),
    Metadata,
}

impl View {
    pub fn from_accept(accept: &str, include_object: Option<&str>) -> Self {
        let first_json = accept.split(',').find(|a| a.trim_start().starts_with("application/json")).unwrap_or("");
        if first_json.contains("as=Table") {
            let include = match include_object {
                Some("None") => IncludeObject::None,
                Some("Object") => IncludeObject::Object,
                _ => IncludeObject::Metadata,
            };
            View::Table(include)
        } else if first_json.contains("as=PartialObjectMetadata") {
            View::Metadata
        } else {
            View::Full
        }
    }

    /// Renders one object.
    pub fn object(self, rt: &ResourceType, obj: Value) -> Value {
        match self {
            View::Full => obj,
            View::Metadata => table::partial_metadata(&obj),
            View::Table(include) => {
                let meta =
                    json!({"resourceVersion": obj.pointer("/metadata/resourceVersion").cloned().unwrap_or(json!(""))});
                table::table(rt, &[obj], include, meta)
            }
        }
    }

    /// Renders a list answer.
    pub fn list(self, rt: &ResourceType, mut list: Value) -> Value {
        match self {
            View::Full => list,
            View::Metadata => {
                let items: Vec<Value> = list["items"]
                    .as_array()
                    .map(|a| a.iter().map(table::partial_metadata).collect())
                    .unwrap_or_default();
                json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": list["metadata"].take(), "items": items})
            }
            View::Table(include) => {
                let items = list["items"].as_array().cloned().unwrap_or_default();
                table::table(rt, &items, include, list["metadata"].take())
            }
        }
    }
}

/// A JSON answer with an HTTP status and optional warnings.
pub fn json_response(code: u16, body: &Value, warnings: &[String]) -> Response {
    json_typed(code, body, warnings, "application/json")
}

pub fn json_typed(code: u16, body: &Value, warnings: &[String], content_type: &str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/json")),
    );
    for w in warnings {
        let text = format!("299 - {}", serde_json::to_string(w).unwrap_or_default());
        if let Ok(v) = HeaderValue::from_str(&text) {
            headers.append(header::WARNING, v);
        }
    }
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (status, headers, bytes).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.code(), &self.to_status(), &[])
    }
}
