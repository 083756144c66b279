//! The webhook server: the router served over TLS on one address until a shutdown signal, then
//! in-flight requests finish before it returns.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use super::error::AdmissionError;
use super::identity::Identity;
use super::listener::TlsListener;
use super::router::router;
use super::validator::Validator;

/// The largest AdmissionReview accepted by default: an UPDATE carries the object and its old
/// version, each up to the API server's 1.5 MiB object limit, plus the request around them.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
}

impl ServerOptions {
    /// Listen on `listen` with the default body limit.
    pub fn new(listen: SocketAddr) -> Self {
        Self { listen, body_limit: DEFAULT_BODY_LIMIT }
    }
}

/// A webhook server bound to its address, not yet serving.
#[derive(Debug)]
pub struct AdmissionServer {
    listener: TlsListener,
    local_addr: SocketAddr,
    validator: Arc<Validator>,
    body_limit: usize,
}

impl AdmissionServer {
    /// Binds `options.listen` and prepares TLS with `identity`.
    pub async fn bind(
        options: ServerOptions,
        identity: &Identity,
        validator: Validator,
    ) -> Result<Self, AdmissionError> {
        let config = identity.server_config()?;
        let bind_error = |source| AdmissionError::Bind { address: options.listen, source };
        let tcp = TcpListener::bind(options.listen).await.map_err(bind_error)?;
        let local_addr = tcp.local_addr().map_err(bind_error)?;
        let listener = TlsListener::start(tcp, config).map_err(bind_error)?;
        Ok(Self { listener, local_addr, validator: Arc::new(validator), body_limit: options.body_limit })
    }

    /// The address actually bound (the chosen port when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), AdmissionError> {
        let app = router(self.validator, self.body_limit);
        axum::serve(self.listener, app).with_graceful_shutdown(shutdown).await.map_err(AdmissionError::Serve)
    }
}
