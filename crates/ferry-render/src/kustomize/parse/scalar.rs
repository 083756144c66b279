//! Typing scalars as kustomize's reader (kyaml on go-yaml v3) does, then as the JSON it makes
//! of them: plain `yes`/`on`/`y` stay strings (YAML 1.2 booleans are only `true`/`false`),
//! `0644` is octal 420, `0x1F` 31, `1_000` 1000, `1e3` a float, `~`/`null`/empty null, an
//! unquoted timestamp becomes its RFC 3339 text, `.inf`/`.nan` cannot be written as JSON and
//! are errors. Quoted and block scalars are strings; explicit core tags (`!!str`, `!!int`,
//! `!!float`, `!!bool`, `!!null`, `!!binary`, `!!timestamp`) are honoured; other tags are
//! strings.

use base64::Engine as _;
use serde_json::{Number, Value};
use serde_saphyr::granit_parser::{ScalarStyle, Tag};

use super::numbers::{parse_decimal_float, parse_int_base0, parse_int_base2, parse_uint_base0, parse_uint_base2};
use super::timestamp;

const CORE: &str = "tag:yaml.org,2002:";

/// A scalar's explicit tag, as far as typing is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TagKind {
    None,
    Str,
    Int,
    Float,
    Bool,
    Null,
    Binary,
    Timestamp,
    Merge,
    Collection,
    /// `!`, local and unknown tags: the value is a string.
    Other,
}

pub(super) fn tag_kind(tag: Option<&Tag>) -> TagKind {
    let Some(tag) = tag else { return TagKind::None };
    if tag.handle() != CORE {
        return TagKind::Other;
    }
    match tag.suffix() {
        "str" => TagKind::Str,
        "int" => TagKind::Int,
        "float" => TagKind::Float,
        "bool" => TagKind::Bool,
        "null" => TagKind::Null,
        "binary" => TagKind::Binary,
        "timestamp" => TagKind::Timestamp,
        "merge" => TagKind::Merge,
        "map" | "seq" => TagKind::Collection,
        _ => TagKind::Other,
    }
}

/// The YAML 1.2 reading of a plain scalar (go-yaml v3 `resolve`), before JSON.
#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Time(String),
    Str,
}

impl Typed {
    fn name(&self) -> &'static str {
        match self {
            Typed::Null => "!!null",
            Typed::Bool(_) => "!!bool",
            Typed::Int(_) | Typed::Uint(_) => "!!int",
            Typed::Float(_) => "!!float",
            Typed::Time(_) => "!!timestamp",
            Typed::Str => "!!str",
        }
    }
}

/// go-yaml v3 `resolve(tag, text)` for the implicit and numeric tags.
fn resolve_text(text: &str, tag: TagKind) -> Typed {
    match text {
        "true" | "True" | "TRUE" => return Typed::Bool(true),
        "false" | "False" | "FALSE" => return Typed::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => return Typed::Null,
        ".nan" | ".NaN" | ".NAN" => return Typed::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Typed::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Typed::Float(f64::NEG_INFINITY),
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => parse_decimal_float(text).map_or(Typed::Str, Typed::Float),
        b'+' | b'-' | b'0'..=b'9' => resolve_number(text, tag),
        _ => Typed::Str,
    }
}

fn resolve_number(text: &str, tag: TagKind) -> Typed {
    if matches!(tag, TagKind::None | TagKind::Timestamp)
        && let Some(t) = timestamp::parse(text)
    {
        return Typed::Time(t.rfc3339_nano());
    }
    let plain = text.replace('_', "");
    if let Ok(i) = parse_int_base0(&plain) {
        return Typed::Int(i);
    }
    if let Ok(u) = parse_uint_base0(&plain) {
        return Typed::Uint(u);
    }
    if let Some(f) = parse_decimal_float(&plain) {
        return Typed::Float(f);
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        if let Some(i) = parse_int_base2(rest) {
            return Typed::Int(i);
        }
        if let Some(u) = parse_uint_base2(rest) {
            return Typed::Uint(u);
        }
    } else if let Some(rest) = plain.strip_prefix("-0b")
        && let Some(i) = parse_int_base2(&format!("-{rest}"))
    {
        return Typed::Int(i);
    }
    Typed::Str
}

