//! What can go wrong while loading or evaluating Gatekeeper policies, each error naming the file,
//! template, constraint, field or line a user has to look at.

use std::path::PathBuf;
use std::time::Duration;

/// An error from the `policy` module.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid YAML (or JSON).
    #[error("{origin}: not valid YAML: {problem}")]
    Yaml {
        /// The file (or other origin) of the text.
        origin: String,
        /// The parser's message, with the line when it has one.
        problem: String,
    },
    /// A field is missing or has the wrong shape.
    #[error("{origin}: field `{field}`: {problem}")]
    Field {
        /// The file or object the field belongs to.
        origin: String,
        /// The field's path, e.g. `spec.crd.spec.names.kind`.
        field: String,
        /// What was expected.
        problem: String,
    },
    /// A template's Rego does not parse.
    #[error("template {template}: {module} does not parse: line {line}, column {column}: {message}")]
    RegoParse {
        /// The template's name.
        template: String,
        /// Which module: `rego` or `libs[N]`.
        module: String,
        /// The line in that module's text (1-based).
        line: usize,
        /// The column (1-based).
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A template's Rego parses but cannot be used as a Gatekeeper policy.
    #[error("template {template}: {problem}")]
    Template {
        /// The template's name.
        template: String,
        /// What is wrong.
        problem: String,
    },
    /// A constraint's `spec.parameters` do not match its template's schema.
    #[error("constraint {constraint}: parameters do not match the schema of template {template}: {problems}")]
    Parameters {
        /// The constraint's name.
        constraint: String,
        /// Its template's name.
        template: String,
        /// Each problem, with its field.
        problems: String,
    },
    /// A constraint's kind has no template.
    #[error("constraint {constraint}: no ConstraintTemplate defines kind {kind}")]
    UnknownKind {
        /// The constraint's name.
        constraint: String,
        /// Its kind.
        kind: String,
    },
    /// Two templates define the same constraint kind.
    #[error("template {template}: kind {kind} is already defined by template {other}")]
    DuplicateKind {
        /// The second template.
        template: String,
        /// The kind.
        kind: String,
        /// The first template.
        other: String,
    },
    /// A constraint's match criteria cannot be applied to the object.
    #[error("constraint {constraint}: {problem}")]
    Match {
        /// The constraint's name.
        constraint: String,
        /// What is missing or wrong.
        problem: String,
    },
    /// A policy ran past its time limit and was stopped.
    #[error("constraint {constraint} (template {template}): stopped at its time limit of {limit:?}")]
    TimeLimit {
        /// The constraint's name.
        constraint: String,
        /// The template's name.
        template: String,
        /// The limit in force.
        limit: Duration,
    },
    /// The Rego engine reported an error while evaluating.
    #[error("constraint {constraint} (template {template}): evaluation failed: {message}")]
    Eval {
        /// The constraint's name.
        constraint: String,
        /// The template's name.
        template: String,
        /// The engine's message.
        message: String,
    },
}

impl PolicyError {
    /// A `Field` error.
    pub(crate) fn field(origin: &str, field: &str, problem: impl Into<String>) -> Self {
        Self::Field { origin: origin.to_owned(), field: field.to_owned(), problem: problem.into() }
    }
}
