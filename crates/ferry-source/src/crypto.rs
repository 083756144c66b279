//! The TLS crypto provider for HTTPS fetches.
//!
//! gix's HTTP transport uses reqwest with rustls built without a provider of its own (so the
//! workspace compiles one crypto library, ring, not also aws-lc). rustls then needs a process-
//! wide default installed once at start-up; HTTPS fetches fail without it.

/// Installs ring as rustls' process-wide crypto provider. Call once at start-up; calling it
/// again, or after another part of the program installed a provider, is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