/// The JSON value of a scalar, or a message saying why it has none.
pub(super) fn value(text: &str, style: ScalarStyle, tag: TagKind) -> Result<Value, String> {
    let quoted = style != ScalarStyle::Plain;
    match tag {
        TagKind::Str | TagKind::Other | TagKind::Merge => return Ok(Value::String(text.to_owned())),
        TagKind::None if quoted => return Ok(Value::String(text.to_owned())),
        TagKind::Binary => return binary(text),
        TagKind::Collection => return Err(format!("cannot decode !!str `{text}` as a collection")),
        _ => {}
    }
    let typed = resolve_text(text, tag);
    let typed = match (tag, typed) {
        (TagKind::None, t) => t,
        (TagKind::Int, t @ (Typed::Int(_) | Typed::Uint(_))) => t,
        (TagKind::Float, Typed::Int(i)) => Typed::Float(i as f64),
        (TagKind::Float, Typed::Uint(u)) => Typed::Float(u as f64),
        (TagKind::Float, t @ Typed::Float(_)) => t,
        (TagKind::Bool, t @ Typed::Bool(_)) => t,
        (TagKind::Null, t @ Typed::Null) => t,
        (TagKind::Timestamp, t @ Typed::Time(_)) => t,
        (_, t) => return Err(format!("cannot decode {} `{text}` as a {}", t.name(), tag_name(tag))),
    };
    json(text, typed)
}

fn tag_name(tag: TagKind) -> &'static str {
    match tag {
        TagKind::Int => "!!int",
        TagKind::Float => "!!float",
        TagKind::Bool => "!!bool",
        TagKind::Null => "!!null",
        TagKind::Timestamp => "!!timestamp",
        _ => "!!str",
    }
}

fn json(text: &str, typed: Typed) -> Result<Value, String> {
    Ok(match typed {
        Typed::Null => Value::Null,
        Typed::Bool(b) => Value::Bool(b),
        Typed::Int(i) => Value::from(i),
        Typed::Uint(u) => Value::from(u),
        Typed::Float(f) => Value::Number(
            Number::from_f64(f).ok_or_else(|| format!("json: unsupported value: {} (from `{text}`)", go_float(f)))?,
        ),
        Typed::Time(t) => Value::String(t),
        Typed::Str => Value::String(text.to_owned()),
    })
}

fn go_float(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

/// `!!binary`: base64 (line breaks ignored, as Go's decoder does) decoded to text.
fn binary(text: &str) -> Result<Value, String> {
    let compact: String = text.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| "!!binary value contains invalid base64 data".to_owned())?;
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Whether a mapping key is a merge key (`<<` unquoted and untagged, or tagged `!!merge`).
pub(super) fn is_merge_key(text: &str, style: ScalarStyle, tag: TagKind) -> bool {
    text == "<<" && ((style == ScalarStyle::Plain && tag == TagKind::None) || tag == TagKind::Merge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain(text: &str) -> Result<Value, String> {
        value(text, ScalarStyle::Plain, TagKind::None)
    }

    #[test]
    fn plain_scalars_as_kyaml_reads_them() {
        let cases = [
            ("yes", json!("yes")),
            ("on", json!("on")),
            ("y", json!("y")),
            ("True", json!(true)),
            ("0644", json!(420)),
            ("0o644", json!(420)),
            ("0x1F", json!(31)),
            ("+0x1F", json!(31)),
            ("1_000", json!(1000)),
            ("0x_1F", json!(31)),
            ("1e3", json!(1000.0)),
            ("08", json!(8.0)),
            ("1.0", json!(1.0)),
            ("~", Value::Null),
            ("", Value::Null),
            ("Null", Value::Null),
            ("12345678901234567890", json!(12345678901234567890u64)),
            ("-9223372036854775809", json!(-9.223_372_036_854_776e18)),
            ("2002-12-14", json!("2002-12-14T00:00:00Z")),
            ("2001-02-30", json!("2001-02-30")),
            ("1e400", json!("1e400")),
            ("0x", json!("0x")),
            ("-0b11", json!(-3)),
            ("<<", json!("<<")),
        ];
        for (text, want) in cases {
            assert_eq!(plain(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn quoted_and_tagged_scalars() {
        assert_eq!(value("123", ScalarStyle::DoubleQuoted, TagKind::None), Ok(json!("123")));
        assert_eq!(value("123", ScalarStyle::Plain, TagKind::Str), Ok(json!("123")));
        assert_eq!(value("3", ScalarStyle::DoubleQuoted, TagKind::Int), Ok(json!(3)));
        assert_eq!(value("1", ScalarStyle::Plain, TagKind::Float), Ok(json!(1.0)));
        assert_eq!(value("aGVsbG8=", ScalarStyle::Plain, TagKind::Binary), Ok(json!("hello")));
        assert_eq!(value("bar", ScalarStyle::Plain, TagKind::Other), Ok(json!("bar")));
        assert!(value("abc", ScalarStyle::Plain, TagKind::Int).is_err());
    }

    #[test]
    fn non_finite_floats_are_errors() {
        for text in [".inf", "-.Inf", ".nan"] {
            assert!(plain(text).unwrap_err().contains("unsupported value"), "{text}");
        }
    }
}
