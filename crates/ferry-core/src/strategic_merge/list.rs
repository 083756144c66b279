//! Merging lists: replace for lists without `patchStrategy: merge`, union for merging
//! lists of scalars, merge by key for merging lists of objects (with the `$patch` list
//! elements `delete` and `replace`), then apimachinery's ordering rules.

use serde_json::{Map, Value};

use super::map::{PATCH, merge_map};
use super::order::{OrderKey, normalize};
use super::{PatchError, index_path, same_value, shown};
use crate::schema::FieldSchema;

/// Merges list `patch` into list `original` according to the field's patch strategy.
pub(super) fn merge_list(
    original: Vec<Value>,
    patch: Vec<Value>,
    field: Option<FieldSchema<'_>>,
    path: &str,
) -> Result<Vec<Value>, PatchError> {
    let strategy = field.map(|f| f.patch_strategy()).unwrap_or_default();
    if !strategy.merge {
        return replace_items(patch, field, path);
    }
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    match item_kind(&original, &patch, path)? {
        ItemKind::Scalars => Ok(merge_scalars(original, patch)),
        ItemKind::Objects => {
            let key =
                field.and_then(|f| f.patch_merge_key()).ok_or_else(|| PatchError::NoMergeKey { path: shown(path) })?;
            merge_objects(original, patch, key, field, path)
        }
    }
}

/// The merge of a list whose patch carries `$setElementOrder/<field>`: merge as usual,
/// then put the items named by `order` in that order, interleaving live-only items.
pub(super) fn merge_with_order(
    live: Option<Vec<Value>>,
    patch: Option<Vec<Value>>,
    order: &[Value],
    field: Option<FieldSchema<'_>>,
    path: &str,
) -> Result<Option<Vec<Value>>, PatchError> {
    let server_order = live.clone().unwrap_or_default();
    let merged = match (live, patch) {
        (Some(live), None) => live,
        (None, Some(patch)) => merge_list(Vec::new(), patch, field, path)?,
        (Some(live), Some(patch)) => merge_list(live, patch, field, path)?,
        (None, None) => return Ok(None),
    };
    let key = field.and_then(|f| f.patch_merge_key());
    let order_key = order_key_for(&merged, key, path)?;
    Ok(Some(normalize(merged, order, &server_order, &order_key)))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Scalars,
    Objects,
}

fn item_kind(original: &[Value], patch: &[Value], path: &str) -> Result<ItemKind, PatchError> {
    let mut kind = None;
    for item in original.iter().chain(patch) {
        let this = if item.is_object() {
            ItemKind::Objects
        } else if item.is_array() {
            return Err(PatchError::MixedList { path: shown(path) });
        } else {
            ItemKind::Scalars
        };
        if kind.is_some_and(|k| k != this) {
            return Err(PatchError::MixedList { path: shown(path) });
        }
        kind = Some(this);
    }
    Ok(kind.unwrap_or(ItemKind::Scalars))
}

/// Lists without merge strategy: the patch list wins, minus directives in its objects.
fn replace_items(patch: Vec<Value>, field: Option<FieldSchema<'_>>, path: &str) -> Result<Vec<Value>, PatchError> {
    let elem = field.and_then(|f| f.ty().elem());
    let mut out = Vec::with_capacity(patch.len());
    for (i, item) in patch.into_iter().enumerate() {
        match item {
            Value::Object(o) => out.push(Value::Object(merge_map(Map::new(), o, elem, &index_path(path, i))?)),
            other => out.push(other),
        }
    }
    Ok(out)
}

fn merge_scalars(original: Vec<Value>, patch: Vec<Value>) -> Vec<Value> {
    let mut merged = original.clone();
    for item in &patch {
        if !merged.iter().any(|m| same_value(m, item)) {
            merged.push(item.clone());
        }
    }
    normalize(merged, &patch, &original, &OrderKey::Whole)
}

fn merge_objects(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
    field: Option<FieldSchema<'_>>,
    path: &str,
) -> Result<Vec<Value>, PatchError> {
    let items = match apply_special_items(&mut original, patch, key, path)? {
        Special::Replace(items) => return replace_items(items, field, path),
        Special::Merge(items) => items,
    };
    let server_order = original.clone();
    let elem = field.and_then(|f| f.ty().elem());
    for (i, item) in items.iter().enumerate() {
        let at = index_path(path, i);
        let Value::Object(patch_item) = item else {
            continue;
        };
        let wanted = merge_key_of(patch_item, key, &at)?;
        let patch_item = patch_item.clone();
        let found = original.iter_mut().find(|o| o.get(key).is_some_and(|v| same_value(v, &wanted)));
        match found {
            Some(Value::Object(live)) => {
                let merged = merge_map(std::mem::take(live), patch_item, elem, &at)?;
                *live = merged;
            }
            _ => original.push(Value::Object(merge_map(Map::new(), patch_item, elem, &at)?)),
        }
    }
    let order_key = OrderKey::Field(key.to_string());
    Ok(normalize(original, &items, &server_order, &order_key))
}

enum Special {
    Replace(Vec<Value>),
    Merge(Vec<Value>),
}

/// Handles `{"$patch": "delete", key: v}` (drops matching live items) and
/// `{"$patch": "replace"}` (the rest of the patch list replaces the live list).
fn apply_special_items(
    original: &mut Vec<Value>,
    patch: Vec<Value>,
    key: &str,
    path: &str,
) -> Result<Special, PatchError> {
    let mut plain = Vec::with_capacity(patch.len());
    let mut replace = false;
    for (i, item) in patch.into_iter().enumerate() {
        let Value::Object(mut obj) = item else {
            return Err(PatchError::MixedList { path: shown(path) });
        };
        let at = index_path(path, i);
        match obj.remove(PATCH) {
            None => plain.push(Value::Object(obj)),
            Some(d) if d == "delete" => {
                let wanted = merge_key_of(&obj, key, &at)?;
                original.retain(|o| !o.get(key).is_some_and(|v| same_value(v, &wanted)));
            }
            Some(d) if d == "replace" => replace = true,
            Some(d) if d == "merge" => {
                if obj.contains_key(key) {
                    plain.push(Value::Object(obj));
                }
            }
            Some(d) => {
                return Err(PatchError::UnknownDirective { path: at, directive: format!("$patch: {d}") });
            }
        }
    }
    if replace {
        return Ok(Special::Replace(plain));
    }
    Ok(Special::Merge(plain))
}

fn merge_key_of(item: &Map<String, Value>, key: &str, path: &str) -> Result<Value, PatchError> {
    item.get(key).cloned().ok_or_else(|| PatchError::MissingMergeKey { path: shown(path), key: key.to_string() })
}

fn order_key_for(merged: &[Value], key: Option<&str>, path: &str) -> Result<OrderKey, PatchError> {
    match key {
        Some(k) if merged.iter().any(Value::is_object) => Ok(OrderKey::Field(k.to_string())),
        None if merged.iter().any(Value::is_object) => Err(PatchError::NoMergeKey { path: shown(path) }),
        _ => Ok(OrderKey::Whole),
    }
}
