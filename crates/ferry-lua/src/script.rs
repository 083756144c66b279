//! A health script's source text, where it came from, and its compiled form once compiled.

use std::fmt;
use std::sync::{Arc, OnceLock};

/// The text of one `health.lua` and where it was found (a file path, or an argocd-cm file and
/// key). The origin names the chunk, so Lua error messages point at it. Clones share the
/// compiled bytecode, so a script is parsed once however often it runs.
#[derive(Clone)]
pub struct Script {
    inner: Arc<Inner>,
}

struct Inner {
    source: String,
    origin: String,
    bytecode: OnceLock<Vec<u8>>,
}

impl Script {
    /// A script from its source text and a human-readable origin.
    pub fn new(source: impl Into<String>, origin: impl Into<String>) -> Self {
        let inner = Inner { source: source.into(), origin: origin.into(), bytecode: OnceLock::new() };
        Self { inner: Arc::new(inner) }
    }

    /// The Lua source text.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Where the script came from, e.g. `customizations/cert-manager.io/Certificate/health.lua`.
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The cache cell for the bytecode this crate compiled from [`Script::source`].
    pub(crate) fn bytecode(&self) -> &OnceLock<Vec<u8>> {
        &self.inner.bytecode
    }
}

impl PartialEq for Script {
    fn eq(&self, other: &Self) -> bool {
        self.source() == other.source() && self.origin() == other.origin()
    }
}

impl Eq for Script {}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script").field("origin", &self.origin()).field("source", &self.source()).finish()
    }
}
