//! The block layout of go-yaml v2's emitter (libyaml's state machine, reduced to what JSON
//! values need): mappings with keys in [`super::keys`] order, sequences written at their key's
//! indentation (`- ` counts as indentation), empty collections as `{}`/`[]`, keys longer than
//! 128 bytes or spanning lines as `? key` / `: value`. The output state (column, whether the
//! last thing written was whitespace or indentation) is tracked exactly as libyaml does, since
//! every line break decision depends on it.

use std::borrow::Cow;

use serde_json::Value;

use super::scalar::{Style, analyze, is_break, style};
use super::{keys, number};

/// libyaml's `best_indent`.
pub(super) const INDENT: usize = 2;
/// libyaml's `best_width`: scalars fold at a space once the column exceeds it.
pub(super) const WIDTH: usize = 80;

/// How the parent holds the node being written.
#[derive(Clone, Copy)]
pub(super) struct Context {
    /// A mapping key or value (a sequence here is "indentless" after `key:`).
    pub mapping: bool,
    /// A key written as `key:`; it may not fold or use a block scalar.
    pub simple_key: bool,
}

const NODE: Context = Context { mapping: false, simple_key: false };

/// The output buffer and libyaml's view of it.
pub(super) struct Writer<'a> {
    pub out: &'a mut String,
    pub column: usize,
    /// The last character written was whitespace (no space needed before an indicator).
    pub whitespace: bool,
    /// Only indentation has been written on the current line.
    pub indention: bool,
}

impl<'a> Writer<'a> {
    pub(super) fn new(out: &'a mut String) -> Self {
        Writer { out, column: 0, whitespace: true, indention: true }
    }

    pub(super) fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    pub(super) fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    /// Copies a line-break character of a scalar (`\n` as a newline, others verbatim).
    pub(super) fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    /// Text without line breaks; the column advances by characters.
    pub(super) fn put_str(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += if s.is_ascii() { s.len() } else { s.chars().count() };
    }

    /// libyaml's `write_indent`: a new line unless only indentation was written so far and the
    /// column is not past `indent`, then spaces up to it. `indent < 0` means the document root.
    pub(super) fn write_indent(&mut self, indent: isize) {
        let indent = usize::try_from(indent).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    /// libyaml's `write_indicator`.
    pub(super) fn indicator(&mut self, s: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.put_str(s);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// One node whose parent sits at `indent`.
    pub(super) fn node(&mut self, value: &Value, indent: isize, ctx: Context) {
        match value {
            Value::Object(map) if !map.is_empty() => self.mapping(map, indent),
            Value::Array(items) if !items.is_empty() => self.sequence(items, indent, ctx),
            Value::Object(_) => self.empty_flow("{", "}"),
            Value::Array(_) => self.empty_flow("[", "]"),
            Value::String(s) => self.string(s, indent, ctx),
            Value::Number(n) => {
                let mut text = String::new();
                number::write_number(&mut text, n);
                self.token(&text);
            }
            Value::Bool(b) => self.token(if *b { "true" } else { "false" }),
            Value::Null => self.token("null"),
        }
    }

    /// A plain scalar that needs no analysis (numbers, booleans, null).
    fn token(&mut self, s: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        self.put_str(s);
        self.whitespace = false;
        self.indention = false;
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.indicator(open, true, true, false);
        self.indicator(close, false, false, false);
    }

    fn mapping(&mut self, map: &serde_json::Map<String, Value>, indent: isize) {
        let indent = if indent < 0 { 0 } else { indent + INDENT as isize };
        for (key, value) in keys::sorted(map) {
            self.write_indent(indent);
            let simple = key.len() <= 128 && !key.chars().any(is_break);
            if simple {
                self.string(key, indent, Context { mapping: false, simple_key: true });
                self.indicator(":", false, false, false);
            } else {
                self.indicator("?", true, false, true);
                self.string(key, indent, Context { mapping: true, simple_key: false });
                self.write_indent(indent);
                self.indicator(":", true, false, true);
            }
            self.node(value, indent, Context { mapping: true, simple_key: false });
        }
    }

    fn sequence(&mut self, items: &[Value], indent: isize, ctx: Context) {
        let indentless = ctx.mapping && !self.indention;
        let indent = match indent {
            i if i < 0 => 0,
            i if indentless => i,
            i => i + INDENT as isize,
        };
        for item in items {
            self.write_indent(indent);
            self.indicator("-", true, false, true);
            self.node(item, indent, NODE);
        }
    }

    fn string(&mut self, s: &str, indent: isize, ctx: Context) {
        let folded = fold_next_lines(s);
        let s = folded.as_ref();
        let analysis = analyze(s);
        // Scalars indent continuation lines one level below their parent.
        let indent = if indent < 0 { INDENT as isize } else { indent + INDENT as isize };
        let folds = !ctx.simple_key;
        match style(s, &analysis, ctx.simple_key) {
            Style::Plain => self.plain(s, indent, folds),
            Style::SingleQuoted => self.single_quoted(s, indent, folds),
            Style::DoubleQuoted => self.double_quoted(s, indent, folds),
            Style::Literal => self.literal(s, indent),
        }
    }
}

/// U+0085 (NEL) is the one line break Go's JSON encoder leaves raw; when go-yaml v2 reads the
/// JSON back it is a line break inside a double-quoted scalar and folds like one: spaces around
/// it are dropped, one break becomes a space, `n` breaks become `n - 1` newlines.
fn fold_next_lines(s: &str) -> Cow<'_, str> {
    if !s.contains('\u{85}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('\u{85}') {
        out.push_str(rest[..at].trim_end_matches(' '));
        let mut breaks = 0;
        rest = &rest[at..];
        loop {
            let trimmed = rest.trim_start_matches(' ');
            match trimmed.strip_prefix('\u{85}') {
                Some(after) => {
                    breaks += 1;
                    rest = after;
                }
                None => {
                    rest = trimmed;
                    break;
                }
            }
        }
        if breaks == 1 {
            out.push(' ');
        } else {
            (1..breaks).for_each(|_| out.push('\n'));
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}
