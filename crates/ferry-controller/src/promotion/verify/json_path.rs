//! The `jsonPath` of an HTTP probe: `$`, `$.a.b[0].c`, `.a.b`, `$.a["key with dots"]`. Only
//! member and index steps: no wildcards, filters or recursion, so a lookup is one walk.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The value at `path` in `document`; `Ok(None)` when the path does not exist there.
pub(crate) fn lookup<'a>(document: &'a Value, path: &str) -> Result<Option<&'a Value>, String> {
    let mut current = document;
    for step in parse(path)? {
        let next = match (&step, current) {
            (Step::Key(key), Value::Object(map)) => map.get(key),
            (Step::Index(i), Value::Array(items)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(value) => current = value,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// A value as text for comparison with `expectValue`: strings without quotes, other scalars
/// as JSON writes them (`true`, `3`, `null`), objects and arrays as compact JSON.
pub(crate) fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse(path: &str) -> Result<Vec<Step>, String> {
    let invalid = |why: &str| format!("jsonPath `{path}`: {why}");
    let rest = path.strip_prefix('$').unwrap_or(path);
    let chars: Vec<char> = rest.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let len = chars[i + 1..].iter().take_while(|c| !matches!(c, '.' | '[')).count();
                if len == 0 {
                    return Err(invalid("a `.` must be followed by a field name"));
                }
                steps.push(Step::Key(chars[i + 1..i + 1 + len].iter().collect()));
                i += 1 + len;
            }
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').ok_or_else(|| invalid("`[` without `]`"))?;
                let inner: String = chars[i + 1..i + close].iter().collect();
                steps.push(bracket(&inner).ok_or_else(|| invalid("expected `[N]` or `[\"key\"]`"))?);
                i += close + 1;
            }
            c => return Err(invalid(&format!("expected `.` or `[`, found `{c}`"))),
        }
    }
    Ok(steps)
}

fn bracket(inner: &str) -> Option<Step> {
    let quoted = |q: char| inner.strip_prefix(q).and_then(|s| s.strip_suffix(q));
    if let Some(key) = quoted('"').or_else(|| quoted('\'')) {
        return Some(Step::Key(key.to_owned()));
    }
    inner.trim().parse().ok().map(Step::Index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn looks_up_fields_and_items() {
        let doc = json!({"status": "ok", "a": {"b": [{"c": 3}, {"c": true}]}, "x.y": null, "list": [1, 2]});
        let cases: &[(&str, Option<&str>)] = &[
            ("$", Some(r#"{"status":"ok","a":{"b":[{"c":3},{"c":true}]},"x.y":null,"list":[1,2]}"#)),
            ("$.status", Some("ok")),
            (".status", Some("ok")),
            ("$.a.b[0].c", Some("3")),
            (".a.b[1].c", Some("true")),
            ("$[\"x.y\"]", Some("null")),
            ("$.list", Some("[1,2]")),
            ("$.missing", None),
            ("$.a.b[5].c", None),
            ("$.status.deeper", None),
        ];
        for (path, expected) in cases {
            let found = lookup(&doc, path).unwrap().map(as_text);
            assert_eq!(found.as_deref(), *expected, "{path}");
        }
    }

    #[test]
    fn bad_paths_are_errors() {
        for path in ["$.", "$.a[", "$.a[x]", "$a", ".a..b"] {
            assert!(lookup(&json!({}), path).is_err(), "{path}");
        }
    }
}
