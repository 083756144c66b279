//! What can go wrong before validation starts: an unknown Kubernetes version, a
//! CustomResourceDefinition whose schema Ferry cannot use. Problems with the objects validated
//! are [`SchemaViolation`](super::SchemaViolation)s, not errors.

/// An error from the `schema` module.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// No schemas are embedded for the version asked for.
    #[error("no schemas for Kubernetes version {requested:?}; available: {available}")]
    UnknownVersion {
        /// The version as given.
        requested: String,
        /// The embedded versions, comma-separated.
        available: String,
    },
    /// An embedded bundle does not decode (a build defect, not a user's mistake).
    #[error("the embedded schemas for Kubernetes {version} are corrupt: {problem}")]
    Bundle {
        /// The bundle's Kubernetes version.
        version: String,
        /// What failed.
        problem: String,
    },
    /// A CustomResourceDefinition cannot be registered.
    #[error("CustomResourceDefinition {crd}: {field}: {problem}")]
    Crd {
        /// The CRD's `metadata.name` (or `<unnamed>`).
        crd: String,
        /// The field at fault, e.g. `spec.versions[0].schema.openAPIV3Schema.properties.spec.type`.
        field: String,
        /// What was expected.
        problem: String,
    },
}

/// A schema keyword that cannot be compiled, at `path` inside the schema being compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct CompileError {
    /// Where, e.g. `properties.spec.type`.
    pub path: String,
    /// What was expected.
    pub problem: String,
}
