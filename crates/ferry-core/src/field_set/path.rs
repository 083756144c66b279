//! One path into an object, in structured-merge-diff's vocabulary: `f:` fields, `k:`
//! associative-list keys, `v:` set values, `i:` indexes. Renders like Kubernetes does in
//! conflict messages (`.spec.template.spec.containers[name="web"].image`).

use std::fmt;

use serde_json::{Map, Value};

use crate::strategic_merge::same_value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathElement {
    /// A field of a map or struct (`f:name`).
    Field(String),
    /// An associative-list item identified by its key fields (`k:{"name":"web"}`).
    Key(Map<String, Value>),
    /// A set-list item (`v:"x"`).
    Value(Value),
    /// A list item by position (`i:0`).
    Index(usize),
}

impl PathElement {
    /// The `fieldsV1` key of this element.
    pub fn to_key(&self) -> String {
        match self {
            PathElement::Field(name) => format!("f:{name}"),
            PathElement::Key(keys) => format!("k:{}", Value::Object(sorted(keys))),
            PathElement::Value(v) => format!("v:{v}"),
            PathElement::Index(i) => format!("i:{i}"),
        }
    }

    /// Parses a `fieldsV1` key; `None` for malformed keys.
    pub fn from_key(key: &str) -> Option<PathElement> {
        let (kind, rest) = key.split_at_checked(2)?;
        match kind {
            "f:" => Some(PathElement::Field(rest.to_string())),
            "k:" => match serde_json::from_str(rest).ok()? {
                Value::Object(keys) => Some(PathElement::Key(sorted(&keys))),
                _ => None,
            },
            "v:" => serde_json::from_str(rest).ok().map(PathElement::Value),
            "i:" => rest.parse().ok().map(PathElement::Index),
            _ => None,
        }
    }

    /// Whether list item `item` (at `index`) is the one this element names.
    pub(crate) fn matches_item(&self, index: usize, item: &Value) -> bool {
        match self {
            PathElement::Key(keys) => keys.iter().all(|(k, v)| item.get(k).is_some_and(|iv| same_value(iv, v))),
            PathElement::Value(v) => same_value(v, item),
            PathElement::Index(i) => *i == index,
            PathElement::Field(_) => false,
        }
    }
}

pub(super) fn sorted(keys: &Map<String, Value>) -> Map<String, Value> {
    let mut pairs: Vec<_> = keys.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs.into_iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// A full path from the object root.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldPath(pub Vec<PathElement>);

impl FieldPath {
    /// The value at this path inside `obj`, if present.
    pub fn lookup<'v>(&self, obj: &'v Value) -> Option<&'v Value> {
        self.0.iter().try_fold(obj, step)
    }
}

/// One step down from `value` along `element`.
fn step<'v>(value: &'v Value, element: &PathElement) -> Option<&'v Value> {
    match (element, value) {
        (PathElement::Field(name), Value::Object(map)) => map.get(name),
        (_, Value::Array(items)) => {
            items.iter().enumerate().find(|(i, item)| element.matches_item(*i, item)).map(|(_, item)| item)
        }
        _ => None,
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for element in &self.0 {
            match element {
                PathElement::Field(name) => write!(f, ".{name}")?,
                PathElement::Key(keys) => {
                    let parts: Vec<String> = keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    write!(f, "[{}]", parts.join(","))?;
                }
                PathElement::Value(v) => write!(f, "[={v}]")?,
                PathElement::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}
