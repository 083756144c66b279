//! Strategic merge as kustomize does it: kyaml's `merge2` walker with the Kubernetes schema and
//! "prepend" list direction, not apimachinery's strategic merge patch.
//!
//! The differences matter for byte-identical output: items a patch adds to a merge list come
//! first (then the remaining items of the resource), `$setElementOrder`/`$retainKeys` are not
//! directives (they stay as fields), lists whose schema has no `merge` strategy (and every list
//! of a kind without a schema) are replaced, `null` removes a field, `$patch: delete|replace`
//! works on maps, list items and (as a lone `- $patch: …` item) whole lists, and a value whose
//! kind differs from the resource's (map vs scalar vs list) is an error.

use ferry_core::schema::{FieldSchema, TypeRef, builtin};
use serde_json::{Map, Value};

/// A value's schema: its type, and for struct fields the field's merge metadata.
#[derive(Clone, Copy)]
struct Schema<'a> {
    ty: TypeRef<'a>,
    field: Option<FieldSchema<'a>>,
}

impl<'a> Schema<'a> {
    /// kyaml's `ResourceSchema.Field`: a struct's property, or a map's value type.
    fn child(self, key: &str) -> Option<Schema<'a>> {
        if let Some(field) = self.ty.field(key) {
            return Some(Schema { ty: field.ty(), field: Some(field) });
        }
        self.ty.is_map().then(|| self.ty.elem()).flatten().map(|ty| Schema { ty, field: None })
    }

    fn elements(self) -> Option<Schema<'a>> {
        self.ty.is_list().then(|| self.ty.elem()).flatten().map(|ty| Schema { ty, field: None })
    }

    /// Whether the list merges by key (`x-kubernetes-patch-strategy` contains `merge`), and its
    /// keys (list-map keys, else the merge key; none for lists of scalars).
    fn merge_keys(self) -> Option<Vec<String>> {
        let field = self.field?;
        field.patch_strategy().merge.then(|| field.list_map_keys().into_iter().map(str::to_owned).collect())
    }
}

/// What a walk step produced: a value, or "remove this field / item".
#[derive(Debug, Clone, PartialEq)]
enum Walked {
    Clear,
    Value(Value),
}

/// Applies the strategic-merge `patch` to `target`; `None` when the patch deletes the whole
/// object (`$patch: delete`). Errors are kyaml's messages (the caller names the patch file).
pub(crate) fn merge(target: &Value, patch: &Value) -> Result<Option<Value>, String> {
    match walk(Some(target), Some(patch), None, &mut Vec::new())? {
        (Walked::Value(v), _) if !v.is_null() => Ok(Some(v)),
        _ => Ok(None),
    }
}

/// kyaml's `Walker.Walk` over two sources: `dest` (the resource) and `origin` (the patch).
/// The flag says whether the result is `dest` modified in place (what kyaml's list merge
/// relies on when it puts the resource's own items back).
fn walk<'a>(
    dest: Option<&Value>,
    origin: Option<&Value>,
    schema: Option<Schema<'a>>,
    path: &mut Vec<String>,
) -> Result<(Walked, bool), String> {
    let schema = schema.or_else(|| schema_of(dest).or_else(|| schema_of(origin)));
    match present(dest).or(present(origin)) {
        Some(Value::Array(_)) => {
            expect_kind(dest, origin, "SequenceNode", Value::is_array)?;
            walk_list(dest, origin, schema, path)
        }
        Some(Value::Object(_)) | None => {
            expect_kind(dest, origin, "MappingNode", Value::is_object)?;
            walk_map(dest, origin, schema, path)
        }
        Some(_) => {
            expect_kind(dest, origin, "ScalarNode", |v| !v.is_array() && !v.is_object())?;
            Ok((origin.or(dest).map_or(Walked::Clear, |v| to_walked(v.clone())), false))
        }
    }
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

/// A `null` from the patch clears the field.
fn to_walked(v: Value) -> Walked {
    if v.is_null() { Walked::Clear } else { Walked::Value(v) }
}

/// The schema of an embedded object that names its own `apiVersion` and `kind`.
fn schema_of<'a>(v: Option<&Value>) -> Option<Schema<'a>> {
    let obj = v?.as_object()?;
    let api_version = obj.get("apiVersion")?.as_str()?;
    let kind = obj.get("kind")?.as_str()?;
    builtin().root_for(api_version, kind).map(|ty| Schema { ty, field: None })
}

/// kyaml's `ErrorIfAnyInvalidAndNonNull`.
fn expect_kind(
    dest: Option<&Value>,
    origin: Option<&Value>,
    expected: &str,
    ok: impl Fn(&Value) -> bool,
) -> Result<(), String> {
    for v in [dest, origin].into_iter().flatten() {
        if !v.is_null() && !ok(v) {
            let got = match v {
                Value::Array(_) => "SequenceNode",
                Value::Object(_) => "MappingNode",
                _ => "ScalarNode",
            };
            return Err(format!("wrong node kind: expected {expected} but got {got}: node contents:\n{v}"));
        }
    }
    Ok(())
}

/// A `$patch` directive: delete, replace or merge.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Directive {
    Delete,
    Replace,
    Merge,
}

