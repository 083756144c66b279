//! Errors of SOPS decryption. Each names the file; none carries a decrypted value or key
//! material, so they are safe to log, show in the UI and return from the API.

use thiserror::Error;

/// Why a SOPS-encrypted file could not be decrypted.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SopsError {
    /// `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE` or the default keys file holds something that is not
    /// an age identity (`AGE-SECRET-KEY-1…`). `source_name` says where the keys came from
    /// (the variable or the file), `line` which line; the line itself is never repeated.
    #[error("{source_name}:{line}: not an age identity (expected a line starting with AGE-SECRET-KEY-1)")]
    BadIdentity { source_name: String, line: usize },
    /// A keys file named by `SOPS_AGE_KEY_FILE` could not be read.
    #[error("{path}: cannot read the age keys file: {problem}")]
    KeyFile { path: String, problem: String },
    /// The file is encrypted but no age keys were configured at all.
    #[error(
        "{file}: the file is SOPS-encrypted but no age keys are configured (set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE)"
    )]
    NoKeys { file: String },
    /// The file has age recipients but none of our identities opens their data key.
    #[error("{file}: no configured age identity matches the file's age recipients ({})", recipients.join(", "))]
    NoMatchingKey { file: String, recipients: Vec<String> },
    /// The file is encrypted only for key types Ferry cannot use.
    #[error("{file}: encrypted for {}; Ferry decrypts age recipients only", key_types.join(", "))]
    UnsupportedKeyTypes { file: String, key_types: Vec<String> },
    /// The file or its `sops` metadata is not what SOPS writes.
    #[error("{file}: malformed SOPS file: {problem}")]
    Malformed { file: String, problem: String },
    /// A value's AES-GCM tag does not verify: it was altered, or belongs to another path.
    #[error("{file}: the value at {path} fails authentication (tampered, or moved from another key)")]
    Tampered { file: String, path: String },
    /// The MAC over the decrypted values differs from the MAC SOPS stored.
    #[error("{file}: MAC mismatch: the file's values were changed after SOPS encrypted it")]
    MacMismatch { file: String },
    /// The file's syntax is broken (YAML, JSON or dotenv).
    #[error("{file}: cannot parse the SOPS file: {problem}")]
    Syntax { file: String, problem: String },
}

impl SopsError {
    pub(crate) fn malformed(file: &str, problem: impl Into<String>) -> Self {
        SopsError::Malformed { file: file.to_owned(), problem: problem.into() }
    }
}
