//! Reading untrusted YAML or JSON text into located documents, within a parsing budget.
//!
//! JSON is read by the same parser (YAML 1.2 is a superset of JSON) so that JSON files get
//! lines too. The budget refuses alias bombs, deep nesting and huge documents before they
//! cost memory.

use std::path::Path;

use serde_saphyr::{Options, budget, options};

use crate::error::ConfigError;
use crate::node::Node;

/// The parsing limits for configuration files.
fn parse_options() -> Options {
    let mut options = options! {
        budget: budget! {
            max_aliases: 1_000,
            max_depth: 64,
            max_documents: 10_000,
            max_nodes: 1_000_000,
            max_total_scalar_bytes: 16 * 1024 * 1024,
        },
        // Kubernetes reads YAML 1.1 style: `0644` is octal (file modes), `yes` is a boolean.
        legacy_octal_numbers: true,
        with_snippet: false,
    };
    options.alias_limits.max_total_replayed_events = 100_000;
    options.alias_limits.max_replay_stack_depth = 16;
    options
}

/// Every non-empty document of `text`, or the first syntax error with its line.
pub(crate) fn parse_documents(text: &str, file: &Path) -> Result<Vec<Node>, ConfigError> {
    serde_saphyr::from_multiple_with_options::<Node>(text, parse_options()).map_err(|error| syntax_error(&error, file))
}

fn syntax_error(error: &serde_saphyr::Error, file: &Path) -> ConfigError {
    let location = error.location();
    let line = location.map_or(0, |l| usize::try_from(l.line()).unwrap_or(usize::MAX));
    let column = location.map_or(0, |l| usize::try_from(l.column()).unwrap_or(usize::MAX));
    ConfigError::Syntax { file: file.to_owned(), line, column, message: error.to_string() }
}
