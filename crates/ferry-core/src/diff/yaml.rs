//! A small deterministic YAML emitter for JSON values, in kubectl's block style: keys in
//! the object's order, list items at their key's indentation, strings plain unless a
//! reader would take them for something else, multi-line strings as `|` blocks.

use serde_json::{Map, Value};

/// `value` as a YAML document (no `---`), ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&inline(other, 0));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, map: &Map<String, Value>, indent: usize) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&scalar_string(key));
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, indent + 2);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, indent);
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        let nested = match item {
            Value::Object(m) if !m.is_empty() => Some(block(|o| write_map(o, m, indent + 2))),
            Value::Array(v) if !v.is_empty() => Some(block(|o| write_seq(o, v, indent + 2))),
            _ => None,
        };
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match nested {
            // The nested block starts at indent + 2: its first line goes after the dash.
            Some(text) => out.push_str(&text[indent + 2..]),
            None => {
                out.push_str(&inline(item, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn block(write: impl FnOnce(&mut String)) -> String {
    let mut out = String::new();
    write(&mut out);
    out
}

/// A value on the rest of a line; a multi-line string continues as a literal block whose
/// lines are indented by `indent`.
fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.contains('\n') && block_safe(s) => literal_block(s, indent),
        Value::String(s) => scalar_string(s),
        Value::Object(_) => "{}".to_string(),
        Value::Array(_) => "[]".to_string(),
    }
}

fn literal_block(s: &str, indent: usize) -> String {
    let body = s.strip_suffix('\n');
    let chomp = match body {
        None => "-",
        Some(b) if b.ends_with('\n') || b.is_empty() => "+",
        Some(_) => "",
    };
    let indicator = if s.starts_with(' ') { "2" } else { "" };
    let mut out = format!("|{indicator}{chomp}");
    for line in body.unwrap_or(s).split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
    }
    out
}

/// Literal blocks cannot hold control characters or lines of only spaces (they would be
/// read back as indentation).
fn block_safe(s: &str) -> bool {
    let controls = s.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_special_space(c));
    let blank_with_spaces = s.split('\n').any(|l| !l.is_empty() && l.trim_matches([' ', '\t']).is_empty());
    !controls && !blank_with_spaces && !s.starts_with('\t')
}

fn is_special_space(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A string plain when it reads back as the same string, otherwise double-quoted (JSON
/// escapes are valid YAML).
pub(super) fn scalar_string(s: &str) -> String {
    if needs_quotes(s) { serde_json::to_string(s).unwrap_or_default() } else { s.to_string() }
}

const RESERVED: &[&str] =
    &["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "<<", "=", "", ".inf", ".nan"];

fn needs_quotes(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    RESERVED.contains(&lower.trim_start_matches(['+', '-']))
        || s.trim() != s
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.starts_with("...")
        || s.chars().any(|c| c.is_control() || is_special_space(c))
        || looks_numeric(s)
        || looks_like_date(s)
}

/// Integers, floats, hex/octal/binary, sexagesimal (`1:30`) and the like in YAML 1.1 or 1.2.
fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = t.to_ascii_lowercase();
    if let Some(digits) = ["0x", "0o", "0b"].iter().find_map(|p| lower.strip_prefix(p)) {
        return !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    let starts_numeric = t.starts_with(|c: char| c.is_ascii_digit())
        || (t.starts_with('.') && t[1..].starts_with(|c: char| c.is_ascii_digit()));
    starts_numeric && t.chars().all(|c| c.is_ascii_digit() || "._:eE+-".contains(c))
}

/// `2024-01-31...`, which YAML 1.1 readers take for a timestamp.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn block_style_like_kubectl() {
        let obj = json!({
            "apiVersion": "apps/v1",
            "spec": {"replicas": 3, "template": {"spec": {"containers": [
                {"name": "web", "args": ["--port", "80"], "env": [], "resources": {}}
            ]}}},
            "list": [[1, 2], {"a": null}],
        });
        let expected = "\
apiVersion: apps/v1
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        args:
        - \"--port\"
        - \"80\"
        env: []
        resources: {}
list:
- - 1
  - 2
- a: null
";
        assert_eq!(to_yaml(&obj), expected);
    }

    #[test]
    fn strings_that_would_read_as_something_else_are_quoted() {
        let quoted = [
            "",
            "true",
            "False",
            "yes",
            "off",
            "null",
            "~",
            "1",
            "-1",
            "1.5",
            "1e3",
            "0x1F",
            ".5",
            "12:30",
            "2024-01-31",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "-x",
            "*x",
            "&x",
            "!x",
            "{x",
            "[x",
            "#x",
            "@x",
            "`x",
            "key:",
            "tab\tin",
            ".inf",
            "<<",
        ];
        for s in quoted {
            assert!(scalar_string(s).starts_with('"'), "{s:?} should be quoted");
        }
        let plain = ["nginx:1.27", "100m", "1Gi", "http://x/y#z", "a-b", "v1", "web", "a b", "x:y", "1.2.3-beta"];
        for s in plain {
            assert_eq!(scalar_string(s), s, "{s:?} should be plain");
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let obj = json!({"a": "x\ny\n", "b": "x\ny", "c": "x\n\n", "d": [" indented\nz\n"], "e": "bad\r\nline"});
        let expected =
            "a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\nd:\n- |2\n   indented\n  z\ne: \"bad\\r\\nline\"\n";
        assert_eq!(to_yaml(&obj), expected);
    }
}
