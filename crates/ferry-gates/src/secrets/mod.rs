//! Secret scanning compatible with gitleaks v8.
//!
//! - [`Config`] reads gitleaks TOML unchanged (`[[rules]]`, rule and global allowlists,
//!   `[extend]`), translating Go RE2 patterns ([`re2`]); [`Config::default_rules`] is Ferry's own
//!   rule set (`default_rules.toml`).
//! - [`Scanner`] scans a directory, a Git history or commit range, staged changes, or a reader,
//!   and returns a [`ScanReport`] of [`Finding`]s with gitleaks' JSON field names.
//! - Suppression: inline `gitleaks:allow`, `.gitleaksignore` fingerprints ([`IgnoreList`]), a
//!   baseline report ([`Baseline`]); redaction by percentage ([`ScanOptions::redact`]).
//! - [`report`] writes JSON, SARIF 2.1.0 and JUnit XML.
//!
//! ```no_run
//! use ferry_gates::secrets::{Config, ScanOptions, Scanner, report::ReportFormat};
//! let scanner = Scanner::new(Config::default_rules())?;
//! let found = scanner.scan_git(std::path::Path::new("."), None, &ScanOptions { redact: 100, ..Default::default() })?;
//! print!("{}", ReportFormat::Sarif.render(scanner.config(), &found.findings));
//! # Ok::<(), ferry_gates::secrets::SecretsError>(())
//! ```
//!
//! - Composite rules (`[[rules.required]]`): a finding is kept only with a finding of every
//!   required rule nearby (`withinLines`/`withinColumns`), attached as [`Finding::required`].
//! - Decoding ([`ScanOptions::max_decode_depth`], gitleaks' default 5): base64, hex, percent and
//!   unicode escapes, nested, scanned again pass after pass; findings map back to the encoded text.
//! - Archives ([`ScanOptions::max_archive_depth`], off by default): zip, tar, tar.gz and gz in
//!   directory scans, read in memory within [`ArchiveLimits`], files named `outer.zip!inner`.
//!
//! Not done: archives inside Git history (gitleaks reads binary blobs for them; Ferry's Git scan
//! reads `git log -p` text, where an archive is only "Binary files differ").

mod allowlist;
mod archive;
mod config;
mod decode;
mod detector;
mod entropy;
mod error;
mod finding;
mod git;
mod gitdiff;
mod ignore;
mod keywords;
mod location;
mod raw;
pub mod re2;
pub mod report;
mod rule;
mod scanner;
mod walk;

pub use allowlist::{Allowlist, Condition, RegexTarget};
pub use archive::{ArchiveLimits, INNER_PATH_SEPARATOR};
pub use config::{Config, DEFAULT_RULES};
pub use decode::DEFAULT_MAX_DECODE_DEPTH;
pub use detector::{CommitInfo, GITLEAKS_ALLOW};
pub use entropy::shannon_entropy;
pub use error::SecretsError;
pub use finding::{Finding, RequiredFinding};
pub use ignore::{Baseline, IgnoreList};
pub use rule::{Required, Rule};
pub use scanner::{DEFAULT_MAX_TARGET_BYTES, ScanOptions, ScanReport, Scanner, SkipReason, Skipped};
