//! Dotted key paths into YAML (`image.tag`, `containers[0].image`, `annotations."a.b/c"`),
//! and setting a scalar at one in a lossless `yaml-edit` document, so comments, key order,
//! quoting and layout outside the edited value stay byte for byte.

use yaml_edit::{Document, Mapping, ScalarValue, Sequence, YamlNode};

/// One step of a path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Parses `a.b[0]."c.d"`: keys separated by dots, a key in double or single quotes when it
/// holds dots or brackets, `[N]` after a key for a sequence index.
pub fn parse(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut chars = path.chars().peekable();
    loop {
        match chars.peek() {
            Some(&q @ ('"' | '\'')) => {
                chars.next();
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some('\\') if q == '"' => key.extend(chars.next()),
                        Some(c) if c == q => break,
                        Some(c) => key.push(c),
                        None => return Err(format!("a quoted key in {path:?} is not closed")),
                    }
                }
                segments.push(Segment::Key(key));
            }
            Some('[') => {}
            _ => {
                let key: String =
                    std::iter::from_fn(|| chars.next_if(|c| !matches!(c, '.' | '[' | '"' | '\''))).collect();
                if key.is_empty() {
                    return Err(format!("{path:?} has an empty key"));
                }
                segments.push(Segment::Key(key));
            }
        }
        while chars.next_if_eq(&'[').is_some() {
            let digits: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_digit)).collect();
            if chars.next() != Some(']') || digits.is_empty() {
                return Err(format!("{path:?}: an index is written [N] with N a number"));
            }
            segments.push(Segment::Index(digits.parse().map_err(|_| format!("{path:?}: index too large"))?));
        }
        match chars.next() {
            None => return Ok(segments),
            Some('.') => {}
            Some(c) => return Err(format!("{path:?}: unexpected {c:?} after a key (use quotes for such keys)")),
        }
    }
}

/// A scalar to write: its YAML type is kept (a string stays a string even when it looks like
/// a number).
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    String(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

impl Scalar {
    /// How the value reads in a message.
    pub fn shown(&self) -> String {
        match self {
            Scalar::String(s) => format!("{s:?}"),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => "null".to_owned(),
        }
    }

    /// Whether the existing node already holds this value (same type, same value).
    fn equals(&self, node: &YamlNode) -> bool {
        let Some(scalar) = node.as_scalar() else { return false };
        let quoted = scalar.is_quoted();
        match self {
            Scalar::String(s) => {
                let plain_string = scalar.as_i64().is_none()
                    && scalar.as_f64().is_none()
                    && scalar.as_bool().is_none()
                    && !scalar.is_null();
                scalar.as_string() == *s && (quoted || plain_string)
            }
            Scalar::Int(i) => !quoted && scalar.as_i64() == Some(*i),
            Scalar::Float(f) => !quoted && scalar.as_f64() == Some(*f),
            Scalar::Bool(b) => !quoted && scalar.as_bool() == Some(*b),
            Scalar::Null => !quoted && scalar.is_null(),
        }
    }

    /// The value to write, in the quoting style of the value it replaces when that was quoted.
    fn styled(&self, old: Option<&YamlNode>) -> ScalarValue {
        match self {
            Scalar::String(s) => {
                let old_text = old.and_then(YamlNode::as_scalar).map(|o| o.value()).unwrap_or_default();
                if old_text.starts_with('"') {
                    ScalarValue::double_quoted(s.as_str())
                } else if old_text.starts_with('\'') {
                    ScalarValue::single_quoted(s.as_str())
                } else {
                    ScalarValue::string(s.as_str())
                }
            }
            Scalar::Int(i) => ScalarValue::parse(i.to_string()),
            Scalar::Float(f) => ScalarValue::parse(f.to_string()),
            Scalar::Bool(b) => ScalarValue::parse(b.to_string()),
            Scalar::Null => ScalarValue::null(),
        }
    }
}

/// What setting a value did.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The value was already there.
    Unchanged,
    /// The old value (as written in the file) was replaced.
    Replaced { old: String },
    /// The key (and any missing mappings on the way) was added.
    Created,
}