fn directive(value: &str) -> Result<Directive, String> {
    match value {
        "delete" => Ok(Directive::Delete),
        "replace" => Ok(Directive::Replace),
        "merge" => Ok(Directive::Merge),
        other => Err(format!("unknown patch strategy '{other}'")),
    }
}

/// Takes a map's `$patch` out of it.
fn map_directive(origin: &mut Option<Value>) -> Result<Directive, String> {
    let Some(Value::Object(map)) = origin else { return Ok(Directive::Merge) };
    match map.get("$patch") {
        None => Ok(Directive::Merge),
        Some(v) => {
            let d = directive(&scalar_text(v))?;
            map.remove("$patch");
            Ok(d)
        }
    }
}

/// Takes a list's `- $patch: …` item (an item holding only `$patch`) out of it.
fn list_directive(origin: &mut Option<Value>) -> Result<Directive, String> {
    let Some(Value::Array(items)) = origin else { return Ok(Directive::Merge) };
    let Some(found) = items.iter().find_map(|i| i.as_object().filter(|m| m.contains_key("$patch"))) else {
        return Ok(Directive::Merge);
    };
    if found.len() > 1 {
        return Ok(Directive::Merge);
    }
    let value = found.get("$patch").map(scalar_text).unwrap_or_default();
    let d = directive(&value)?;
    items.retain(|i| !matches_keys(i, &["$patch".to_owned()], std::slice::from_ref(&value)));
    Ok(d)
}

/// kyaml's `walkMap` with `Merger.VisitMap`.
fn walk_map(
    dest: Option<&Value>,
    origin: Option<&Value>,
    schema: Option<Schema<'_>>,
    path: &mut Vec<String>,
) -> Result<(Walked, bool), String> {
    let mut origin = origin.cloned();
    let (start, in_place) = match dest {
        None | Some(Value::Null) => {
            if map_directive(&mut origin).unwrap_or(Directive::Merge) == Directive::Delete {
                return Ok((Walked::Clear, false));
            }
            match (&origin, dest) {
                // A `null` the resource has and the patch does not touch stays.
                (None, Some(Value::Null)) => return Ok((Walked::Value(Value::Null), false)),
                (None, _) => return Ok((Walked::Clear, false)),
                (Some(Value::Null), _) => return Ok((Walked::Clear, false)),
                (Some(o), _) => (o.clone(), false),
            }
        }
        Some(d) => {
            if origin.as_ref().is_some_and(Value::is_null) {
                return Ok((Walked::Clear, false));
            }
            match map_directive(&mut origin)? {
                Directive::Delete => return Ok((Walked::Clear, false)),
                Directive::Replace => (origin.clone().unwrap_or(Value::Null), false),
                Directive::Merge => (d.clone(), true),
            }
        }
    };
    let Value::Object(mut out) = start else { return Ok((Walked::Value(start), in_place)) };
    let empty = Map::new();
    let origin_map = origin.as_ref().and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<String> = out.keys().chain(origin_map.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let child = schema.and_then(|s| s.child(&key));
        path.push(key.clone());
        let (value, _) = walk(out.get(&key), origin_map.get(&key), child, path)?;
        path.pop();
        set_field(&mut out, key, value);
    }
    Ok((Walked::Value(Value::Object(out)), in_place))
}

