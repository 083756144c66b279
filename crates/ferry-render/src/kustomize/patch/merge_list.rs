//! kyaml's associative list merge (`walk/associative_sequence.go`) with kustomize's "prepend"
//! direction: the patch's items come first, in patch order, merged with the resource's items
//! of the same key; then the resource's other items, in their order.
//!
//! Quirks kept on purpose because kustomize has them: lists with several keys (container
//! ports: `containerPort` + `protocol`) move merged items behind the new ones, keys missing on
//! some items only count when some item has them, and `null`/`{}` items are dropped.

use ferry_core::schema::TypeRef;
use serde_json::Value;

use super::merge::{Lists, scalar_text, walk_item};

/// Merges two lists item by item. `keys` are the list's merge keys (none for lists of scalars).
pub(super) fn merge_associative(
    lists: Lists,
    keys: &[String],
    ty: Option<TypeRef<'_>>,
    path: &mut Vec<String>,
) -> Result<Vec<Value>, String> {
    let Lists { dest, origin } = lists;
    let mut values = key_values(&origin, &dest, keys);
    let keys: Vec<String> = if values.is_empty() && keys.is_empty() {
        values = primitive_values(&origin, &dest);
        vec![String::new()]
    } else {
        keys.to_vec()
    };
    Merge { dest, origin, keys, ty }.run(values, path)
}

struct Merge<'a> {
    dest: Vec<Value>,
    origin: Vec<Value>,
    keys: Vec<String>,
    ty: Option<TypeRef<'a>>,
}

impl Merge<'_> {
    /// `setAssociativeSequenceElements` followed by `appendListNode`.
    fn run(mut self, mut values: Vec<Vec<String>>, path: &mut Vec<String>) -> Result<Vec<Value>, String> {
        if self.keys.len() > 1 {
            merge_values(&mut values);
        }
        let mut added: Vec<Value> = Vec::new();
        let mut valid_keys = self.keys.clone();
        for value in &values {
            if value.is_empty() {
                continue;
            }
            let (keys, vals) = validate_keys(&values, value, &self.keys);
            valid_keys.clone_from(&keys);
            self.merge_one(&keys, &vals, &mut added, path)?;
        }
        if values.is_empty() {
            return Ok(self.dest);
        }
        for item in std::mem::take(&mut self.dest) {
            put_back(&mut added, item, &valid_keys);
        }
        Ok(added)
    }

    /// Merges the resource's and the patch's item with these key values into `added`, or
    /// deletes it from the resource's list.
    fn merge_one(
        &mut self,
        keys: &[String],
        vals: &[String],
        added: &mut Vec<Value>,
        path: &mut Vec<String>,
    ) -> Result<(), String> {
        let (find_keys, find_vals) = validate_keys(&[vals.to_vec()], vals, keys);
        let dest_index = self.dest.iter().position(|e| element_matches(e, &find_keys, &find_vals));
        let origin_item = self.origin.iter().find(|e| element_matches(e, &find_keys, &find_vals));
        let (merged, in_place) = walk_item(dest_index.map(|i| &self.dest[i]), origin_item, self.ty, path)?;
        let Some(mut merged) = merged else {
            element_set(&mut self.dest, None, keys, vals);
            return Ok(());
        };
        if let Value::Object(map) = &mut merged {
            for (key, val) in keys.iter().zip(vals) {
                if !key.is_empty() && !val.is_empty() && !map.contains_key(key) {
                    map.insert(key.clone(), Value::String(val.clone()));
                }
            }
        }
        if let (true, Some(i)) = (in_place, dest_index) {
            self.dest[i] = merged.clone();
        }
        element_set(added, Some(merged), keys, vals);
        Ok(())
    }
}

/// `appendListNode` for one of the resource's items.
fn put_back(added: &mut Vec<Value>, item: Value, keys: &[String]) {
    if keys[0].is_empty() {
        let text = scalar_text(&item);
        element_set(added, Some(item), keys, &[text]);
        return;
    }
    let mut vals = Vec::new();
    for key in keys {
        match item.get(key) {
            Some(v) => vals.push(scalar_text(v)),
            None => added.push(item.clone()),
        }
    }
    if keys.len() > 1 {
        element_set(added, None, keys, &vals);
    }
    element_set(added, Some(item), keys, &vals);
}

