//! Decoding located documents into typed values, collecting every error instead of stopping
//! at the first.
//!
//! Each resource type decodes itself with a [`Decoder`] (which knows the file and gathers
//! errors) and [`Fields`] (which hands out a map's fields by name and reports the ones nobody
//! asked for as unknown). `field: null` counts as absent, as in Kubernetes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::duration;
use crate::error::ConfigError;
use crate::node::{Entry, Node, NodeKind};
use crate::reference::Reference;

/// Decoding state for one file: where errors point and the errors found so far.
pub(crate) struct Decoder {
    file: PathBuf,
    errors: Vec<ConfigError>,
}

impl Decoder {
    pub fn new(file: &Path) -> Self {
        Decoder { file: file.to_owned(), errors: Vec::new() }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    pub fn into_errors(self) -> Vec<ConfigError> {
        self.errors
    }

    pub fn error_count(&self) -> usize {
        self.errors.len()
    }

    pub fn invalid(&mut self, node: &Node, field: &str, expected: &str) {
        let found = describe(node);
        self.invalid_at(node.line, field, expected, found);
    }

    pub fn invalid_at(&mut self, line: usize, field: &str, expected: &str, found: String) {
        let error = ConfigError::Invalid {
            file: self.file.clone(),
            line,
            field: field.to_owned(),
            expected: expected.to_owned(),
            found,
        };
        self.errors.push(error);
    }

    pub fn missing(&mut self, line: usize, field: &str, expected: &str) {
        let error = ConfigError::Missing {
            file: self.file.clone(),
            line,
            field: field.to_owned(),
            expected: expected.to_owned(),
        };
        self.errors.push(error);
    }

    pub fn unsupported(&mut self, line: usize, field: &str, hint: &str) {
        let error =
            ConfigError::Unsupported { file: self.file.clone(), line, field: field.to_owned(), hint: hint.to_owned() };
        self.errors.push(error);
    }

    pub fn push(&mut self, error: ConfigError) {
        self.errors.push(error);
    }

    /// The fields of a map node, or an error when the node is not a map.
    pub fn fields<'n>(&mut self, node: &'n Node, path: &str) -> Option<Fields<'n>> {
        match &node.kind {
            NodeKind::Map(entries) => Some(Fields::new(path, node.line, entries)),
            _ => {
                self.invalid(node, path, "a map");
                None
            }
        }
    }

    /// The items of a list node, or an error when the node is not a list.
    pub fn list<'n>(&mut self, node: &'n Node, path: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            _ => {
                self.invalid(node, path, "a list");
                &[]
            }
        }
    }

    pub fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.kind {
            NodeKind::String(s) => Some(s.clone()),
            _ => {
                self.invalid(node, path, "a string (quote values such as `yes`, `on` or `1.0`)");
                None
            }
        }
    }

    pub fn bool(&mut self, node: &Node, path: &str) -> Option<bool> {
        match &node.kind {
            NodeKind::Bool(b) => Some(*b),
            _ => {
                self.invalid(node, path, "true or false");
                None
            }
        }
    }

    pub fn int(&mut self, node: &Node, path: &str) -> Option<i64> {
        match &node.kind {
            NodeKind::Number(n) if n.as_i64().is_some() => n.as_i64(),
            _ => {
                self.invalid(node, path, "an integer");
                None
            }
        }
    }

    /// A list of strings; items of another type are reported and left out.
    pub fn strings(&mut self, node: &Node, path: &str) -> Vec<String> {
        let items = self.list(node, path);
        items.iter().enumerate().filter_map(|(i, item)| self.string(item, &format!("{path}[{i}]"))).collect()
    }

    /// A map of strings to strings, such as labels or annotations.
    pub fn string_map(&mut self, node: &Node, path: &str) -> BTreeMap<String, String> {
        let NodeKind::Map(entries) = &node.kind else {
            self.invalid(node, path, "a map of strings");
            return BTreeMap::new();
        };
        entries
            .iter()
            .filter_map(|e| self.string(&e.value, &format!("{path}.{}", e.key)).map(|v| (e.key.clone(), v)))
            .collect()
    }
}

