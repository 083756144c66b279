//! Rendering errors: each names the file (repository-relative) and, inside it, the line.

use thiserror::Error;

/// Why a Source could not be rendered.
#[derive(Debug, Error, PartialEq)]
pub enum RenderError {
    /// A path that could leave the repository: `..`, a leading `/`, or a backslash.
    #[error("path {path:?} is not allowed: paths must stay inside the repository (no `..`, leading `/` or `\\`)")]
    UnsafePath { path: String },
    /// The source path holds no files at all.
    #[error("path {dir:?} does not exist in the repository")]
    PathNotFound { dir: String },
    /// One file is larger than the limit.
    #[error("{file}: the file is {size} bytes, larger than the limit of {limit} bytes")]
    FileTooLarge { file: String, size: usize, limit: usize },
    /// All objects together are larger than the limit.
    #[error("{file}: the rendered objects exceed the limit of {limit} bytes in total")]
    OutputTooLarge { file: String, limit: usize },
    /// A file is not UTF-8 text.
    #[error("{file}: not UTF-8 text")]
    NotText { file: String },
    /// A file is not valid YAML or JSON, or exceeds the parsing budget (alias expansion, depth).
    #[error("{file}:{line}:{column}: cannot parse: {message}")]
    Syntax { file: String, line: usize, column: usize, message: String },
    /// A document is not a Kubernetes object.
    #[error("{file}:{line}: {problem}")]
    InvalidObject { file: String, line: usize, problem: String },
    /// An `include` or `exclude` pattern that is not a valid glob.
    #[error("invalid glob pattern {pattern:?}: {problem}")]
    BadPattern { pattern: String, problem: String },
    /// A file type Argo CD renders that Ferry does not support yet.
    #[error("{file}: {what} is not supported yet")]
    Unsupported { file: String, what: String },
    /// A kustomization that cannot be built.
    #[error(transparent)]
    Kustomize(#[from] crate::kustomize::KustomizeError),
    /// A Helm chart that cannot be rendered.
    #[error(transparent)]
    Helm(#[from] crate::helm::HelmError),
    /// A SOPS-encrypted file that cannot be decrypted (no key, tampered, MAC mismatch).
    #[error(transparent)]
    Sops(#[from] crate::sops::SopsError),
}
