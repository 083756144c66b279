//! What can go wrong talking to a cluster, and whether trying again may help.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ClusterError {
    #[error("cannot read kubeconfig {path}: {reason}")]
    Kubeconfig { path: String, reason: String },
    #[error("no kubeconfig context named {name:?} (known: {known})")]
    UnknownContext { name: String, known: String },
    #[error("no kubeconfig context has server {server:?} (known: {known})")]
    UnknownServer { server: String, known: String },
    #[error("cannot build a client for context {context:?}: {reason}")]
    Client { context: String, reason: String },
    #[error("cluster {context:?} is unreachable: {reason}")]
    Unreachable { context: String, reason: String },
    #[error("cluster {context:?} does not serve {api_version} {kind}")]
    UnknownKind { context: String, api_version: String, kind: String },
    #[error("cluster {context:?} does not serve {wanted}")]
    KindNotServed { context: String, wanted: String },
    #[error("several groups of cluster {context:?} serve kind {kind}: {groups}; name one")]
    AmbiguousKind { context: String, kind: String, groups: String },
    #[error("cluster {context:?} serves {kind} but does not allow listing and watching it")]
    NotWatchable { context: String, kind: String },
    #[error("object has no {field}")]
    Malformed { field: &'static str },
    #[error("{verb} {object} on cluster {context:?} failed: {message} ({reason}, {code})")]
    Api { context: String, verb: &'static str, object: String, message: String, reason: String, code: u16 },
}

impl ClusterError {
    /// Network trouble and server-side overload are worth retrying; a rejected object is not.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClusterError::Unreachable { .. } => true,
            ClusterError::Api { code, .. } => *code == 429 || *code >= 500 || *code == 409,
            _ => false,
        }
    }

    /// The HTTP status the API server answered with, if it answered.
    pub fn code(&self) -> Option<u16> {
        match self {
            ClusterError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub(crate) fn from_kube(context: &str, verb: &'static str, object: &str, e: kube::Error) -> Self {
        match e {
            kube::Error::Api(s) => ClusterError::Api {
                context: context.into(),
                verb,
                object: object.into(),
                message: s.message.clone(),
                reason: s.reason.clone(),
                code: s.code,
            },
            other => ClusterError::Unreachable { context: context.into(), reason: other.to_string() },
        }
    }
}
