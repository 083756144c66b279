//! kustomize's name hash: SHA-256 over Go's JSON encoding of a few fields, its first ten hex
//! digits with `0 1 3 a e` mapped to `g h k m t` (no vowels, no look-alikes).
//!
//! The encoded fields are `kind`, `data` and `binaryData` for a ConfigMap and `kind`, `type`,
//! `data` and `stringData` for a Secret, plus `name`, which kustomize v5.5 looks up with a path
//! (`metadata/name`) that never matches: the name is always `""`, so prefixes and suffixes do
//! not change the hash. Labels, annotations, namespace and `immutable` do not either.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::kustomize::{KustomizeError, ResMap};

/// The 10-character suffix kustomize appends to a generated ConfigMap or Secret.
pub fn name_hash(obj: &Value) -> Result<String, KustomizeError> {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let mut fields = Map::new();
    fields.insert("kind".into(), Value::String(kind.to_owned()));
    fields.insert("name".into(), Value::String(String::new()));
    fields.insert("data".into(), field_value(obj.get("data")));
    match kind {
        "ConfigMap" => insert_if_map(&mut fields, obj, "binaryData"),
        "Secret" => {
            fields.insert("type".into(), field_value(obj.get("type")));
            insert_if_map(&mut fields, obj, "stringData");
        }
        other => {
            return Err(KustomizeError::Unsupported {
                file: String::new(),
                message: format!("cannot compute the name hash of a {other:?}: only ConfigMaps and Secrets get one"),
            });
        }
    }
    let mut encoded = String::new();
    write_go_json(&mut encoded, &Value::Object(fields));
    Ok(encode(&Sha256::digest(encoded.as_bytes())))
}

/// Appends `-<hash>` to the name of every resource that asks for it (remembering the id it
/// had), and clears the request. kustomize does this once, after every other transformer of
/// the top-level kustomization.
pub fn apply_hash_suffixes(res: &mut ResMap) -> Result<(), KustomizeError> {
    for resource in res.iter_mut().filter(|r| r.needs_hash) {
        let hash = name_hash(&resource.obj).map_err(|e| match e {
            KustomizeError::Unsupported { message, .. } => {
                KustomizeError::Unsupported { file: resource.origin.clone(), message }
            }
            other => other,
        })?;
        resource.remember_id();
        let name = resource.id().name;
        if let Some(Value::Object(metadata)) = resource.obj.get_mut("metadata") {
            metadata.insert("name".into(), Value::String(format!("{name}-{hash}")));
        }
        resource.needs_hash = false;
    }
    Ok(())
}

/// A field as kustomize's hasher reads it: absent (or null) is `""`, a scalar is its text, a
/// map is itself and any other node an unreadable map (`null`).
fn field_value(value: Option<&Value>) -> Value {
    match value {
        None | Some(Value::Null) => Value::String(String::new()),
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(Value::Bool(b)) => Value::String(b.to_string()),
        Some(Value::Number(n)) => Value::String(n.to_string()),
        Some(Value::Object(map)) => Value::Object(map.clone()),
        Some(Value::Array(_)) => Value::Null,
    }
}

/// `binaryData`/`stringData` count only when they are present and not scalars.
fn insert_if_map(fields: &mut Map<String, Value>, obj: &Value, field: &str) {
    match obj.get(field) {
        Some(Value::Object(map)) => {
            fields.insert(field.into(), Value::Object(map.clone()));
        }
        Some(Value::Array(_)) => {
            fields.insert(field.into(), Value::Null);
        }
        _ => {}
    }
}

/// The first ten hex digits of `digest`, with kustomize's letter mapping.
fn encode(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(10);
    for byte in &digest[..5] {
        let _ = write!(hex, "{byte:02x}");
    }
    hex.chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// Go's `json.Marshal` of a decoded `interface{}`: map keys sorted, HTML-safe string escapes,
/// numbers as `float64`.
fn write_go_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_float(n.as_f64().unwrap_or_default())),
        Value::String(s) => write_go_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(out, key);
                out.push(':');
                write_go_json(out, item);
            }
            out.push('}');
        }
    }
}

/// Go's JSON string: `\"`, `\\`, `\b \f \n \r \t`, other control characters and `< > &`,
/// U+2028 and U+2029 as `\u00XX`/`\u20XX`.
fn write_go_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's encoding of a `float64`: the shortest form that reads back, in exponent form (`1e+21`,
/// `1e-7`) below 1e-6 or from 1e21 on.
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let formatted = format!("{f:e}");
        let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
        let with_sign = if exponent.starts_with('-') { exponent.to_owned() } else { format!("+{exponent}") };
        return format!("{mantissa}e{with_sign}");
    }
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn hash_ignores_the_name_and_metadata() {
        let a = json!({"kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}});
        let b = json!({"kind": "ConfigMap", "metadata": {"name": "b", "labels": {"x": "y"}}, "data": {"k": "v"}});
        assert_eq!(name_hash(&a).unwrap(), name_hash(&b).unwrap());
    }

    #[test]
    fn hash_of_empty_objects_matches_kustomize() {
        // Names kubectl kustomize v5.5 gave: `empty-6ct58987ht`, `emptysec-46f8b28mk5`.
        assert_eq!(name_hash(&json!({"kind": "ConfigMap", "metadata": {"name": "empty"}})).unwrap(), "6ct58987ht");
        let secret = json!({"kind": "Secret", "type": "Opaque", "data": {}, "metadata": {"name": "emptysec"}});
        assert_eq!(name_hash(&secret).unwrap(), "46f8b28mk5");
    }

    #[test]
    fn go_json_escapes_like_encoding_json() {
        let mut out = String::new();
        write_go_string(&mut out, "a\u{8}b\u{c}c\u{1}d\u{2028}e\u{7f}<>&\"\\/\t\r\n");
        assert_eq!(out, r#""a\bb\fc\u0001d\u2028e<>&\"\\/\t\r\n""#.replace("<>&", "\u{7f}\\u003c\\u003e\\u0026"));
    }

    #[test]
    fn go_floats() {
        assert_eq!(go_float(1.0), "1");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e-7), "1e-7");
        assert_eq!(go_float(1.5e300), "1.5e+300");
        assert_eq!(go_float(123456789.0), "123456789");
    }

    #[test]
    fn other_kinds_have_no_hash() {
        assert!(name_hash(&json!({"kind": "Deployment"})).is_err());
    }
}