/// The key values of every item, patch items first, without repeats.
fn key_values(origin: &[Value], dest: &[Value], keys: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for item in origin.iter().chain(dest) {
        let vals: Vec<String> = keys.iter().map(|k| item.get(k).map(scalar_text).unwrap_or_default()).collect();
        if !vals.is_empty() && !out.contains(&vals) {
            out.push(vals);
        }
    }
    out
}

/// The values of a list of scalars, patch items first, without repeats.
fn primitive_values(origin: &[Value], dest: &[Value]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for item in origin.iter().chain(dest) {
        let vals = vec![scalar_text(item)];
        if !out.contains(&vals) {
            out.push(vals);
        }
    }
    out
}

/// kyaml's `mergeValues`: key tuples that differ only where one side is empty are the same item.
fn merge_values(values: &mut [Vec<String>]) {
    for i in 0..values.len() {
        for j in 0..values.len() {
            if let Some(joined) = joined(&values[i], &values[j]) {
                values[i].clone_from(&joined);
                values[j] = joined;
            }
        }
    }
}

fn joined(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut out = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            out.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else {
            out.push(if x.is_empty() { y.clone() } else { x.clone() });
        }
    }
    common.then_some(out)
}

/// kyaml's `validateKeys`: only keys that some item has a value for.
fn validate_keys(all: &[Vec<String>], values: &[String], keys: &[String]) -> (Vec<String>, Vec<String>) {
    let valid: Vec<bool> =
        (0..keys.len()).map(|i| all.iter().any(|v| v.get(i).is_some_and(|s| !s.is_empty()))).collect();
    if !valid.contains(&true) {
        return (keys.to_vec(), values.to_vec());
    }
    let vk = keys.iter().zip(&valid).filter(|(_, ok)| **ok).map(|(k, _)| k.clone()).collect();
    let vv = values.iter().zip(&valid).filter(|(v, ok)| !v.is_empty() || **ok).map(|(v, _)| v.clone()).collect();
    (vk, vv)
}

/// kyaml's `FieldMatcher` loop inside `ElementSetter`: keys beyond the values reuse the last
/// answer, as kyaml does.
fn element_matches(item: &Value, keys: &[String], values: &[String]) -> bool {
    let mut matched = false;
    for (j, key) in keys.iter().enumerate() {
        if let Some(want) = values.get(j) {
            matched = field_matches(item, key, want);
        }
        if !matched {
            return false;
        }
    }
    true
}

fn field_matches(item: &Value, key: &str, want: &str) -> bool {
    if key.is_empty() {
        return !item.is_object() && !item.is_array() && scalar_text(item) == want;
    }
    item.as_object().and_then(|m| m.get(key)).is_some_and(|v| !v.is_object() && !v.is_array() && scalar_text(v) == want)
}

/// kyaml's `ElementSetter`: drops `null`/`{}` items, replaces (or, without `element`, removes)
/// matching items, appends `element` when nothing matched.
fn element_set(list: &mut Vec<Value>, element: Option<Value>, keys: &[String], values: &[String]) {
    let mapping = !keys.is_empty() && !keys[0].is_empty();
    let mut found = false;
    let mut out = Vec::with_capacity(list.len() + 1);
    for item in list.drain(..) {
        if item.is_null() || item.as_object().is_some_and(serde_json::Map::is_empty) {
            continue;
        }
        if mapping && !item.is_object() {
            out.push(item);
            continue;
        }
        if !element_matches(&item, keys, values) {
            if !values.is_empty() {
                out.push(item);
            }
            continue;
        }
        found = true;
        if let Some(e) = &element {
            out.push(e.clone());
        }
    }
    if let (false, Some(e)) = (found, element) {
        out.push(e);
    }
    *list = out;
}
