//! Errors loading health scripts. Evaluating a script never fails: see [`crate::evaluate`].

use std::io;
use std::path::PathBuf;

/// Why health scripts could not be loaded; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A directory or script could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// An argocd-cm document is not valid YAML or JSON.
    #[error("{}: invalid YAML: {source}", file.display())]
    Yaml {
        file: PathBuf,
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    /// The YAML text held in an argocd-cm field (`resource.customizations`) is invalid.
    #[error("{}: {field}: invalid YAML: {source}", file.display())]
    FieldYaml {
        file: PathBuf,
        field: String,
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    /// An argocd-cm document parsed but does not have the expected shape.
    #[error("{}: {field}: {message}", file.display())]
    Invalid { file: PathBuf, field: String, message: String },
}
