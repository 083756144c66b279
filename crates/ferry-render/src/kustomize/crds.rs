//! `crds:`: OpenAPI definitions of custom types whose `x-kubernetes-*` extensions tell the
//! transformers about their fields, as kustomize's `LoadConfigFromCRDs` reads them.
//!
//! A file maps type names (`example.com/pkg/apis/v1.Bee`, the kind after the last `.`) to
//! schemas. For each type that looks like an object (`apiVersion`, `kind` and `metadata`
//! properties) its properties, and those of the types they `$ref`, are walked:
//! `x-kubernetes-annotation` adds a `commonAnnotations` field spec, `x-kubernetes-label-selector`
//! a `commonLabels` one, `x-kubernetes-identity` a `namePrefix` one, and
//! `x-kubernetes-object-ref-api-version` + `x-kubernetes-object-ref-kind` (+ optional
//! `x-kubernetes-object-ref-name-key`) a name reference to that kind.

use serde_json::{Map, Value};

use super::config::{NameBackRef, TransformerConfig};
use super::error::KustomizeError;
use super::fieldspec::FieldSpec;
use super::loader::KustDir;
use super::parse::parse_documents;

/// The transformer configuration contributed by the `crds:` files of a kustomization.
pub fn config_from_crds(kd: &KustDir, paths: &[String]) -> Result<TransformerConfig, KustomizeError> {
    let mut config = TransformerConfig::default();
    for path in paths {
        let (name, bytes) = kd.read(path)?;
        let shown = kd.describe(&name);
        let text = String::from_utf8(bytes).map_err(|_| KustomizeError::Syntax {
            file: shown.clone(),
            line: 0,
            column: 0,
            message: "not UTF-8 text".to_owned(),
        })?;
        let Some(doc) = parse_documents(&shown, &text)?.into_iter().next() else { continue };
        let Value::Object(definitions) = doc.value else {
            return Err(KustomizeError::Invalid {
                file: shown,
                field: "crds".to_owned(),
                message: "expected a mapping of type names to OpenAPI definitions".to_owned(),
            });
        };
        config.merge_file(&shown, config_from_definitions(&definitions))?;
    }
    Ok(config)
}

fn config_from_definitions(definitions: &Map<String, Value>) -> TransformerConfig {
    let mut config = TransformerConfig::default();
    for (type_name, schema) in definitions {
        let props = properties(schema);
        if !["kind", "apiVersion", "metadata"].iter().all(|p| props.is_some_and(|m| m.contains_key(*p))) {
            continue;
        }
        let kind = type_name.rsplit('.').next().unwrap_or(type_name).to_owned();
        let mut one = TransformerConfig::default();
        walk(&mut one, &kind, definitions, type_name, &mut Vec::new(), 0);
        config.merge(one);
    }
    config
}

fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema.pointer("/properties").or_else(|| schema.pointer("/Schema/properties")).and_then(Value::as_object)
}

/// Depth bound for `$ref` chains (a self-referring type would otherwise never end).
const MAX_DEPTH: usize = 32;

fn walk(
    config: &mut TransformerConfig,
    kind: &str,
    definitions: &Map<String, Value>,
    type_name: &str,
    path: &mut Vec<String>,
    depth: usize,
) {
    let Some(props) = definitions.get(type_name).and_then(properties) else { return };
    if depth > MAX_DEPTH {
        return;
    }
    for (prop, schema) in props {
        let ext = |key: &str| schema.get(key).and_then(Value::as_str);
        path.push(prop.clone());
        let spec =
            |steps: &[String]| FieldSpec { kind: Some(kind.to_owned()), path: steps.join("/"), ..FieldSpec::default() };
        if ext("x-kubernetes-annotation").is_some() {
            config.common_annotations.push(spec(path));
        }
        if ext("x-kubernetes-label-selector").is_some() {
            config.common_labels.push(spec(path));
        }
        if ext("x-kubernetes-identity").is_some() {
            config.name_prefix.push(spec(path));
        }
        if let (Some(version), Some(ref_kind)) =
            (ext("x-kubernetes-object-ref-api-version"), ext("x-kubernetes-object-ref-kind"))
        {
            let mut steps = path.clone();
            steps.push(ext("x-kubernetes-object-ref-name-key").unwrap_or("name").to_owned());
            config.name_reference.push(NameBackRef {
                group: None,
                version: Some(version.to_owned()),
                kind: Some(ref_kind.to_owned()),
                field_specs: vec![spec(&steps)],
            });
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            walk(config, kind, definitions, reference, path, depth + 1);
        }
        path.pop();
    }
}
