//! Unknown fields: a real API server drops fields its schema does not know (typed decoding
//! for built-ins, pruning for structural CRD schemas) and, with `fieldValidation`, reports
//! them — as an error (`Strict`), a warning (`Warn`) or not at all (`Ignore`).

use ferry_core::schema::TypeRef;
use serde_json::Value;

use super::FieldValidation;
use super::managed::type_of;
use crate::error::{ApiError, ApiResult};
use crate::resource::ResourceType;

/// Drops unknown fields from `obj`; returns the warnings to send, or the strict error.
pub fn check(rt: &ResourceType, obj: &mut Value, mode: FieldValidation) -> ApiResult<Vec<String>> {
    let mut unknown = Vec::new();
    if let Some(ty) = type_of(rt) {
        prune_typed(obj, ty, "", &mut unknown);
    } else if let Some(schema) = rt.crd.as_ref().and_then(|c| c.schema.as_ref()) {
        prune_structural(obj, schema, "", &mut unknown, true);
    }
    if unknown.is_empty() || mode == FieldValidation::Ignore {
        return Ok(Vec::new());
    }
    let messages: Vec<String> = unknown.iter().map(|f| format!("unknown field \"{f}\"")).collect();
    if mode == FieldValidation::Strict {
        return Err(ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
            rt.kind,
            rt.version,
            rt.kind,
            messages.join(", ")
        )));
    }
    Ok(messages)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn prune_typed(value: &mut Value, ty: TypeRef<'_>, path: &str, unknown: &mut Vec<String>) {
    match value {
        Value::Object(map) if ty.is_struct() && !ty.is_untyped() => {
            let mut drop = Vec::new();
            for (key, child) in map.iter_mut() {
                match ty.field(key) {
                    Some(f) => prune_typed(child, f.ty(), &join(path, key), unknown),
                    None => drop.push(key.clone()),
                }
            }
            for key in drop {
                unknown.push(join(path, &key));
                map.remove(&key);
            }
        }
        Value::Object(map) if ty.is_map() => {
            if let Some(elem) = ty.elem() {
                for (key, child) in map.iter_mut() {
                    prune_typed(child, elem, &join(path, key), unknown);
                }
            }
        }
        Value::Array(items) if ty.is_list() => {
            if let Some(elem) = ty.elem() {
                for (i, item) in items.iter_mut().enumerate() {
                    prune_typed(item, elem, &format!("{path}[{i}]"), unknown);
                }
            }
        }
        _ => {}
    }
}

fn prune_structural(value: &mut Value, schema: &Value, path: &str, unknown: &mut Vec<String>, root: bool) {
    if schema.get("x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool) == Some(true)
        && schema.get("properties").is_none()
    {
        return;
    }
    match value {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            let preserve = schema.get("x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool) == Some(true);
            let mut drop = Vec::new();
            for (key, child) in map.iter_mut() {
                let at = join(path, key);
                if root && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                if let Some(s) = props.and_then(|p| p.get(key)) {
                    prune_structural(child, s, &at, unknown, false);
                } else if let Some(s) = additional {
                    prune_structural(child, s, &at, unknown, false);
                } else if !preserve && (props.is_some() || root) {
                    drop.push(key.clone());
                }
            }
            for key in drop {
                unknown.push(join(path, &key));
                map.remove(&key);
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    prune_structural(item, s, &format!("{path}[{i}]"), unknown, false);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rt(kind: &str) -> ResourceType {
        crate::builtin::builtin_type(kind)
    }

    #[test]
    fn strict_names_the_unknown_field() {
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 1, "replica": 2,
            "template": {"spec": {"containers": [{"name": "a", "image": "b", "imagee": "c"}]}}}});
        let err = check(&rt("Deployment"), &mut d.clone(), FieldValidation::Strict).unwrap_err();
        assert!(err.message.contains("unknown field \"spec.replica\""), "{}", err.message);
        assert!(err.message.contains("spec.template.spec.containers[0].imagee"), "{}", err.message);
        let warnings = check(&rt("Deployment"), &mut d, FieldValidation::Warn).unwrap();
        assert_eq!(warnings.len(), 2);
        assert!(d["spec"].get("replica").is_none(), "unknown fields are dropped");
        assert_eq!(d["spec"]["replicas"], 1);
    }

    #[test]
    fn labels_and_data_maps_accept_any_key() {
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"labels": {"x": "y"}}, "data": {"any": "thing"}});
        assert!(check(&rt("ConfigMap"), &mut cm, FieldValidation::Strict).unwrap().is_empty());
    }

    #[test]
    fn structural_crd_schema_prunes() {
        let mut t = rt("ConfigMap");
        t.crd = Some(crate::resource::CrdOrigin {
            crd_name: "w.example.com".into(),
            printer_columns: vec![],
            schema: Some(
                json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}),
            ),
        });
        let mut w = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "a"},
            "spec": {"size": 1, "colour": "red"}, "status": {"anything": 1}});
        let err = check(&t, &mut w.clone(), FieldValidation::Strict).unwrap_err();
        assert!(err.message.contains("spec.colour"));
        check(&t, &mut w, FieldValidation::Ignore).unwrap();
        assert!(w["spec"].get("colour").is_none());
        assert_eq!(w["status"]["anything"], 1);
    }
}
