//! ferry-cluster: Ferry's side of Kubernetes. Clusters are kubeconfig contexts; objects are
//! JSON values applied with server-side apply (field manager `ferry`); live state comes from a
//! watch cache of the objects Ferry manages. Nothing here special-cases Ferry's local cluster.

pub mod cache;
pub mod client;
pub mod clusters;
pub mod error;
pub mod resources;

pub use cache::{LiveCache, LiveKey};
pub use client::{ApplyOptions, ClusterClient, Propagation};
pub use clusters::{Clusters, ContextInfo};
pub use error::ClusterError;

/// Installs the process-wide TLS crypto provider (ring) once; later calls do nothing.
/// Call at start-up before any client talks to a cluster over HTTPS.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
