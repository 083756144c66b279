//! Constraint parameters checked against their template's schema, as the Kubernetes API server
//! checks them when Gatekeeper has turned the template into a CRD: the template's
//! `spec.crd.spec.validation.openAPIV3Schema` becomes the schema of the constraint kind's
//! `spec.parameters`. A wrong type, a missing required field or a value outside an enum is an
//! error naming the constraint and the field; unknown fields pass (the API server prunes them).

use serde_json::{Value, json};

use super::constraint::{CONSTRAINT_GROUP, Constraint};
use super::error::PolicyError;
use super::template::Template;
use crate::schema::{SchemaOptions, SchemaValidator};

/// The Kubernetes version whose ObjectMeta the synthesised CRD refers to; parameters do not
/// depend on it.
const SCHEMA_VERSION: &str = "1.32";

/// Checks that `template`'s parameter schema can be used (an unusable one is the template's error).
pub fn check_template(template: &Template) -> Result<(), PolicyError> {
    validator(template).map(|_| ())
}

/// Checks `constraint`'s `spec.parameters` against `template`'s schema.
pub fn check_constraint(template: &Template, constraint: &Constraint) -> Result<(), PolicyError> {
    let Some(validator) = validator(template)? else { return Ok(()) };
    let object = json!({
        "apiVersion": format!("{CONSTRAINT_GROUP}/v1beta1"),
        "kind": template.kind(),
        "metadata": {"name": constraint.name()},
        "spec": {"parameters": constraint.parameters().cloned().unwrap_or_else(|| json!({}))},
    });
    let problems: Vec<String> = validator
        .validate(&object)
        .into_iter()
        .filter(|v| v.field.starts_with("spec.parameters"))
        .map(|v| v.to_string())
        .collect();
    match problems.is_empty() {
        true => Ok(()),
        false => Err(PolicyError::Parameters {
            constraint: constraint.name().to_owned(),
            template: template.name().to_owned(),
            problems: problems.join("; "),
        }),
    }
}

/// A validator knowing the constraint kind's CRD, or `None` when the template has no schema.
fn validator(template: &Template) -> Result<Option<SchemaValidator>, PolicyError> {
    let Some(schema) = template.parameters_schema() else { return Ok(None) };
    let fail = |problem: String| PolicyError::Template { template: template.name().to_owned(), problem };
    let mut validator =
        SchemaValidator::new(SCHEMA_VERSION, SchemaOptions::default()).map_err(|e| fail(e.to_string()))?;
    validator.add_crd(&constraint_crd(template.kind(), schema)).map_err(|e| {
        let text = e.to_string();
        let at = "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.parameters";
        fail(text.replace(at, "spec.crd.spec.validation.openAPIV3Schema"))
    })?;
    Ok(Some(validator))
}

/// The CRD Gatekeeper would create for the constraint kind, served at its three versions.
fn constraint_crd(kind: &str, parameters: &Value) -> Value {
    let schema = json!({
        "type": "object",
        "properties": {"spec": {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": true,
            "properties": {"parameters": parameters},
        }},
        "x-kubernetes-preserve-unknown-fields": true,
    });
    let version = |name: &str| json!({"name": name, "served": true, "storage": name == "v1beta1", "schema": {"openAPIV3Schema": schema}});
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{}.{CONSTRAINT_GROUP}", kind.to_ascii_lowercase())},
        "spec": {
            "group": CONSTRAINT_GROUP,
            "names": {"kind": kind},
            "scope": "Cluster",
            "versions": [version("v1beta1"), version("v1alpha1"), version("v1")],
        },
    })
}
