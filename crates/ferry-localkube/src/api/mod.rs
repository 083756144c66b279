//! The API server's behaviour, independent of HTTP: create, read, update, patch, apply and
//! delete against a cluster's store, with the metadata, defaults, validation, field
//! management and optimistic concurrency a real API server applies. The HTTP layer
//! ([`crate::http`]) only decodes requests into these calls and encodes their results; the
//! simulated controllers call the same functions, so every change goes through one path.

pub mod defaults;
pub mod delete;
pub mod fields;
pub mod managed;
pub mod patch;
pub mod read;
pub mod validate;
pub mod write;

use std::time::Duration;

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::resource::ResourceType;
use crate::store::Store;

/// How quickly simulated workloads become ready, and other knobs of the simulation.
#[derive(Debug, Clone)]
pub struct Settings {
    pub ready_delay: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { ready_delay: Duration::from_millis(1000) }
    }
}

/// One simulated cluster.
#[derive(Debug)]
pub struct Cluster {
    pub name: String,
    pub store: Store,
    pub settings: Settings,
}

impl Cluster {
    pub fn new(name: &str, settings: Settings) -> Self {
        Cluster { name: name.to_string(), store: Store::default(), settings }
    }
}

/// `fieldValidation`: what to do with fields the schema does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidation {
    Strict,
    #[default]
    Warn,
    Ignore,
}

impl FieldValidation {
    pub fn parse(s: &str) -> ApiResult<Self> {
        match s {
            "Strict" => Ok(FieldValidation::Strict),
            "Warn" | "" => Ok(FieldValidation::Warn),
            "Ignore" => Ok(FieldValidation::Ignore),
            other => Err(ApiError::bad_request(format!(
                "fieldValidation parameter unsupported: {other}; valid values are Strict, Warn and Ignore"
            ))),
        }
    }
}

/// Options shared by every write.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub dry_run: bool,
    /// The field manager: the `fieldManager` parameter, else the client's user agent.
    pub manager: String,
    pub validation: FieldValidation,
    pub force: bool,
}

/// A write's result: the object as stored (or as it would be, on dry run).
#[derive(Debug, Clone)]
pub struct Written {
    pub object: Value,
    pub warnings: Vec<String>,
    pub created: bool,
}

/// Where a request points: a kind, and for object requests a namespace and name.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    pub rt: &'a ResourceType,
    pub namespace: Option<&'a str>,
    pub name: &'a str,
}

impl Target<'_> {
    /// The namespace key objects of this kind are stored under.
    pub fn ns(&self) -> &str {
        if self.rt.namespaced { self.namespace.unwrap_or("") } else { "" }
    }
}

/// Checks a body's `apiVersion`/`kind` against the endpoint and fills them in when missing.
pub fn check_type(rt: &ResourceType, obj: &mut Value) -> ApiResult<()> {
    let Some(map) = obj.as_object_mut() else {
        return Err(ApiError::bad_request("the body of the request was not a JSON object"));
    };
    let api_version = rt.api_version();
    match map.get("kind").and_then(Value::as_str) {
        None | Some("") => {
            map.insert("kind".into(), Value::String(rt.kind.clone()));
        }
        Some(k) if k == rt.kind => {}
        Some(k) => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({}) does not match the expected API version ({api_version}) or kind {k} is not {}",
                map.get("apiVersion").and_then(Value::as_str).unwrap_or(""),
                rt.kind
            )));
        }
    }
    match map.get("apiVersion").and_then(Value::as_str) {
        None | Some("") => {
            map.insert("apiVersion".into(), Value::String(api_version));
        }
        Some(v) if v == api_version => {}
        Some(v) => {
            let (group, _) = crate::resource::split_api_version(v);
            if group != rt.group {
                return Err(ApiError::bad_request(format!(
                    "the API version in the data ({v}) does not match the expected API version ({api_version})"
                )));
            }
            // Another version of the same group: served as-is (no conversion).
            map.insert("apiVersion".into(), Value::String(api_version));
        }
    }
    Ok(())
}
