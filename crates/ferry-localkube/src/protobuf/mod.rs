//! Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded into
//! the Kubernetes JSON form the server stores. kubectl's typed clients (`kubectl create
//! namespace|deployment|secret|configmap|job`, `kubectl expose`) send only protobuf.
//!
//! A body is the magic `k8s\0`, then a `runtime.Unknown` envelope naming the apiVersion and
//! kind, holding the object's message in `raw`. Field numbers, JSON names and types come from
//! a table generated from k8s-pb and the 1.32 OpenAPI definitions
//! (`tools/gen_k8s_proto.py`). Decoding is bounds-checked and depth-limited: arbitrary bytes
//! give an error, never a panic.

mod decode;
mod table;
mod wire;

#[cfg(test)]
mod tests;

use serde_json::Value;

/// The media type kubectl sends protobuf bodies as.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// Every Kubernetes protobuf body starts with these 4 bytes.
pub const MAGIC: &[u8] = b"k8s\0";

/// The largest body decoded (the API server's request limit).
pub const MAX_BODY: usize = 3 * 1024 * 1024;

pub use decode::MAX_DEPTH;

/// Why a protobuf body could not be decoded. Offsets are bytes from the start of the body;
/// fields are JSON paths (`spec.template.spec.containers[0].image`).
#[derive(Debug, thiserror::Error)]
pub enum ProtoError {
    #[error("not a Kubernetes protobuf body: it does not start with the 4-byte prefix \"k8s\\0\"")]
    NoMagic,
    #[error("protobuf body of {size} bytes is larger than the {max}-byte limit")]
    TooLarge { size: usize, max: usize },
    #[error("truncated message at byte {at}")]
    Truncated { at: usize },
    #[error("varint longer than 10 bytes at byte {at}")]
    VarintOverflow { at: usize },
    #[error("invalid field number at byte {at}")]
    BadTag { at: usize },
    #[error("unsupported protobuf wire type {wire} at byte {at}")]
    BadWireType { at: usize, wire: u8 },
    #[error("field {field}: expected a {expected} value, found {got}")]
    WrongWireType { field: String, expected: &'static str, got: &'static str },
    #[error("the protobuf envelope names no apiVersion and kind")]
    NoKind,
    #[error("unknown kind {api_version} {kind}: not a Kubernetes 1.32 built-in type")]
    UnknownKind { api_version: String, kind: String },
    #[error("unsupported content encoding {0:?} in the protobuf envelope")]
    Encoding(String),
    #[error("bad UTF-8 in field {field}")]
    BadUtf8 { field: String },
    #[error("field {field}: embedded JSON is invalid: {source}")]
    BadJson {
        field: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("nesting deeper than {max} at field {field}")]
    TooDeep { field: String, max: usize },
    #[error("field {field}: a number that JSON cannot hold (NaN or infinite)")]
    NotFinite { field: String },
    #[error("field {field}: time {seconds}s since 1970 is outside years 0000-9999")]
    TimeOutOfRange { field: String, seconds: i64 },
    #[error("the built-in protobuf table is broken: {0}")]
    Table(String),
}

/// Decodes a Kubernetes protobuf body into the object's JSON form, with `apiVersion` and
/// `kind` set from the envelope.
pub fn decode(body: &[u8]) -> Result<Value, ProtoError> {
    if body.len() > MAX_BODY {
        return Err(ProtoError::TooLarge { size: body.len(), max: MAX_BODY });
    }
    if !body.starts_with(MAGIC) {
        return Err(ProtoError::NoMagic);
    }
    let table = table::Table::get().map_err(ProtoError::Table)?;
    decode::Decoder::new(table).envelope(wire::Part::new(body, 0))
}

/// Whether a Content-Type names Kubernetes protobuf (parameters ignored).
pub fn is_protobuf(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(MEDIA_TYPE))
}
