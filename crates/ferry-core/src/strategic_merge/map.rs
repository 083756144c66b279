//! Merging a patch object into an object, including the map-level directives
//! (`$patch`, `$retainKeys`, `$deleteFromPrimitiveList/…`, `$setElementOrder/…`).

use serde_json::{Map, Value};

use super::{PatchError, child_path, list, shown};
use crate::schema::{FieldSchema, TypeRef};

pub(super) const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM: &str = "$deleteFromPrimitiveList/";
const SET_ORDER: &str = "$setElementOrder/";

/// Merges `patch` into `original` (apimachinery `mergeMap`).
pub(super) fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    ty: Option<TypeRef<'_>>,
    path: &str,
) -> Result<Map<String, Value>, PatchError> {
    if let Some(directive) = patch.remove(PATCH) {
        match directive.as_str() {
            // Like apimachinery: the map is replaced by the rest of the patch ...
            Some("replace") => return merge_map(Map::new(), patch, ty, path),
            // ... or emptied.
            Some("delete") => return Ok(Map::new()),
            Some("merge") => {}
            _ => return Err(unknown(path, &directive)),
        }
    }
    if let Some(keys) = patch.remove(RETAIN_KEYS) {
        retain_keys(&mut original, &patch, &keys, path)?;
    }
    delete_from_primitive_lists(&mut original, &mut patch, path)?;
    apply_element_orders(&mut original, &mut patch, ty, path)?;
    for (key, value) in patch {
        if key.starts_with('$') {
            return Err(PatchError::UnknownDirective { path: shown(path), directive: key });
        }
        merge_field(&mut original, key, value, ty, path)?;
    }
    Ok(original)
}

fn merge_field(
    original: &mut Map<String, Value>,
    key: String,
    value: Value,
    ty: Option<TypeRef<'_>>,
    path: &str,
) -> Result<(), PatchError> {
    if value.is_null() {
        original.remove(&key);
        return Ok(());
    }
    let field = ty.and_then(|t| t.field(&key));
    let at = child_path(path, &key);
    let merged = match original.remove(&key) {
        Some(old) => merge_value(old, value, field, &at)?,
        None => strip(value, field, &at)?,
    };
    // A new value that was only a directive (e.g. `{"$patch": "delete"}`) leaves no key.
    if let Some(merged) = merged {
        original.insert(key, merged);
    }
    Ok(())
}

/// Merges one field's patch value into its old value.
fn merge_value(
    old: Value,
    patch: Value,
    field: Option<FieldSchema<'_>>,
    path: &str,
) -> Result<Option<Value>, PatchError> {
    match (old, patch) {
        (Value::Object(o), Value::Object(p)) => {
            if field.is_some_and(|f| f.patch_strategy().replace) {
                return strip(Value::Object(p), field, path);
            }
            let merged = merge_map(o, p, field.map(|f| f.ty()), path)?;
            Ok(Some(Value::Object(merged)))
        }
        (Value::Array(o), Value::Array(p)) => Ok(Some(Value::Array(list::merge_list(o, p, field, path)?))),
        (_, p) => strip(p, field, path),
    }
}

/// A patch value that lands where nothing was: directives and nulls are removed.
/// Returns `None` when the value was only a directive.
pub(super) fn strip(value: Value, field: Option<FieldSchema<'_>>, path: &str) -> Result<Option<Value>, PatchError> {
    match value {
        Value::Object(p) => {
            let only_delete = p.get(PATCH).and_then(Value::as_str) == Some("delete");
            if only_delete {
                return Ok(None);
            }
            let merged = merge_map(Map::new(), p, field.map(|f| f.ty()), path)?;
            Ok(Some(Value::Object(merged)))
        }
        Value::Array(p) => Ok(Some(Value::Array(list::merge_list(Vec::new(), p, field, path)?))),
        other => Ok(Some(other)),
    }
}

fn retain_keys(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    keys: &Value,
    path: &str,
) -> Result<(), PatchError> {
    let Some(keys) = keys.as_array() else {
        return Err(bad(path, RETAIN_KEYS, "a list of field names"));
    };
    let keep: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
    for (k, v) in patch {
        if !v.is_null() && !k.starts_with('$') && !keep.contains(&k.as_str()) {
            return Err(PatchError::NotRetained { path: shown(path), field: k.clone() });
        }
    }
    original.retain(|k, _| keep.contains(&k.as_str()));
    Ok(())
}

fn delete_from_primitive_lists(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    path: &str,
) -> Result<(), PatchError> {
    let keys: Vec<String> = patch.keys().filter(|k| k.starts_with(DELETE_FROM)).cloned().collect();
    for key in keys {
        let Some(Value::Array(doomed)) = patch.remove(&key) else {
            return Err(bad(path, &key, "a list"));
        };
        let field = &key[DELETE_FROM.len()..];
        if let Some(Value::Array(items)) = original.get_mut(field) {
            items.retain(|item| !doomed.iter().any(|d| super::same_value(d, item)));
        }
    }
    Ok(())
}

fn apply_element_orders(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    ty: Option<TypeRef<'_>>,
    path: &str,
) -> Result<(), PatchError> {
    let keys: Vec<String> = patch.keys().filter(|k| k.starts_with(SET_ORDER)).cloned().collect();
    for key in keys {
        let Some(Value::Array(order)) = patch.remove(&key) else {
            return Err(bad(path, &key, "a list"));
        };
        let name = key[SET_ORDER.len()..].to_string();
        let field = ty.and_then(|t| t.field(&name));
        let at = child_path(path, &name);
        let live_is_list = original.get(&name).is_none_or(Value::is_array);
        let patch_is_list = patch.get(&name).is_none_or(Value::is_array);
        if !live_is_list || !patch_is_list {
            // Not a list on one side: the field is simply replaced by the normal merge.
            continue;
        }
        let live = original.remove(&name).and_then(into_array);
        let patch_list = patch.remove(&name).and_then(into_array);
        if let Some(merged) = list::merge_with_order(live, patch_list, &order, field, &at)? {
            original.insert(name, Value::Array(merged));
        }
    }
    Ok(())
}

fn into_array(v: Value) -> Option<Vec<Value>> {
    match v {
        Value::Array(items) => Some(items),
        _ => None,
    }
}

fn unknown(path: &str, directive: &Value) -> PatchError {
    PatchError::UnknownDirective { path: shown(path), directive: format!("$patch: {directive}") }
}

fn bad(path: &str, directive: &str, expected: &'static str) -> PatchError {
    PatchError::BadDirective { path: shown(path), directive: directive.to_string(), expected }
}
