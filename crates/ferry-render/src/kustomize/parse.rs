//! Reading resource files as kustomize reads them: kio's document splitting, go-yaml v3 typing
//! of scalars and mappings, and the JSON values kustomize derives from them (which is what it
//! prints). JSON files are read by the same YAML reader, as kustomize does.
//!
//! Layout: `split` (document separators), `build` (events → values: anchors, merges, duplicate
//! keys, budgets), `scalar` (typing scalars), `numbers` and `timestamp` (Go's number and time
//! syntax, shared with the emitter).

mod build;
pub(in crate::kustomize) mod numbers;
mod scalar;
mod split;
pub(in crate::kustomize) mod timestamp;

use std::borrow::Cow;

use serde_json::Value;

use super::KustomizeError;

/// One document of a file and the 1-based line its content starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDoc {
    pub value: Value,
    pub line: usize,
}

/// The documents of a YAML or JSON file read with kustomize's semantics; documents that are
/// empty, only comments, or `null` are skipped. Syntax errors, duplicate keys, non-string keys,
/// `.inf`/`.nan` values and input beyond the parsing budget are [`KustomizeError::Syntax`]
/// naming `file`, the line and the column.
pub fn parse_documents(file: &str, text: &str) -> Result<Vec<ParsedDoc>, KustomizeError> {
    parse_with(file, text, false)
}

/// [`parse_documents`] for a kustomization file, which kustomize reads with go-yaml v2: a key
/// repeated in a mapping replaces the earlier value.
pub fn parse_kustomization_documents(file: &str, text: &str) -> Result<Vec<ParsedDoc>, KustomizeError> {
    parse_with(file, text, true)
}

fn parse_with(file: &str, text: &str, allow_duplicate_keys: bool) -> Result<Vec<ParsedDoc>, KustomizeError> {
    let text: Cow<'_, str> = if text.contains("\r\n") { Cow::Owned(text.replace("\r\n", "\n")) } else { text.into() };
    let mut budget = build::Budget::default();
    budget.allow_duplicate_keys = allow_duplicate_keys;
    let mut docs = Vec::new();
    for chunk in split::split(file, &text)? {
        let found = build::documents(chunk.text, &mut budget).map_err(|f| KustomizeError::Syntax {
            file: file.to_owned(),
            line: f.line + chunk.first_line,
            column: f.column,
            message: f.message,
        })?;
        docs.extend(
            found
                .into_iter()
                .filter(|d| !d.value.is_null())
                .map(|d| ParsedDoc { value: d.value, line: d.line + chunk.first_line }),
        );
    }
    Ok(docs)
}

#[cfg(test)]
mod tests;
