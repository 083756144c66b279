//! Kustomize errors: each names the kustomization file or resource file and what was expected.

use thiserror::Error;

/// Why a kustomization could not be built.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum KustomizeError {
    /// A path leaves the kustomization root (`..`, absolute, symlink) under `LoadRestrictionsRootOnly`.
    #[error(
        "{file}: security; file {path:?} is not in or below {root:?} (use --load-restrictor LoadRestrictionsNone to allow it)"
    )]
    Restricted { file: String, path: String, root: String },
    /// A file or directory that does not exist.
    #[error("{file}: {path:?} does not exist")]
    NotFound { file: String, path: String },
    /// A file that cannot be read.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// YAML or JSON that does not parse (or exceeds the parsing budget).
    #[error("{file}:{line}:{column}: cannot parse: {message}")]
    Syntax { file: String, line: usize, column: usize, message: String },
    /// A field of a kustomization (or plugin config, or patch) that is not what was expected.
    #[error("{file}: {field}: {message}")]
    Invalid { file: String, field: String, message: String },
    /// Two resources with the same id.
    #[error("{file}: may not add resource with an already registered id: {id}")]
    Conflict { file: String, id: String },
    /// Kustomizations that include each other.
    #[error("{file}: cycle detected: {chain}")]
    Cycle { file: String, chain: String },
    /// A patch, replacement or var whose target is not found or that does not apply.
    #[error("{file}: {message}")]
    Patch { file: String, message: String },
    /// `helm` is missing or failed while inflating a `helmCharts` entry.
    #[error("{file}: {message}")]
    Helm { file: String, message: String },
    /// A size cap was exceeded.
    #[error("{file}: larger than the limit of {limit} bytes")]
    TooLarge { file: String, limit: usize },
    /// A SOPS-encrypted file that cannot be decrypted (the message names the file and never
    /// holds plaintext).
    #[error("{message}")]
    Decrypt { message: String },
    /// A feature kustomize has that needs an option or a program that is not available.
    #[error("{file}: {message}")]
    Unsupported { file: String, message: String },
}
