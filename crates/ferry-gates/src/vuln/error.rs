//! What can go wrong while reading vulnerability reports or a vulnerability policy, each error naming
//! the file and the JSON path or field a user has to look at.

use std::path::PathBuf;

/// An error from the `vuln` module.
#[derive(Debug, thiserror::Error)]
pub enum VulnError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A report is not JSON.
    #[error("{origin}: not valid JSON: line {line}, column {column}: {message}")]
    NotJson {
        /// The report's file (or other origin).
        origin: String,
        /// The line of the problem (1-based).
        line: usize,
        /// The column of the problem (1-based).
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A report is JSON but not one of the formats this module reads.
    #[error(
        "{origin}: unknown report format: expected Trivy JSON (`SchemaVersion` and `Results`), Grype JSON \
         (`matches`) or CycloneDX JSON (`bomFormat: CycloneDX`)"
    )]
    UnknownFormat {
        /// The report's file (or other origin).
        origin: String,
    },
    /// A report is in a known format but a version this module does not read.
    #[error("{origin}: {problem}")]
    Unsupported {
        /// The report's file (or other origin).
        origin: String,
        /// Which version was found and which are read.
        problem: String,
    },
    /// A report's field is missing or has the wrong type.
    #[error("{origin}: at `{path}`: {problem}")]
    Field {
        /// The report's file (or other origin).
        origin: String,
        /// The JSON path of the field, e.g. `Results[0].Vulnerabilities[2].Severity`.
        path: String,
        /// What was expected.
        problem: String,
    },
    /// A policy file is not valid YAML.
    #[error("{origin}: not valid YAML: {problem}")]
    PolicyYaml {
        /// The policy's file (or other origin).
        origin: String,
        /// The parser's message, with the line when it has one.
        problem: String,
    },
    /// A policy's field is missing or has a wrong value.
    #[error("{origin}: field `{field}`: {problem}")]
    PolicyField {
        /// The policy's file (or other origin).
        origin: String,
        /// The field's path, e.g. `spec.suppressions[0].expires`.
        field: String,
        /// What was expected.
        problem: String,
    },
    /// The policy has no thresholds for an environment and no `default`.
    #[error("{origin}: no thresholds for environment `{environment}` and no `spec.default` (environments: {known})")]
    UnknownEnvironment {
        /// The policy's file (or other origin).
        origin: String,
        /// The environment asked for.
        environment: String,
        /// The environments the policy names, comma-separated.
        known: String,
    },
}