/// The fields of one map, handed out by name; those never asked for are unknown fields.
pub(crate) struct Fields<'n> {
    path: String,
    line: usize,
    entries: &'n [Entry],
    taken: Vec<bool>,
    known: Vec<&'static str>,
}

impl<'n> Fields<'n> {
    fn new(path: &str, line: usize, entries: &'n [Entry]) -> Self {
        Fields { path: path.to_owned(), line, entries, taken: vec![false; entries.len()], known: Vec::new() }
    }

    /// The line the map starts on, for errors about absent fields.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The full path of a field of this map, e.g. `spec.source.repoURL`.
    pub fn path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    /// The value of field `key`, if present and not null.
    pub fn take(&mut self, key: &'static str) -> Option<&'n Node> {
        self.known.push(key);
        let index = self.entries.iter().position(|e| e.key == key)?;
        self.taken[index] = true;
        let value = &self.entries[index].value;
        (value.kind != NodeKind::Null).then_some(value)
    }

    /// The value of field `key` without marking it as read.
    pub fn peek(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// A field Argo CD defines but Ferry does not support yet: reported when present, and
    /// kept as raw JSON so that nothing is lost.
    pub fn unsupported(&mut self, d: &mut Decoder, key: &'static str, hint: &str) -> Option<Value> {
        let node = self.take(key)?;
        let line = self.entries.iter().find(|e| e.key == key).map_or(node.line, |e| e.line);
        d.unsupported(line, &self.path(key), hint);
        Some(node.to_json())
    }

    /// A required string field; an absent or empty value is reported.
    pub fn required_string(&mut self, d: &mut Decoder, key: &'static str, expected: &str) -> Option<String> {
        let path = self.path(key);
        match self.take(key) {
            None => {
                d.missing(self.line, &path, expected);
                None
            }
            Some(node) => match d.string(node, &path) {
                Some(s) if s.is_empty() => {
                    d.invalid_at(node.line, &path, expected, "an empty string".to_owned());
                    None
                }
                other => other,
            },
        }
    }

    /// An optional string field; an empty string counts as absent.
    pub fn string(&mut self, d: &mut Decoder, key: &'static str) -> Option<String> {
        let path = self.path(key);
        self.take(key).and_then(|node| d.string(node, &path)).filter(|s| !s.is_empty())
    }

    /// An optional boolean field, false when absent.
    pub fn bool(&mut self, d: &mut Decoder, key: &'static str) -> bool {
        self.optional_bool(d, key).unwrap_or(false)
    }

    pub fn optional_bool(&mut self, d: &mut Decoder, key: &'static str) -> Option<bool> {
        let path = self.path(key);
        self.take(key).and_then(|node| d.bool(node, &path))
    }

    pub fn int(&mut self, d: &mut Decoder, key: &'static str) -> Option<i64> {
        let path = self.path(key);
        self.take(key).and_then(|node| d.int(node, &path))
    }

    pub fn strings(&mut self, d: &mut Decoder, key: &'static str) -> Vec<String> {
        let path = self.path(key);
        self.take(key).map(|node| d.strings(node, &path)).unwrap_or_default()
    }

    pub fn string_map(&mut self, d: &mut Decoder, key: &'static str) -> BTreeMap<String, String> {
        let path = self.path(key);
        self.take(key).map(|node| d.string_map(node, &path)).unwrap_or_default()
    }

    /// An optional duration field: a string such as `5m` or, as Argo CD also accepts, a number
    /// of seconds.
    pub fn duration(&mut self, d: &mut Decoder, key: &'static str) -> Option<Duration> {
        let node = self.take(key)?;
        let parsed = match &node.kind {
            NodeKind::String(text) => duration::parse(text),
            NodeKind::Number(n) => n.as_u64().map(Duration::from_secs),
            _ => None,
        };
        if parsed.is_none() {
            d.invalid(node, &self.path(key), duration::EXPECTED);
        }
        parsed
    }

    /// An optional field whose value is one of a few words, e.g. `kind: normal|dr`.
    pub fn choice<T: Copy>(&mut self, d: &mut Decoder, key: &'static str, options: &[(&str, T)]) -> Option<T> {
        let path = self.path(key);
        let node = self.take(key)?;
        let text = d.string(node, &path)?;
        let found = options.iter().find(|(word, _)| *word == text).map(|(_, value)| *value);
        if found.is_none() {
            let words: Vec<String> = options.iter().map(|(word, _)| format!("`{word}`")).collect();
            d.invalid(node, &path, &format!("one of {}", words.join(", ")));
        }
        found
    }

    /// A list field whose items are decoded by `decode_item`; absent means empty.
    pub fn list<T>(
        &mut self,
        d: &mut Decoder,
        key: &'static str,
        decode_item: impl Fn(&mut Decoder, &Node, &str) -> Option<T>,
    ) -> Vec<T> {
        let Some(node) = self.take(key) else { return Vec::new() };
        let path = self.path(key);
        let items = d.list(node, &path);
        items.iter().enumerate().filter_map(|(i, item)| decode_item(d, item, &format!("{path}[{i}]"))).collect()
    }

    /// A list of strings, each remembering its line (names that other resources refer to).
    pub fn references(&mut self, d: &mut Decoder, key: &'static str) -> Vec<Reference> {
        self.list(d, key, reference)
    }

    /// Reports every field that no decoder asked for.
    pub fn finish(self, d: &mut Decoder) {
        for (entry, taken) in self.entries.iter().zip(&self.taken) {
            if !taken {
                let expected = expected_fields(&entry.key, &self.known);
                let error = ConfigError::UnknownField {
                    file: d.file().to_owned(),
                    line: entry.line,
                    field: self.path(&entry.key),
                    expected,
                };
                d.push(error);
            }
        }
    }
}

/// A non-empty string that remembers its line.
pub(crate) fn reference(d: &mut Decoder, node: &Node, path: &str) -> Option<Reference> {
    match d.string(node, path) {
        Some(name) if name.is_empty() => {
            d.invalid(node, path, "a name");
            None
        }
        Some(name) => Some(Reference { name, line: node.line }),
        None => None,
    }
}

/// A list of strings also written as a single string (`allowTags: ^v1\.`).
pub(crate) fn one_or_many(d: &mut Decoder, node: &Node, path: &str) -> Vec<(String, usize)> {
    match &node.kind {
        NodeKind::String(s) => vec![(s.clone(), node.line)],
        NodeKind::Seq(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| d.string(item, &format!("{path}[{i}]")).map(|s| (s, item.line)))
            .collect(),
        _ => {
            d.invalid(node, path, "a string or a list of strings");
            Vec::new()
        }
    }
}

/// "did you mean `x`?" when a known field is close, otherwise the list of known fields.
fn expected_fields(key: &str, known: &[&str]) -> String {
    let closest = known.iter().map(|k| (distance(&key.to_lowercase(), &k.to_lowercase()), *k)).min();
    match closest {
        Some((d, k)) if d <= 2.max(key.len() / 4) => format!("did you mean `{k}`?"),
        _ if known.is_empty() => "this map takes no fields".to_owned(),
        _ => format!("expected one of {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
    }
}

/// Levenshtein distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// How a found value is shown in an error: scalars verbatim, collections by type.
pub(crate) fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::String(s) => format!("{s:?}"),
        NodeKind::Bool(b) => format!("the boolean {b}"),
        NodeKind::Number(n) => format!("the number {n}"),
        _ => node.type_name().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(expected_fields("syncPolcy", &["project", "syncPolicy"]), "did you mean `syncPolicy`?");
        assert_eq!(expected_fields("zzz", &["project", "source"]), "expected one of `project`, `source`");
    }
}
