//! Configuration errors: each names the file, the line, the field and what was expected.

use std::fmt;
use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// One mistake in the control folder.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A file or directory could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A file is larger than Ferry reads.
    #[error("{}: the file is {size} bytes, larger than the limit of {limit} bytes", file.display())]
    TooLarge { file: PathBuf, size: u64, limit: u64 },
    /// A symbolic link points outside the control folder.
    #[error("{}: symbolic link points outside the control folder", file.display())]
    SymlinkEscape { file: PathBuf },
    /// The text is not valid YAML or JSON, or exceeds the parsing budget (alias expansion, depth).
    #[error("{}:{line}:{column}: cannot parse YAML: {message}", file.display())]
    Syntax { file: PathBuf, line: usize, column: usize, message: String },
    /// A field that Ferry and Argo CD do not know.
    #[error("{}:{line}: unknown field `{field}`; {expected}", file.display())]
    UnknownField { file: PathBuf, line: usize, field: String, expected: String },
    /// A field Argo CD knows but Ferry does not support yet.
    #[error("{}:{line}: field `{field}` is not supported yet: {hint}", file.display())]
    Unsupported { file: PathBuf, line: usize, field: String, hint: String },
    /// A required field is absent.
    #[error("{}:{line}: missing field `{field}`: expected {expected}", file.display())]
    Missing { file: PathBuf, line: usize, field: String, expected: String },
    /// A field has the wrong type or a bad value.
    #[error("{}:{line}: invalid `{field}`: expected {expected}, found {found}", file.display())]
    Invalid { file: PathBuf, line: usize, field: String, expected: String, found: String },
    /// A `ferry.dev` kind reserved for a later release.
    #[error("{}:{line}: kind {kind} ({api_version}) is not supported yet", file.display())]
    UnsupportedKind { file: PathBuf, line: usize, api_version: String, kind: String },
    /// A document that is not Ferry configuration.
    #[error(
        "{}:{line}: unknown resource kind {kind} ({api_version}); expected an argoproj.io/v1alpha1 Application or a ferry.dev/v1alpha1 Warehouse or Pipeline",
        file.display()
    )]
    UnknownKind { file: PathBuf, line: usize, api_version: String, kind: String },
    /// Two resources of one kind share a name.
    #[error(
        "{}:{line}: {kind} `{name}` is defined twice; it is already defined at {}:{first_line}",
        file.display(),
        first_file.display()
    )]
    DuplicateName {
        kind: &'static str,
        name: String,
        file: PathBuf,
        line: usize,
        first_file: PathBuf,
        first_line: usize,
    },
}

/// Every mistake found in the control folder, in file and line order.
#[derive(Debug, Default)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// The errors, in file and line order.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    /// How many errors there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl From<Vec<ConfigError>> for ConfigErrors {
    fn from(errors: Vec<ConfigError>) -> Self {
        ConfigErrors(errors)
    }
}
