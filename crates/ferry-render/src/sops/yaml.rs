//! SOPS' YAML store: every document of the file is a branch of the tree, the `sops` map is
//! read from the first document and removed from all. Scalars are typed as yaml.v3 types them
//! (YAML 1.2 booleans, `0x`/`0o`/legacy octal integers). Comments, encrypted (`#ENC[…]`) or
//! not, are not part of the values and are dropped.
//!
//! Output is block YAML with every string double-quoted, so it reads back to exactly the
//! decrypted values whatever YAML 1.1 or 1.2 habits the reader has.

use serde_saphyr::{NonFiniteFloatPolicy, Options};

use super::error::SopsError;
use super::tree::Tree;

/// The manifest reader's budgets (alias bombs, depth, size), read as sops's yaml.v3 reads.
fn yaml_options() -> Options {
    let mut options = crate::documents::yaml_options();
    options.strict_booleans = true;
    // yaml.v3 reads `.inf` and `.nan` as floats.
    options.non_finite_float_policy = NonFiniteFloatPolicy::PassThrough;
    options
}

/// The documents of `text`. Empty documents are skipped: SOPS reads them as empty maps,
/// which hold no values and add nothing to the MAC.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Tree>, SopsError> {
    let docs = serde_saphyr::from_multiple_with_options::<Tree>(text, yaml_options()).map_err(|e| {
        let at = e.location().map(|l| format!("line {}: ", l.line())).unwrap_or_default();
        SopsError::Syntax { file: file.to_owned(), problem: format!("{at}not valid YAML") }
    })?;
    docs.into_iter()
        .map(|doc| match doc {
            Tree::Map(_) => Ok(doc),
            Tree::Null => Ok(Tree::Map(Vec::new())),
            _ => Err(SopsError::Syntax { file: file.to_owned(), problem: "a document is not a mapping".to_owned() }),
        })
        .collect()
}

/// The documents as YAML, separated by `---`.
pub(crate) fn emit(docs: &[Tree]) -> String {
    let mut out = String::new();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        match doc {
            Tree::Map(entries) if !entries.is_empty() => emit_map(entries, 0, &mut out),
            Tree::Seq(items) if !items.is_empty() => emit_seq(items, 0, &mut out),
            other => {
                emit_scalar(other, &mut out);
                out.push('\n');
            }
        }
    }
    out
}

fn emit_map(entries: &[(String, Tree)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        push_indent(indent, out);
        quote(key, out);
        out.push(':');
        emit_nested(value, indent, out);
    }
}

fn emit_seq(items: &[Tree], indent: usize, out: &mut String) {
    for item in items {
        push_indent(indent, out);
        out.push('-');
        emit_nested(item, indent, out);
    }
}

/// A value after `key:` or `-`: scalars and empty collections on the same line, others below.
fn emit_nested(value: &Tree, indent: usize, out: &mut String) {
    match value {
        Tree::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            emit_map(entries, indent + 2, out);
        }
        Tree::Seq(items) if !items.is_empty() => {
            out.push('\n');
            emit_seq(items, indent + 2, out);
        }
        scalar => {
            out.push(' ');
            emit_scalar(scalar, out);
            out.push('\n');
        }
    }
}

fn emit_scalar(value: &Tree, out: &mut String) {
    match value {
        Tree::Null => out.push_str("null"),
        Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Tree::Int(i) => out.push_str(&i.to_string()),
        Tree::Float(f) if f.is_nan() => out.push_str(".nan"),
        Tree::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 { ".inf" } else { "-.inf" }),
        // `{:?}` always has a `.` or an exponent, so the value reads back as a float.
        Tree::Float(f) => out.push_str(&format!("{f:?}")),
        Tree::Str(s) => quote(s, out),
        Tree::Map(_) => out.push_str("{}"),
        Tree::Seq(_) => out.push_str("[]"),
    }
}

fn push_indent(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A YAML double-quoted scalar: escapes the quote, the backslash and every character YAML
/// does not allow unescaped.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_typed_like_yaml_v3() {
        let docs = parse("f.yaml", "a: yes\nb: True\nc: 0x1F\nd: 1.50\ne: ~\nf: 2024-01-01\ng: '5'\n").unwrap();
        let doc = &docs[0];
        assert_eq!(doc.get("a"), Some(&Tree::Str("yes".into())));
        assert_eq!(doc.get("b"), Some(&Tree::Bool(true)));
        assert_eq!(doc.get("c"), Some(&Tree::Int(31)));
        assert_eq!(doc.get("d"), Some(&Tree::Float(1.5)));
        assert_eq!(doc.get("e"), Some(&Tree::Null));
        assert_eq!(doc.get("f"), Some(&Tree::Str("2024-01-01".into())));
        assert_eq!(doc.get("g"), Some(&Tree::Str("5".into())));
    }

    #[test]
    fn emitted_yaml_reads_back_to_the_same_tree() {
        let text = "k: \"multi\\nline: #x\"\nl:\n- 1\n- -2.5\n- {}\n- []\n- x: [a, {b: null}]\nm: {}\n\"1\": \"\\x7f\\u2028\"\nn: .inf\no: 1e300\np: 0.000001\n";
        let docs = parse("f.yaml", &format!("{text}---\n---\nz: true\n")).unwrap();
        assert_eq!(docs.len(), 2, "the empty document holds no values");
        let emitted = emit(&docs);
        assert_eq!(parse("f.yaml", &emitted).unwrap(), docs, "{emitted}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert!(matches!(parse("bomb.yaml", &bomb), Err(SopsError::Syntax { .. })));
    }

    #[test]
    fn non_string_keys_and_scalar_documents_are_refused() {
        assert!(parse("f.yaml", "1: a\n").is_err());
        assert!(parse("f.yaml", "just a string\n").is_err());
        assert_eq!(parse("f.yaml", "").unwrap(), Vec::<Tree>::new());
    }
}