/// kyaml's `FieldSetter`: clear, replace in place, or append.
fn set_field(map: &mut Map<String, Value>, key: String, value: Walked) {
    match value {
        Walked::Clear => {
            map.shift_remove(&key);
        }
        Walked::Value(v) => {
            map.insert(key, v);
        }
    }
}

/// kyaml's sequence walk: non-associative lists are replaced, merge lists merged by key.
fn walk_list(
    dest: Option<&Value>,
    origin: Option<&Value>,
    schema: Option<Schema<'_>>,
    path: &mut Vec<String>,
) -> Result<(Walked, bool), String> {
    let Some(keys) = schema.and_then(Schema::merge_keys) else {
        return Ok((origin.or(dest).map_or(Walked::Clear, |v| to_walked(v.clone())), false));
    };
    let mut origin = origin.cloned();
    let dest_list = match dest {
        None | Some(Value::Null) => match &origin {
            None | Some(Value::Null) => return Ok((Walked::Clear, false)),
            Some(o) => o.clone(),
        },
        Some(d) => {
            if origin.as_ref().is_some_and(Value::is_null) {
                return Ok((Walked::Clear, false));
            }
            match list_directive(&mut origin)? {
                Directive::Delete => return Ok((Walked::Clear, false)),
                Directive::Replace => origin.clone().unwrap_or(Value::Null),
                Directive::Merge => d.clone(),
            }
        }
    };
    let Value::Array(dest_items) = dest_list else { return Ok((Walked::Value(dest_list), false)) };
    let origin_items = match origin {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let element_schema = schema.and_then(Schema::elements);
    let lists = Lists { dest: dest_items, origin: origin_items };
    let merged = super::merge_list::merge_associative(lists, &keys, element_schema.map(|s| s.ty), path)?;
    Ok((Walked::Value(Value::Array(merged)), true))
}

/// The two lists of an associative merge.
pub(super) struct Lists {
    pub dest: Vec<Value>,
    pub origin: Vec<Value>,
}

/// Walks one item of a merge list (resource item, patch item) with the item schema; returns
/// the merged item (`None` when it is deleted) and whether the resource's item was merged in
/// place.
pub(super) fn walk_item(
    dest: Option<&Value>,
    origin: Option<&Value>,
    ty: Option<TypeRef<'_>>,
    path: &mut Vec<String>,
) -> Result<(Option<Value>, bool), String> {
    let schema = ty.map(|ty| Schema { ty, field: None });
    let (walked, in_place) = walk(dest, origin, schema, path)?;
    Ok(match walked {
        Walked::Value(v) if !v.is_null() && v.as_object().is_none_or(|m| !m.is_empty()) => (Some(v), in_place),
        _ => (None, in_place),
    })
}

/// A scalar's YAML text as kyaml compares it (`80`, `true`, `TCP`); "" for maps and lists.
pub(super) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Whether an item has `keys` with `values` (a key of "" compares a scalar item itself).
pub(super) fn matches_keys(item: &Value, keys: &[String], values: &[String]) -> bool {
    if keys.len() == 1 && keys[0].is_empty() {
        return !item.is_object() && !item.is_array() && scalar_text(item) == values[0];
    }
    let Some(map) = item.as_object() else { return false };
    keys.iter().zip(values).all(|(k, v)| map.get(k).is_some_and(|f| scalar_text(f) == *v))
}