/// Sets `value` at `path` in `doc`. A missing key is added only when `create` is set (with
/// any mappings on the way); a missing index never is. Errors name the failing part of the path.
pub fn set(doc: &Document, path: &[Segment], value: &Scalar, create: bool) -> Result<Change, String> {
    let root = doc.as_mapping().ok_or_else(|| "the document is not a mapping".to_owned())?;
    let (last, parents) = path.split_last().ok_or_else(|| "the path is empty".to_owned())?;
    let mut node = Container::Mapping(root);
    for (depth, segment) in parents.iter().enumerate() {
        let shown = show(&path[..=depth]);
        node = match (node.child(segment, &shown)?, segment) {
            (Some(child), _) => Container::of(child, &shown)?,
            (None, Segment::Key(key)) if create => node.add_mapping(key),
            (None, _) => return Err(format!("{shown} does not exist")),
        };
    }
    let shown = show(path);
    match node.child(last, &shown)? {
        Some(old) if value.equals(&old) => Ok(Change::Unchanged),
        Some(old) => {
            if old.as_scalar().is_none() {
                return Err(format!("{shown} is a mapping or sequence, not a value"));
            }
            node.put(last, value.styled(Some(&old)));
            Ok(Change::Replaced { old: old.as_scalar().map(|s| s.value()).unwrap_or_default() })
        }
        None if create && matches!(last, Segment::Key(_)) => {
            node.put(last, value.styled(None));
            Ok(Change::Created)
        }
        None => Err(format!("{shown} does not exist")),
    }
}

/// The path as the user would write it, for messages.
pub fn show(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if key.contains(['.', '[', ']', '"', '\'']) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&format!("{key:?}"));
            }
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

enum Container {
    Mapping(Mapping),
    Sequence(Sequence),
}

impl Container {
    fn of(node: YamlNode, shown: &str) -> Result<Container, String> {
        match node {
            YamlNode::Mapping(m) => Ok(Container::Mapping(m)),
            YamlNode::Sequence(s) => Ok(Container::Sequence(s)),
            _ => Err(format!("{shown} is a value, not a mapping or sequence")),
        }
    }

    fn child(&self, segment: &Segment, shown: &str) -> Result<Option<YamlNode>, String> {
        match (self, segment) {
            (Container::Mapping(m), Segment::Key(key)) => Ok(m.get(key.as_str())),
            (Container::Sequence(s), Segment::Index(index)) => Ok(s.get(*index)),
            (Container::Mapping(_), Segment::Index(_)) => Err(format!("{shown}: a mapping has no index")),
            (Container::Sequence(_), Segment::Key(_)) => Err(format!("{shown}: a sequence has no keys")),
        }
    }

    fn add_mapping(&self, key: &str) -> Container {
        let Container::Mapping(m) = self else { unreachable!("child() refused a key on a sequence") };
        m.set(key, Mapping::new());
        Container::Mapping(m.get_mapping(key).unwrap_or_default())
    }

    fn put(&self, segment: &Segment, value: ScalarValue) {
        match (self, segment) {
            (Container::Mapping(m), Segment::Key(key)) => m.set(key.as_str(), value),
            (Container::Sequence(s), Segment::Index(index)) => {
                s.set(*index, value);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn parses_dots_indexes_and_quoted_keys() {
        use Segment::{Index, Key};
        assert_eq!(parse("image.tag").unwrap(), [Key("image".into()), Key("tag".into())]);
        assert_eq!(
            parse("a[0][2].\"b.c\".'d[e]'").unwrap(),
            [Key("a".into()), Index(0), Index(2), Key("b.c".into()), Key("d[e]".into())]
        );
        for bad in ["", "a..b", "a[x]", "a[1", "\"open", "a.", "a\"b\""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replaces_in_place_and_creates_only_when_asked() {
        let doc = Document::from_str("# c\nimage:\n  tag: \"1.0\" # t\nlist:\n  - a: 1\n").unwrap();
        let tag = parse("image.tag").unwrap();
        assert_eq!(set(&doc, &tag, &Scalar::String("1.0".into()), false).unwrap(), Change::Unchanged);
        set(&doc, &tag, &Scalar::String("2.0".into()), false).unwrap();
        set(&doc, &parse("list[0].a").unwrap(), &Scalar::Int(2), false).unwrap();
        assert_eq!(doc.to_string(), "# c\nimage:\n  tag: \"2.0\" # t\nlist:\n  - a: 2\n");
        let missing = set(&doc, &parse("image.pull.policy").unwrap(), &Scalar::Bool(true), false).unwrap_err();
        assert_eq!(missing, "image.pull does not exist");
        set(&doc, &parse("image.pull.policy").unwrap(), &Scalar::Bool(true), true).unwrap();
        assert!(doc.to_string().contains("  pull:\n    policy: true\n"), "{doc}");
        assert!(set(&doc, &parse("list[3].a").unwrap(), &Scalar::Null, true).is_err());
    }
}
