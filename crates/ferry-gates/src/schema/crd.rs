//! CustomResourceDefinitions: each served version's `openAPIV3Schema` compiled into the schema
//! of `group/version/Kind`, with `metadata` checked as ObjectMeta as the API server does.

use serde_json::Value;

use super::bundle::{Definitions, OBJECT_META};
use super::compile::Compiler;
use super::error::SchemaError;
use super::node::{Schema, TypeSet};

/// The apiVersion and kind of a CRD Ferry can read.
const CRD_API_VERSION: &str = "apiextensions.k8s.io/v1";
const CRD_KIND: &str = "CustomResourceDefinition";

/// True when `object` is an `apiextensions.k8s.io` CustomResourceDefinition.
pub fn is_crd(object: &Value) -> bool {
    let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    object.get("kind").and_then(Value::as_str) == Some(CRD_KIND) && api_version.starts_with("apiextensions.k8s.io/")
}

/// The `(group/version/Kind, schema)` of every served version of `crd`.
pub fn compile(crd: &Value, defs: &Definitions) -> Result<Vec<(String, Schema)>, SchemaError> {
    let name = crd.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("<unnamed>");
    let fail = |field: &str, problem: &str| SchemaError::Crd {
        crd: name.to_owned(),
        field: field.to_owned(),
        problem: problem.to_owned(),
    };
    let api_version = crd.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    if api_version != CRD_API_VERSION || crd.get("kind").and_then(Value::as_str) != Some(CRD_KIND) {
        return Err(fail("apiVersion", &format!("expected a {CRD_API_VERSION} {CRD_KIND}")));
    }
    let text = |pointer: &str, field: &str| {
        crd.pointer(pointer)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| fail(field, "required string is missing"))
    };
    let group = text("/spec/group", "spec.group")?;
    let kind = text("/spec/names/kind", "spec.names.kind")?;
    let Some(versions) = crd.pointer("/spec/versions").and_then(Value::as_array).filter(|v| !v.is_empty()) else {
        return Err(fail("spec.versions", "expected a non-empty list of versions"));
    };
    let preserve_all = crd.pointer("/spec/preserveUnknownFields").and_then(Value::as_bool) == Some(true);
    let mut out = Vec::new();
    for (index, version) in versions.iter().enumerate() {
        let at = format!("spec.versions[{index}]");
        if version.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let Some(version_name) = version.get("name").and_then(Value::as_str).filter(|s| !s.is_empty()) else {
            return Err(fail(&format!("{at}.name"), "required string is missing"));
        };
        let field = format!("{at}.schema.openAPIV3Schema");
        let Some(raw) = version.pointer("/schema/openAPIV3Schema") else {
            return Err(fail(&field, "a served version needs a schema"));
        };
        let mut schema = version_schema(raw, defs).map_err(|e| SchemaError::Crd {
            crd: name.to_owned(),
            field: if e.path.is_empty() { field.clone() } else { format!("{field}.{}", e.path) },
            problem: e.problem,
        })?;
        schema.preserve_unknown_fields |= preserve_all;
        out.push((format!("{group}/{version_name}/{kind}"), schema));
    }
    Ok(out)
}

/// One version's schema, its `apiVersion`, `kind` and `metadata` as every object has them.
fn version_schema(raw: &Value, defs: &Definitions) -> Result<Schema, super::error::CompileError> {
    let no_refs = |_: &str| -> Option<usize> { None };
    let mut schema = Compiler::crd(&no_refs).compile(raw, "")?;
    if !schema.types.is_empty() && !schema.types.contains(TypeSet::OBJECT) {
        return Err(super::error::CompileError { path: "type".into(), problem: "the root must be an object".into() });
    }
    schema.types = TypeSet::OBJECT;
    for key in ["apiVersion", "kind"] {
        schema.properties.insert(key.to_owned(), Schema::of_type(TypeSet::STRING));
    }
    if let Some(meta) = defs.id_of(OBJECT_META) {
        schema.properties.insert("metadata".to_owned(), Schema::reference_to(meta));
    }
    Ok(schema)
}
