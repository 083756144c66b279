//! Adding a generated object to the resources a kustomization has so far, by its behavior:
//! `create` (or none) adds it and refuses an id that exists; `merge` and `replace` need exactly
//! one existing object with that id — matched against every id it has had, so an overlay names
//! a base's ConfigMap as the base wrote it, before prefixes, suffixes and namespaces.
//!
//! Both keep the existing object's name, namespace and earlier ids, and merge labels and
//! annotations (the generated object's win). `merge` also merges `data` and `binaryData`.
//! The result gets a hash suffix only if both objects asked for one (what kubectl kustomize
//! v5.5 does).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::kustomize::resource::Behavior;
use crate::kustomize::{KustomizeError, ResId, ResMap, Resource};

/// Adds `generated` to `res` or merges it into / replaces the object it names, as its
/// behavior says. `file` is the kustomization holding the generator.
pub fn add_or_merge(res: &mut ResMap, generated: Resource, file: &str) -> Result<(), KustomizeError> {
    let id = generated.id();
    let matches: Vec<usize> =
        res.iter().enumerate().filter(|(_, r)| r.all_ids().any(|old| same_id(&old, &id))).map(|(i, _)| i).collect();
    let invalid = |message: String| KustomizeError::Invalid {
        file: file.to_owned(),
        field: format!("{}[{}].behavior", generator_field(&id.kind), id.name),
        message,
    };
    match (matches.as_slice(), generated.behavior) {
        ([], Behavior::Merge | Behavior::Replace) => {
            Err(invalid(format!("id {id} does not exist; cannot merge or replace")))
        }
        ([], _) => {
            res.push(generated);
            Ok(())
        }
        ([index], Behavior::Merge) => {
            res[*index] = combine(generated, &res[*index], true);
            Ok(())
        }
        ([index], Behavior::Replace) => {
            res[*index] = combine(generated, &res[*index], false);
            Ok(())
        }
        ([_], _) => Err(invalid(format!("id {id} exists; behavior must be merge or replace"))),
        (many, _) => {
            let ids: Vec<String> = many.iter().map(|i| res[*i].id().to_string()).collect();
            Err(invalid(format!("found multiple objects [{}] that could accept merge of {id}", ids.join("; "))))
        }
    }
}

/// kustomize's id equality: group, version, kind and name, with no namespace and `default`
/// counted as the same namespace.
fn same_id(a: &ResId, b: &ResId) -> bool {
    let ns = |id: &ResId| if id.namespace.is_empty() { "default".to_owned() } else { id.namespace.clone() };
    a.group == b.group && a.version == b.version && a.kind == b.kind && a.name == b.name && ns(a) == ns(b)
}

fn generator_field(kind: &str) -> &'static str {
    match kind {
        "ConfigMap" => "configMapGenerator",
        "Secret" => "secretGenerator",
        _ => "generators",
    }
}

/// `new` taking the place of `old` (kustomize's `CopyMergeMetaDataFieldsFrom`, plus the data
/// maps when `merge_data`).
fn combine(new: Resource, old: &Resource, merge_data: bool) -> Resource {
    let mut obj = match new.obj {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let old_meta = old.obj.get("metadata");
    let metadata = metadata_mut(&mut obj);
    for field in ["labels", "annotations"] {
        let merged = merged_strings(old_meta.and_then(|m| m.get(field)), metadata.get(field));
        set_or_remove(metadata, field, merged);
    }
    for field in ["name", "namespace"] {
        match old_meta.and_then(|m| m.get(field)).filter(|v| v.as_str().is_some_and(|s| !s.is_empty())) {
            Some(value) => metadata.insert(field.into(), value.clone()),
            None => metadata.remove(field),
        };
    }
    if merge_data {
        for field in ["data", "binaryData"] {
            let merged = merged_strings(old.obj.get(field), obj.get(field));
            set_or_remove(&mut obj, field, merged);
        }
    }
    let origin = if merge_data { old.origin.clone() } else { new.origin };
    Resource {
        obj: Value::Object(obj),
        origin,
        previous: old.previous.clone(),
        prefixes: old.prefixes.clone(),
        suffixes: old.suffixes.clone(),
        var_names: old.var_names.clone(),
        needs_hash: old.needs_hash && new.needs_hash,
        behavior: old.behavior,
    }
}

fn metadata_mut(obj: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let metadata = obj.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    match metadata {
        Value::Object(map) => map,
        _ => unreachable!("metadata was just made an object"),
    }
}

/// The string maps `old` and `new` merged, `new` winning; scalar values read as their text,
/// as kustomize's `GetLabels`/`GetDataMap` read them.
fn merged_strings(old: Option<&Value>, new: Option<&Value>) -> BTreeMap<String, Value> {
    let mut merged = BTreeMap::new();
    for map in [old, new].into_iter().flatten().filter_map(Value::as_object) {
        for (key, value) in map {
            let value = match value {
                Value::Bool(b) => Value::String(b.to_string()),
                Value::Number(n) => Value::String(n.to_string()),
                Value::Null => Value::String(String::new()),
                other => other.clone(),
            };
            merged.insert(key.clone(), value);
        }
    }
    merged
}

/// Sets `field` to the map, or removes it when the map is empty (kustomize clears the field).
fn set_or_remove(obj: &mut Map<String, Value>, field: &str, map: BTreeMap<String, Value>) {
    if map.is_empty() {
        obj.remove(field);
    } else {
        obj.insert(field.into(), Value::Object(map.into_iter().collect()));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn generated(name: &str, behavior: Behavior, data: Value) -> Resource {
        let obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data});
        let mut r = Resource::new(obj, "overlay/kustomization.yaml");
        r.needs_hash = true;
        r.behavior = behavior;
        r
    }

    #[test]
    fn merging_into_a_plain_resource_reads_its_scalars_as_text_and_adds_no_hash() {
        // kubectl kustomize v5.5 prints `a: "1"`, `b: "true"`, `c: "3"`, labels kept, name `plain`.
        let plain = json!({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": "plain", "labels": {"x": "1"}}, "data": {"a": 1, "b": true}});
        let mut res = vec![Resource::new(plain, "cm.yaml")];
        add_or_merge(&mut res, generated("plain", Behavior::Merge, json!({"c": "3"})), "k.yaml").unwrap();
        assert_eq!(res[0].obj["data"], json!({"a": "1", "b": "true", "c": "3"}));
        assert_eq!(res[0].obj["metadata"], json!({"name": "plain", "labels": {"x": "1"}}));
        assert!(!res[0].needs_hash);
        assert_eq!(res[0].origin, "cm.yaml");
    }

    #[test]
    fn an_id_matching_two_objects_is_an_error() {
        let mut first = generated("a", Behavior::Create, json!({}));
        first.remember_id();
        first.obj["metadata"]["name"] = json!("x-a");
        let second = generated("a", Behavior::Create, json!({}));
        let mut res = vec![first, second];
        let err = add_or_merge(&mut res, generated("a", Behavior::Merge, json!({})), "k.yaml").unwrap_err();
        assert!(err.to_string().contains("found multiple objects"), "{err}");
        assert!(err.to_string().contains("configMapGenerator[a].behavior"), "{err}");
    }
}
