//! `GitCache`: bare repositories under one directory, one per remote, created on first use.
//!
//! Fetches of one remote are serialised by a lock per remote; reads (resolve, tree, commit
//! info) need no lock because packs and refs are replaced atomically by the fetch.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::SourceError;
use crate::remote_url::RemoteUrl;

/// The default time one fetch may take.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// Caps on what one `read_tree` may return (DESIGN.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest single file, in bytes.
    pub max_file_bytes: u64,
    /// The largest sum of all files of one read, in bytes.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_file_bytes: 8 * 1024 * 1024, max_total_bytes: 64 * 1024 * 1024 }
    }
}

/// A cache of bare Git repositories. Cheap to clone; clones share the per-remote locks.
#[derive(Debug, Clone)]
pub struct GitCache {
    pub(crate) dir: PathBuf,
    pub(crate) fetch_timeout: Duration,
    pub(crate) limits: Limits,
    locks: Arc<Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>>,
}

impl GitCache {
    /// A cache keeping its repositories under `dir` (created when first needed). Installs
    /// the TLS crypto provider if the program has not yet (see [`crate::install_crypto_provider`]).
    pub fn new(dir: &Path) -> Self {
        crate::install_crypto_provider();
        Self {
            dir: dir.to_path_buf(),
            fetch_timeout: DEFAULT_FETCH_TIMEOUT,
            limits: Limits::default(),
            locks: Arc::default(),
        }
    }

    /// Sets how long one fetch may take before it fails with [`SourceError::Timeout`].
    pub fn with_fetch_timeout(mut self, timeout: Duration) -> Self {
        self.fetch_timeout = timeout;
        self
    }

    /// Sets the size caps of [`GitCache::read_tree`].
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The directory holding the bare repositories.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the bare repository of `url` lives (whether or not it exists yet).
    pub fn repo_path(&self, url: &str) -> Result<PathBuf, SourceError> {
        Ok(self.dir.join(RemoteUrl::parse(url)?.cache_dir_name()))
    }

    /// The lock that serialises fetches of the repository at `path`.
    pub(crate) fn fetch_lock(&self, path: &Path) -> Arc<Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.entry(path.to_path_buf()).or_default().clone()
    }

    /// Opens the cached repository of `remote`, fetching it first if it was never fetched.
    pub(crate) fn open_or_fetch(&self, remote: &RemoteUrl, url: &str) -> Result<gix::Repository, SourceError> {
        let path = self.dir.join(remote.cache_dir_name());
        if !path.join("HEAD").exists() {
            self.fetch(url)?;
        }
        open_bare(&path, remote)
    }
}

/// Opens a cached bare repository, ignoring the user's and the system's Git configuration so
/// the cache behaves the same on every machine.
pub(crate) fn open_bare(path: &Path, remote: &RemoteUrl) -> Result<gix::Repository, SourceError> {
    gix::open_opts(path, gix::open::Options::isolated()).map_err(|e| cache_error(remote, &e))
}

/// Opens the cached bare repository at `path`, creating it when missing.
pub(crate) fn open_or_init_bare(path: &Path, remote: &RemoteUrl) -> Result<gix::Repository, SourceError> {
    if path.join("HEAD").exists() {
        return open_bare(path, remote);
    }
    std::fs::create_dir_all(path).map_err(|e| cache_error(remote, &e))?;
    gix::init_bare(path).map_err(|e| cache_error(remote, &e))?;
    open_bare(path, remote)
}

pub(crate) fn cache_error(remote: &RemoteUrl, error: &dyn std::fmt::Display) -> SourceError {
    SourceError::Cache { url: remote.redacted.clone(), reason: remote.scrub(&error.to_string()) }
}
