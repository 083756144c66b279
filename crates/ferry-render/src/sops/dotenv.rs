//! SOPS' dotenv store: `KEY=value` lines (value up to the line end, `\n` meaning a newline),
//! `#` comment lines, the metadata flattened into `sops_…` keys (`sops_age__list_0__map_enc`).

use serde_json::{Map, Value};

use super::error::SopsError;
use super::tree::Tree;

const SOPS_PREFIX: &str = "sops_";
const MAP_SEPARATOR: &str = "__map_";
const LIST_SEPARATOR: &str = "__list_";

/// The values of a dotenv file and, apart, its `sops_…` entries unflattened into the metadata
/// map.
pub(crate) fn parse(file: &str, text: &str) -> Result<(Tree, Value), SopsError> {
    let mut entries = Vec::new();
    let mut metadata = Value::Object(Map::new());
    for (index, line) in text.split('\n').enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            let problem = format!("line {}: expected KEY=VALUE", index + 1);
            return Err(SopsError::Syntax { file: file.to_owned(), problem });
        };
        let value = value.replace("\\n", "\n");
        match key.strip_prefix(SOPS_PREFIX) {
            Some(flat) => insert_flattened(&mut metadata, flat, value)
                .ok_or_else(|| SopsError::malformed(file, format!("line {}: bad metadata key {key}", index + 1)))?,
            None => entries.push((key.to_owned(), Tree::Str(value))),
        }
    }
    Ok((Tree::Map(entries), metadata))
}

/// Whether the text has SOPS metadata lines.
pub(crate) fn has_metadata(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("sops_mac=")) && text.lines().any(|l| l.starts_with("sops_lastmodified="))
}

/// The values as dotenv lines, newlines written as `\n`.
pub(crate) fn emit(file: &str, tree: &Tree) -> Result<String, SopsError> {
    let Tree::Map(entries) = tree else { return Err(SopsError::malformed(file, "a dotenv file is one map")) };
    let mut out = String::new();
    for (key, value) in entries {
        let text = match value {
            Tree::Str(s) => s.clone(),
            other => match other.mac_bytes() {
                Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                None => return Err(SopsError::malformed(file, format!("{key}: not a plain value"))),
            },
        };
        out.push_str(key);
        out.push('=');
        out.push_str(&text.replace('\n', "\\n"));
        out.push('\n');
    }
    Ok(out)
}

/// One step of a flattened key: a map key or a list position.
enum Step {
    Key(String),
    Index(usize),
}

/// Splits `age__list_0__map_enc` into `age`, `[0]`, `enc`.
fn steps(flat: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = flat;
    let mut kind_is_index = false;
    loop {
        let next = [MAP_SEPARATOR, LIST_SEPARATOR].iter().filter_map(|sep| rest.find(sep).map(|at| (at, *sep))).min();
        let (token, after) = match next {
            Some((at, sep)) => (&rest[..at], Some((sep, &rest[at + sep.len()..]))),
            None => (rest, None),
        };
        steps.push(if kind_is_index { Step::Index(token.parse().ok()?) } else { Step::Key(token.to_owned()) });
        match after {
            Some((sep, tail)) => {
                kind_is_index = sep == LIST_SEPARATOR;
                rest = tail;
            }
            None => return Some(steps),
        }
    }
}

/// Sets the value at a flattened key, creating maps and lists on the way.
fn insert_flattened(root: &mut Value, flat: &str, value: String) -> Option<()> {
    let steps = steps(flat)?;
    let mut node = root;
    for (i, step) in steps.iter().enumerate() {
        let empty_next = match steps.get(i + 1) {
            Some(Step::Index(_)) => Value::Array(Vec::new()),
            Some(Step::Key(_)) => Value::Object(Map::new()),
            None => Value::Null,
        };
        node = match step {
            Step::Key(key) => node.as_object_mut()?.entry(key.clone()).or_insert(empty_next),
            Step::Index(index) => {
                let list = node.as_array_mut()?;
                // A bound against absurd indices in a hostile file.
                if *index > 10_000 {
                    return None;
                }
                if *index >= list.len() {
                    list.resize(index + 1, Value::Null);
                }
                let slot = &mut list[*index];
                if slot.is_null() {
                    *slot = empty_next;
                }
                slot
            }
        };
    }
    *node = Value::String(value);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_values_from_flattened_metadata() {
        let text = "A=1\n# c\nB=x\\ny\nsops_age__list_0__map_recipient=age1x\nsops_age__list_0__map_enc=l1\\nl2\\n\nsops_mac=M\n";
        let (tree, md) = parse("e.env", text).unwrap();
        assert_eq!(tree, Tree::Map(vec![("A".into(), Tree::Str("1".into())), ("B".into(), Tree::Str("x\ny".into()))]));
        assert_eq!(md, json!({"age": [{"recipient": "age1x", "enc": "l1\nl2\n"}], "mac": "M"}));
        assert_eq!(emit("e.env", &tree).unwrap(), "A=1\nB=x\\ny\n");
    }

    #[test]
    fn lines_without_equals_are_syntax_errors_without_the_line() {
        let err = parse("e.env", "A=1\nsecretvalue\n").unwrap_err();
        assert_eq!(err, SopsError::Syntax { file: "e.env".into(), problem: "line 2: expected KEY=VALUE".into() });
    }

    #[test]
    fn nested_key_groups_unflatten() {
        let (_, md) = parse("e.env", "sops_key_groups__list_1__map_age__list_0__map_recipient=r\n").unwrap();
        assert_eq!(md, json!({"key_groups": [null, {"age": [{"recipient": "r"}]}]}));
    }
}
