//! Sets of field paths in Kubernetes' `fieldsV1` format, the ownership records of
//! server-side apply (`metadata.managedFields[].fieldsV1`), and `fields_of`, which lists
//! the fields an object sets.

mod path;
mod walk;

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thiserror::Error;

pub use path::{FieldPath, PathElement};
pub use walk::fields_of;
pub(crate) use walk::{fields_of_with_status, item_element};

use crate::schema::TypeRef;

/// A `fieldsV1` document could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FieldSetError {
    #[error("fieldsV1{path}: expected an object, found {found}")]
    NotAnObject { path: String, found: &'static str },
    #[error("fieldsV1{path}: malformed key {key:?} (expected f:, k:, v:, i: or .)")]
    BadKey { path: String, key: String },
}

/// A set of field paths. A path is a member when it is owned itself; a node may also have
/// owned children (`"."` in `fieldsV1` marks the node itself when it has children).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    root: Node,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Node {
    member: bool,
    children: BTreeMap<String, Node>,
}

impl FieldSet {
    pub fn new() -> Self {
        FieldSet::default()
    }

    /// The fields set by `obj` of type `ty` (see [`fields_of`]).
    pub fn fields_of(obj: &Value, ty: Option<TypeRef<'_>>) -> FieldSet {
        fields_of(obj, ty)
    }

    pub fn is_empty(&self) -> bool {
        self.root.children.is_empty()
    }

    /// Adds `path` as a member.
    pub fn insert(&mut self, path: &FieldPath) {
        let mut node = &mut self.root;
        for element in &path.0 {
            node = node.children.entry(element.to_key()).or_default();
        }
        node.member = !path.0.is_empty() || node.member;
    }

    /// Whether `path` is a member.
    pub fn contains(&self, path: &FieldPath) -> bool {
        self.node(path).is_some_and(|n| n.member)
    }

    /// Whether `path` is a member with no members below it.
    pub fn is_leaf(&self, path: &FieldPath) -> bool {
        self.node(path).is_some_and(|n| n.member && n.children.is_empty())
    }

    fn node(&self, path: &FieldPath) -> Option<&Node> {
        path.0.iter().try_fold(&self.root, |node, e| node.children.get(&e.to_key()))
    }

    /// Every member path, parents before children.
    pub fn paths(&self) -> Vec<FieldPath> {
        let mut out = Vec::new();
        collect(&self.root, &mut Vec::new(), &mut out);
        out
    }

    /// Member paths with no members below them.
    pub fn leaves(&self) -> Vec<FieldPath> {
        self.paths().into_iter().filter(|p| self.is_leaf(p)).collect()
    }

    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        for p in other.paths() {
            out.insert(&p);
        }
        out
    }

    /// Members of `self` that are not members of `other`.
    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        self.filter(|p| !other.contains(p))
    }

    /// Members of both sets.
    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        self.filter(|p| other.contains(p))
    }

    /// The members for which `keep` holds.
    pub fn filter(&self, mut keep: impl FnMut(&FieldPath) -> bool) -> FieldSet {
        let mut out = FieldSet::new();
        for p in self.paths() {
            if keep(&p) {
                out.insert(&p);
            }
        }
        out
    }

    /// Reads a `fieldsV1` document.
    pub fn from_fields_v1(value: &Value) -> Result<FieldSet, FieldSetError> {
        Ok(FieldSet { root: parse_node(value, "")? })
    }

    /// Writes the `fieldsV1` document.
    pub fn to_fields_v1(&self) -> Value {
        Value::Object(render_node(&self.root))
    }
}

fn collect(node: &Node, prefix: &mut Vec<PathElement>, out: &mut Vec<FieldPath>) {
    for (key, child) in &node.children {
        let Some(element) = PathElement::from_key(key) else {
            continue;
        };
        prefix.push(element);
        if child.member {
            out.push(FieldPath(prefix.clone()));
        }
        collect(child, prefix, out);
        prefix.pop();
    }
}

fn parse_node(value: &Value, path: &str) -> Result<Node, FieldSetError> {
    let Value::Object(map) = value else {
        return Err(FieldSetError::NotAnObject {
            path: path.to_string(),
            found: crate::strategic_merge::kind_name(value),
        });
    };
    let mut node = Node::default();
    for (key, child) in map {
        if key == "." {
            node.member = true;
            continue;
        }
        let Some(element) = PathElement::from_key(key) else {
            return Err(FieldSetError::BadKey { path: path.to_string(), key: key.clone() });
        };
        let child_path = format!("{path}{}", FieldPath(vec![element.clone()]));
        let mut parsed = parse_node(child, &child_path)?;
        // A key with no children is itself owned; one with children only if it has ".".
        parsed.member |= parsed.children.is_empty();
        node.children.insert(element.to_key(), parsed);
    }
    Ok(node)
}

fn render_node(node: &Node) -> Map<String, Value> {
    let mut out = Map::new();
    if node.member && !node.children.is_empty() {
        out.insert(".".to_string(), Value::Object(Map::new()));
    }
    for (key, child) in &node.children {
        out.insert(key.clone(), Value::Object(render_node(child)));
    }
    out
}

#[cfg(test)]
mod tests;
