//! Projection for display: an object restricted to a set of field paths, with the live
//! object's keys and list items put in the desired object's order so the shown diff is
//! minimal.

use serde_json::{Map, Value};

use super::compare::leaf_equal;
use crate::field_set::{FieldPath, PathElement};

/// Field paths as a tree; a node without children is shown whole.
#[derive(Debug, Default)]
pub(super) struct Trie {
    children: Vec<(PathElement, Trie)>,
}

impl Trie {
    pub(super) fn of<'p>(paths: impl IntoIterator<Item = &'p FieldPath>) -> Trie {
        let mut root = Trie::default();
        for path in paths {
            path.0.iter().fold(&mut root, |node, element| node.child_mut(element));
        }
        root
    }

    fn child_mut(&mut self, element: &PathElement) -> &mut Trie {
        let at = match self.children.iter().position(|(e, _)| e == element) {
            Some(at) => at,
            None => {
                self.children.push((element.clone(), Trie::default()));
                self.children.len() - 1
            }
        };
        &mut self.children[at].1
    }

    fn field(&self, name: &str) -> Option<&Trie> {
        self.children.iter().find(|(e, _)| matches!(e, PathElement::Field(f) if f == name)).map(|(_, t)| t)
    }

    fn item(&self, index: usize, item: &Value) -> Option<(&PathElement, &Trie)> {
        self.children
            .iter()
            .find(|(e, _)| !matches!(e, PathElement::Field(_)) && e.matches_item(index, item))
            .map(|(e, t)| (e, t))
    }
}

/// `value` restricted to the paths in `node`; `guide` (the desired object) orders keys and
/// items, and stands in for leaves equal to it.
pub(super) fn project(value: &Value, guide: Option<&Value>, node: &Trie) -> Value {
    if node.children.is_empty() {
        return leaf(value, guide);
    }
    match value {
        Value::Object(map) => {
            let guide_keys = guide.and_then(Value::as_object).into_iter().flat_map(|g| g.keys());
            let mut out = Map::new();
            for key in guide_keys.chain(map.keys()) {
                if out.contains_key(key) {
                    continue;
                }
                if let (Some(child), Some(v)) = (node.field(key), map.get(key)) {
                    out.insert(key.clone(), project(v, guide.and_then(|g| g.get(key)), child));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(project_items(items, guide.and_then(Value::as_array), node)),
        other => other.clone(),
    }
}

/// The list items `node` names, in the guide's order, items the guide lacks last.
fn project_items(items: &[Value], guide: Option<&Vec<Value>>, node: &Trie) -> Vec<Value> {
    let mut picked: Vec<(usize, usize, Value)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some((element, child)) = node.item(i, item) else {
            continue;
        };
        let counterpart = guide.and_then(|g| g.iter().enumerate().find(|(j, d)| element.matches_item(*j, d)));
        let rank = counterpart.map_or(usize::MAX, |(j, _)| j);
        picked.push((rank, i, project(item, counterpart.map(|(_, d)| d), child)));
    }
    picked.sort_by_key(|(rank, i, _)| (*rank, *i));
    picked.into_iter().map(|(_, _, v)| v).collect()
}

/// A whole value: the guide's own when they compare equal (so `1.0` vs `1` or an empty
/// object shows no difference), otherwise the value with keys in the guide's order.
fn leaf(value: &Value, guide: Option<&Value>) -> Value {
    match guide {
        Some(g) if leaf_equal(g, Some(value)) => g.clone(),
        Some(g) => align(value, g),
        None => value.clone(),
    }
}

fn align(value: &Value, guide: &Value) -> Value {
    match (value, guide) {
        (Value::Object(map), Value::Object(g)) => {
            let mut out = Map::new();
            for key in g.keys().chain(map.keys()) {
                if let (false, Some(v)) = (out.contains_key(key), map.get(key)) {
                    out.insert(key.clone(), g.get(key).map_or_else(|| v.clone(), |gv| align(v, gv)));
                }
            }
            Value::Object(out)
        }
        (Value::Array(items), Value::Array(g)) if items.len() == g.len() => {
            Value::Array(items.iter().zip(g).map(|(v, gv)| align(v, gv)).collect())
        }
        _ => value.clone(),
    }
}
