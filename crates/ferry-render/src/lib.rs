//! Rendering a Source into Kubernetes objects.
//!
//! This release renders plain directories of YAML/JSON manifests ([`render_directory`]), with
//! Argo CD's semantics for `recurse`, `include` and `exclude`. Input files are already read;
//! every path is checked again to stay inside the repository, sizes are capped, and YAML is
//! parsed within a budget. Kustomize, Helm and SOPS come with later issues.

mod directory;
mod documents;
mod error;
mod glob;
pub mod helm;
pub mod kustomize;
mod objects;
pub mod path;
pub mod sops;

pub use directory::{DirectoryOptions, MAX_FILE_BYTES, MAX_OUTPUT_BYTES, SourceFile, render_directory};
pub use error::RenderError;
pub use objects::RenderedObject;
