//! Building JSON values from parser events with go-yaml v3's mapping rules: a key may appear
//! once (`mapping key "a" already defined at line 6`, comparing key text), keys must be
//! strings, `<<` merges maps (own keys win, then earlier sources), aliases copy their anchor's
//! value. Untrusted input is bounded: nesting depth, alias count, and the nodes and scalar
//! bytes produced including alias copies (an alias bomb is refused before it is expanded).

use std::collections::HashMap;

use serde_json::{Map, Value};
use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, Span};

use super::scalar::{self, TagKind};

/// Limits against hostile YAML, per file.
const MAX_DEPTH: usize = 100;
const MAX_ALIASES: usize = 10_000;
const MAX_NODES: usize = 4_000_000;
const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;

/// A failure with its 1-based line and column in the chunk.
pub(super) struct Failure {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Failure {
    fn at(span: &Span, message: impl Into<String>) -> Self {
        Failure { line: span.start.line(), column: span.start.col() + 1, message: message.into() }
    }
}

/// What has been produced so far in the file, alias copies included.
#[derive(Default)]
pub(super) struct Budget {
    /// A repeated key replaces the earlier value (go-yaml v2, which reads kustomization files)
    /// instead of being an error (v3, which reads resources).
    pub allow_duplicate_keys: bool,
    nodes: usize,
    scalar_bytes: usize,
    aliases: usize,
}

impl Budget {
    fn charge(&mut self, nodes: usize, bytes: usize, span: &Span) -> Result<(), Failure> {
        self.nodes += nodes;
        self.scalar_bytes += bytes;
        if self.nodes > MAX_NODES || self.scalar_bytes > MAX_SCALAR_BYTES {
            return Err(Failure::at(span, "document too large: more nodes or scalar bytes than allowed (alias bomb?)"));
        }
        Ok(())
    }
}

/// A mapping key: its text (duplicates compare text), its line, and whether it merges.
struct Key {
    text: String,
    line: usize,
    merge: bool,
}

/// A collection being built.
enum Frame {
    Seq { items: Vec<Value>, anchor: usize },
    Map { map: Map<String, Value>, anchor: usize, key: Option<Key>, lines: HashMap<String, usize>, merges: Vec<Value> },
}

/// An anchored value and what copying it costs.
struct Anchored {
    value: Value,
    weight: Weight,
}

/// One document: its first line and value.
pub(super) struct Doc {
    pub line: usize,
    pub value: Value,
}

/// All documents of one chunk.
pub(super) fn documents(text: &str, budget: &mut Budget) -> Result<Vec<Doc>, Failure> {
    let mut options = Options::default();
    options.emit_comments = false;
    let mut builder = Builder { stack: Vec::new(), anchors: HashMap::new(), budget, docs: Vec::new(), line: None };
    for event in Parser::new_from_str_with_options(text, options) {
        let (event, span) = event.map_err(|e| Failure {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_string(),
        })?;
        builder.event(event, &span)?;
    }
    Ok(builder.docs)
}

struct Builder<'b> {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    budget: &'b mut Budget,
    docs: Vec<Doc>,
    /// First line of the current document's content.
    line: Option<usize>,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<(), Failure> {
        match event {
            Event::DocumentStart(..) => {
                self.anchors.clear();
                self.line = None;
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.note_start(span);
                self.budget.charge(1, text.len(), span)?;
                let kind = scalar::tag_kind(tag.as_deref());
                if self.expects_key() {
                    return self.key(&text, style, kind, span);
                }
                let mut value = scalar::value(&text, style, kind).map_err(|m| Failure::at(span, m))?;
                if !value.is_string() && self.in_annotations() {
                    // kustomize rewrites annotations as strings of their YAML text (the parser
                    // reports an empty value as `~`, with an empty span).
                    let empty = span.start.index() == span.end.index();
                    value = Value::String(if empty { String::new() } else { text.to_string() });
                }
                if let Value::String(s) = &value {
                    reject_unprintable(s, span)?;
                }
                self.anchor(anchor, &value);
                self.complete(value, span)?;
            }
            Event::Alias(id) => {
                self.note_start(span);
                let value = self.alias(id, span)?;
                if self.expects_key() {
                    let Value::String(text) = value else {
                        return Err(Failure::at(span, "json: unsupported type: a mapping key that is not a string"));
                    };
                    return self.key(&text, ScalarStyle::DoubleQuoted, TagKind::None, span);
                }
                self.complete(value, span)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                self.open(span, Frame::Seq { items: Vec::new(), anchor })?;
            }
            Event::MappingStart(_, anchor, _) => {
                let frame =
                    Frame::Map { map: Map::new(), anchor, key: None, lines: HashMap::new(), merges: Vec::new() };
                self.open(span, frame)?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            _ => {}
        }
        Ok(())
    }

    fn note_start(&mut self, span: &Span) {
        self.line.get_or_insert(span.start.line());
    }

    /// Whether the value being read is one of a document's `metadata.annotations`.
    fn in_annotations(&self) -> bool {
        fn key_is(frame: &Frame, text: &str) -> bool {
            matches!(frame, Frame::Map { key: Some(key), .. } if key.text == text)
        }
        matches!(self.stack.as_slice(), [root, meta, Frame::Map { .. }]
            if key_is(root, "metadata") && key_is(meta, "annotations"))
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn open(&mut self, span: &Span, frame: Frame) -> Result<(), Failure> {
        self.note_start(span);
        if self.expects_key() {
            return Err(Failure::at(span, "json: unsupported type: a mapping key that is not a string"));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(Failure::at(span, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.budget.charge(1, 0, span)?;
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, span: &Span) -> Result<(), Failure> {
        let (value, anchor) = match self.stack.pop() {
            Some(Frame::Seq { items, anchor }) => (Value::Array(items), anchor),
            Some(Frame::Map { mut map, anchor, merges, .. }) => {
                apply_merges(&mut map, merges);
                (Value::Object(map), anchor)
            }
            None => return Err(Failure::at(span, "unbalanced collection end")),
        };
        self.anchor(anchor, &value);
        self.complete(value, span)
    }

    fn key(&mut self, text: &str, style: ScalarStyle, kind: TagKind, span: &Span) -> Result<(), Failure> {
        reject_unprintable(text, span)?;
        let merge = scalar::is_merge_key(text, style, kind);
        if !merge {
            let value = scalar::value(text, style, kind).map_err(|m| Failure::at(span, m))?;
            if !value.is_string() {
                return Err(Failure::at(span, format!("json: unsupported type: mapping key `{text}` is not a string")));
            }
        }
        let line = span.start.line();
        if let Some(Frame::Map { key, lines, .. }) = self.stack.last_mut() {
            if let Some(first) = lines.get(text)
                && !self.budget.allow_duplicate_keys
            {
                return Err(Failure::at(span, format!("mapping key {text:?} already defined at line {first}")));
            }
            lines.insert(text.to_owned(), line);
            *key = Some(Key { text: text.to_owned(), line, merge });
        }
        Ok(())
    }

    /// Files a finished value into its parent, or ends the document.
    fn complete(&mut self, value: Value, span: &Span) -> Result<(), Failure> {
        match self.stack.last_mut() {
            None => {
                let line = self.line.take().unwrap_or(1);
                self.docs.push(Doc { line, value });
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, merges, .. }) => {
                let Some(key) = key.take() else {
                    return Err(Failure::at(span, "json: unsupported type: a mapping key that is not a string"));
                };
                if key.merge {
                    merges.extend(merge_sources(value).map_err(|m| Failure {
                        line: key.line,
                        column: 1,
                        message: m,
                    })?);
                } else {
                    map.insert(key.text, value);
                }
            }
        }
        Ok(())
    }

    fn anchor(&mut self, id: usize, value: &Value) {
        if id != 0 {
            self.anchors.insert(id, Anchored { value: value.clone(), weight: weight(value) });
        }
    }

    /// A copy of an anchored value, paid for before it is made.
    fn alias(&mut self, id: usize, span: &Span) -> Result<Value, Failure> {
        self.budget.aliases += 1;
        if self.budget.aliases > MAX_ALIASES {
            return Err(Failure::at(span, format!("more than {MAX_ALIASES} aliases")));
        }
        let anchored = self.anchors.get(&id).ok_or_else(|| Failure::at(span, "unknown anchor"))?;
        let Weight { nodes, bytes, depth } = anchored.weight;
        if self.stack.len() + depth > MAX_DEPTH {
            return Err(Failure::at(span, format!("nesting deeper than {MAX_DEPTH} levels through an alias")));
        }
        self.budget.charge(nodes, bytes, span)?;
        Ok(self.anchors[&id].value.clone())
    }
}

/// kustomize prints through JSON read back by go-yaml v2, whose reader refuses DEL, C1
/// controls (other than NEL) and U+FFFE/U+FFFF that JSON leaves unescaped; such strings make
/// kustomize fail, so they fail here, at their line.
fn reject_unprintable(s: &str, span: &Span) -> Result<(), Failure> {
    let refused = |c: char| matches!(c, '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}');
    if s.chars().any(refused) {
        return Err(Failure::at(span, "yaml: control characters are not allowed"));
    }
    Ok(())
}

/// What copying a value costs: nodes, scalar bytes, and nesting depth.
#[derive(Clone, Copy)]
struct Weight {
    nodes: usize,
    bytes: usize,
    depth: usize,
}

fn weight(value: &Value) -> Weight {
    let children = |items: &mut dyn Iterator<Item = Weight>| {
        items.fold(Weight { nodes: 1, bytes: 0, depth: 1 }, |a, b| Weight {
            nodes: a.nodes + b.nodes,
            bytes: a.bytes + b.bytes,
            depth: a.depth.max(b.depth + 1),
        })
    };
    match value {
        Value::Array(items) => children(&mut items.iter().map(weight)),
        Value::Object(map) => children(&mut map.iter().map(|(k, v)| {
            let w = weight(v);
            Weight { nodes: w.nodes + 1, bytes: w.bytes + k.len(), depth: w.depth }
        })),
        Value::String(s) => Weight { nodes: 1, bytes: s.len(), depth: 0 },
        _ => Weight { nodes: 1, bytes: 0, depth: 0 },
    }
}

/// The maps a `<<` value merges: a map, or a sequence of maps.
fn merge_sources(value: Value) -> Result<Vec<Value>, String> {
    let wrong = || "map merge requires map or sequence of maps as the value".to_owned();
    match value {
        Value::Object(_) => Ok(vec![value]),
        Value::Array(items) if items.iter().all(Value::is_object) => Ok(items),
        _ => Err(wrong()),
    }
}

/// Merged keys never replace the mapping's own keys; an earlier source wins over a later one.
fn apply_merges(map: &mut Map<String, Value>, merges: Vec<Value>) {
    for source in merges {
        if let Value::Object(source) = source {
            for (k, v) in source {
                map.entry(k).or_insert(v);
            }
        }
    }
}
