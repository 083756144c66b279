//! RFC 6901 JSON pointers (`/spec/replicas`, `/metadata/annotations/foo~1bar`) and removal
//! of the value one points at.

use serde_json::Value;

/// A parsed pointer: its unescaped reference tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pointer(Vec<String>);

/// Parses a pointer; the error says why it is invalid.
pub(super) fn parse(text: &str) -> Result<Pointer, &'static str> {
    if text.is_empty() {
        return Err("it points at the whole object");
    }
    let Some(rest) = text.strip_prefix('/') else {
        return Err("it must start with \"/\"");
    };
    rest.split('/').map(unescape).collect::<Result<_, _>>().map(Pointer)
}

fn unescape(token: &str) -> Result<String, &'static str> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        match c {
            '~' => match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return Err("\"~\" must be followed by 0 or 1"),
            },
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Removes the value `pointer` points at; nothing happens when there is none.
pub(super) fn remove(obj: &mut Value, pointer: &Pointer) {
    let Some((last, parents)) = pointer.0.split_last() else {
        return;
    };
    let Some(parent) = parents.iter().try_fold(obj, |v, token| child(v, token)) else {
        return;
    };
    match parent {
        Value::Object(map) => {
            map.shift_remove(last);
        }
        Value::Array(items) => {
            if let Some(i) = index(last).filter(|i| *i < items.len()) {
                items.remove(i);
            }
        }
        _ => {}
    }
}

fn child<'v>(value: &'v mut Value, token: &str) -> Option<&'v mut Value> {
    match value {
        Value::Object(map) => map.get_mut(token),
        Value::Array(items) => items.get_mut(index(token)?),
        _ => None,
    }
}

/// An array index token: digits without leading zeros.
fn index(token: &str) -> Option<usize> {
    let valid =
        !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) && (token == "0" || !token.starts_with('0'));
    valid.then(|| token.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_and_unescapes() {
        assert_eq!(parse("/spec/replicas"), Ok(Pointer(vec!["spec".into(), "replicas".into()])));
        assert_eq!(parse("/metadata/annotations/a~1b~0c").unwrap().0[2], "a/b~c");
        assert_eq!(parse("/"), Ok(Pointer(vec![String::new()])));
        assert!(parse("spec").is_err());
        assert!(parse("").is_err());
        assert!(parse("/a~2").is_err());
        assert!(parse("/a~").is_err());
    }

    #[test]
    fn removes_fields_and_items() {
        let mut obj = json!({"a": {"b/c": 1, "d": 2}, "l": [1, 2, 3]});
        remove(&mut obj, &parse("/a/b~1c").unwrap());
        remove(&mut obj, &parse("/l/1").unwrap());
        remove(&mut obj, &parse("/l/01").unwrap());
        remove(&mut obj, &parse("/missing/x").unwrap());
        assert_eq!(obj, json!({"a": {"d": 2}, "l": [1, 3]}));
    }
}
