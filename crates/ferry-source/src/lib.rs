//! Ferry's sources (DESIGN.md §4): Git repositories fetched into a local cache of bare
//! repositories with gix, revisions resolved the way Argo CD's `targetRevision` is, and
//! files read from commits without a checkout, confined to their repository (§9).
//!
//! Everything here except discovery blocks: async callers wrap calls in `tokio::task::spawn_blocking`.
//! Polling is the caller's concern: [`GitCache::fetch`] reports which refs moved.
//!
//! Warehouse discovery ([`Discovery`]) turns a subscription to Git, container images or Helm
//! charts into candidate Revisions; it is async (tokio) and talks to registries itself.
//!
//! Writing (a promotion's clone, commit and push) goes through [`WorkTree`], which drives
//! the `git` program and pushes with one writer per branch and rebase-and-retry ([`PushLocks`]).
//!
//! ```no_run
//! use ferry_source::GitCache;
//! ferry_source::install_crypto_provider();
//! let cache = GitCache::new(std::path::Path::new("/var/cache/ferry/git"));
//! cache.fetch("https://example.com/org/deploy.git")?;
//! let commit = cache.resolve("https://example.com/org/deploy.git", "main")?;
//! let tree = cache.read_tree("https://example.com/org/deploy.git", commit, "apps/guestbook")?;
//! for file in &tree.files {
//!     println!("{} ({} bytes)", file.path, file.contents.len());
//! }
//! # Ok::<(), ferry_source::SourceError>(())
//! ```

mod cache;
mod commit_id;
mod commit_info;
mod crypto;
pub mod discovery;
mod error;
mod fetch;
mod local;
mod program;
mod push;
mod refs;
mod remote_url;
mod resolve;
mod tree;
mod tree_path;
pub mod webhook;
mod worktree;

pub use cache::{DEFAULT_FETCH_TIMEOUT, GitCache, Limits};
pub use commit_id::{CommitId, ParseCommitIdError};
pub use commit_info::CommitInfo;
pub use crypto::install_crypto_provider;
pub use discovery::{AttachedReport, Discovered, Discovery, DiscoveryError, DiscoveryOptions};
pub use error::SourceError;
pub use fetch::FetchOutcome;
pub use local::LocalRepo;
pub use push::{PushLocks, PushOutcome, RetryPolicy};
pub use remote_url::redact as redact_url;
pub use tree::{SourceFile, SourceTree};
pub use worktree::{MissingBranch, Signature, WorkTree};
