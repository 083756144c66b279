//! What can go wrong while setting up or running the admission webhook, and what is wrong with
//! an AdmissionReview a client sent.

use std::net::SocketAddr;
use std::path::PathBuf;

/// An error starting or running the webhook server.
#[derive(Debug, thiserror::Error)]
pub enum AdmissionError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A PEM file holds no usable certificate or key.
    #[error("{path}: {problem}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is missing or malformed.
        problem: String,
    },
    /// An inventory file is not valid YAML (or JSON).
    #[error("{path}: not valid YAML: {problem}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The parser's message, with the line when it has one.
        problem: String,
    },
    /// A field of a resource file is missing or has a value that cannot be used.
    #[error("{path}: field `{field}`: {problem}")]
    Field {
        /// The file.
        path: PathBuf,
        /// The field's path, e.g. `spec.sync.syncOnly[0].kind`.
        field: String,
        /// What is wrong and what was expected.
        problem: String,
    },
    /// The certificate and key do not make a TLS configuration (e.g. the key does not match).
    #[error("TLS configuration: {0}")]
    Tls(#[source] rustls::Error),
    /// A certificate could not be generated (e.g. a host name that is not a DNS name or IP).
    #[error("cannot generate a certificate for {hosts}: {source}")]
    Generate {
        /// The host names asked for, comma-separated.
        hosts: String,
        /// Why.
        #[source]
        source: rcgen::Error,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("serving: {0}")]
    Serve(#[source] std::io::Error),
}

/// An AdmissionReview that cannot be reviewed: not JSON, not an AdmissionReview, or a request
/// without the fields a verdict needs. Answered with HTTP 400.
#[derive(Debug, thiserror::Error)]
#[error("malformed AdmissionReview: {problem}")]
pub struct MalformedReview {
    /// What is wrong, naming the field.
    pub problem: String,
}

impl MalformedReview {
    pub(crate) fn new(problem: impl Into<String>) -> Self {
        Self { problem: problem.into() }
    }
}
