//! Small accessors for objects kept as JSON values, so the rest of the server reads like
//! Kubernetes code (`name(obj)`, `labels(obj)`) instead of pointer strings.

use serde_json::{Map, Value};

pub fn str_at<'a>(obj: &'a Value, pointer: &str) -> Option<&'a str> {
    obj.pointer(pointer).and_then(Value::as_str)
}

pub fn name(obj: &Value) -> &str {
    str_at(obj, "/metadata/name").unwrap_or("")
}

pub fn namespace(obj: &Value) -> &str {
    str_at(obj, "/metadata/namespace").unwrap_or("")
}

pub fn uid(obj: &Value) -> &str {
    str_at(obj, "/metadata/uid").unwrap_or("")
}

pub fn resource_version(obj: &Value) -> &str {
    str_at(obj, "/metadata/resourceVersion").unwrap_or("")
}

pub fn generation(obj: &Value) -> i64 {
    obj.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(0)
}

pub fn labels(obj: &Value) -> Option<&Map<String, Value>> {
    obj.pointer("/metadata/labels").and_then(Value::as_object)
}

pub fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.pointer("/metadata/annotations").and_then(|a| a.get(key)).and_then(Value::as_str)
}

pub fn finalizers(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

pub fn is_deleting(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp").is_some_and(|v| !v.is_null())
}

pub fn owner_uids(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|r| r.get("uid").and_then(Value::as_str)).map(String::from).collect())
        .unwrap_or_default()
}

/// `metadata` as a mutable map, created if missing.
pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = Value::Object(Map::new());
    }
    obj["metadata"].as_object_mut().expect("metadata is an object")
}

/// A child map (`obj[key]`), created if missing or not an object.
pub fn child_mut<'a>(obj: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    if !obj.get(key).is_some_and(Value::is_object) {
        obj[key] = Value::Object(Map::new());
    }
    obj[key].as_object_mut().expect("child is an object")
}

/// Sets `key` in a map only when it is absent (or null): the rule for server defaults.
pub fn default_field(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_string(), value);
    }
}

/// Evaluates a dotted path such as `.spec.replicas` or `status.phase`.
pub fn dotted<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = obj;
    for part in path.trim_start_matches('.').split('.').filter(|p| !p.is_empty()) {
        cur = cur.get(part)?;
    }
    Some(cur)
}

/// Writes a dotted path, creating intermediate maps.
pub fn set_dotted(obj: &mut Value, path: &str, value: Value) {
    let parts: Vec<&str> = path.trim_start_matches('.').split('.').filter(|p| !p.is_empty()).collect();
    set_parts(obj, &parts, value);
}

fn set_parts(obj: &mut Value, parts: &[&str], value: Value) {
    match parts {
        [] => *obj = value,
        [last] => {
            child_map(obj).insert(last.to_string(), value);
        }
        [first, rest @ ..] => {
            let map = child_map(obj);
            let next = map.entry(first.to_string()).or_insert_with(|| Value::Object(Map::new()));
            set_parts(next, rest, value);
        }
    }
}

fn child_map(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    obj.as_object_mut().expect("object")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_read_and_write() {
        let mut v = json!({"spec": {"replicas": 2}});
        assert_eq!(dotted(&v, ".spec.replicas"), Some(&json!(2)));
        set_dotted(&mut v, ".status.replicas", json!(3));
        assert_eq!(v["status"]["replicas"], 3);
        assert!(dotted(&v, "spec.missing").is_none());
    }
}
