//! [`SchemaValidator`]: one Kubernetes version's built-in schemas plus registered CRDs, and the
//! options kubeconform users expect (strict, ignore missing schemas, skip kinds).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::bundle::{self, Definitions};
use super::crd;
use super::error::SchemaError;
use super::node::Schema;
use super::violation::{SchemaProblem, SchemaViolation, type_name};
use super::walk::Walk;

/// How objects are judged.
#[derive(Debug, Clone, Default)]
pub struct SchemaOptions {
    /// Fields a schema does not define are violations (kubeconform `-strict`, kubectl
    /// `--validate=strict`); otherwise they pass, as the API server would drop them.
    pub strict: bool,
    /// An object whose kind has no schema passes instead of failing with `MissingSchema`.
    pub ignore_missing_schemas: bool,
    /// Kinds not validated: `Kind` or `group/version/Kind` (`apps/v1/Deployment`, `v1/Pod`).
    pub skip_kinds: Vec<String>,
}

/// Validates Kubernetes objects against one version's schemas and any registered CRDs.
#[derive(Debug)]
pub struct SchemaValidator {
    defs: Arc<Definitions>,
    options: SchemaOptions,
    /// `group/version/Kind` to the schema its CRD gives it.
    custom: HashMap<String, Schema>,
}

impl SchemaValidator {
    /// A validator for `kubernetes_version`: "1.32", "v1.32", "v1.32.0" and "1.32.4" all select
    /// the 1.32 schemas; an unknown version is an error listing the available ones.
    pub fn new(kubernetes_version: &str, options: SchemaOptions) -> Result<Self, SchemaError> {
        Ok(SchemaValidator { defs: Definitions::load(kubernetes_version)?, options, custom: HashMap::new() })
    }

    /// The embedded Kubernetes versions, oldest first ("1.25" … "1.37").
    pub fn available_versions() -> Vec<&'static str> {
        bundle::available()
    }

    /// The Kubernetes version in use, e.g. "1.32".
    pub fn kubernetes_version(&self) -> &'static str {
        self.defs.version
    }

    /// True when `object` is a CustomResourceDefinition (to register before the rest).
    pub fn is_crd(object: &Value) -> bool {
        crd::is_crd(object)
    }

    /// Registers every served version of an `apiextensions.k8s.io/v1` CustomResourceDefinition;
    /// a CRD whose schema cannot be used is an error naming it and the field.
    pub fn add_crd(&mut self, crd: &Value) -> Result<(), SchemaError> {
        for (key, schema) in crd::compile(crd, &self.defs)? {
            self.custom.insert(key, schema);
        }
        Ok(())
    }

    /// Every problem with one object; an empty list means it is valid (or skipped).
    pub fn validate(&self, object: &Value) -> Vec<SchemaViolation> {
        let Some(map) = object.as_object() else {
            let found = type_name(object).to_owned();
            let message = format!("expected a Kubernetes object, got {found}");
            return vec![violation("", SchemaProblem::WrongType { expected: "object".into(), found }, message)];
        };
        let text = |key: &str| map.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
        let (Some(api_version), Some(kind)) = (text("apiVersion"), text("kind")) else {
            return ["apiVersion", "kind"]
                .into_iter()
                .filter(|key| text(key).is_none())
                .map(|key| violation(key, SchemaProblem::MissingRequired, "required field is missing"))
                .collect();
        };
        if self.skipped(api_version, kind) {
            return Vec::new();
        }
        match self.schema_of(api_version, kind) {
            Some(schema) => Walk::new(&self.defs, self.options.strict).run(schema, object),
            None if self.options.ignore_missing_schemas => Vec::new(),
            None => {
                let message = format!(
                    "no schema for {api_version} {kind} in Kubernetes {} or the registered CustomResourceDefinitions",
                    self.defs.version
                );
                vec![violation("", SchemaProblem::MissingSchema, message)]
            }
        }
    }

    /// True when [`validate`](Self::validate) passes `object` unchecked: its kind is skipped,
    /// or it has no schema and missing schemas are ignored.
    pub fn skips(&self, object: &Value) -> bool {
        let text = |key: &str| object.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
        let (Some(api_version), Some(kind)) = (text("apiVersion"), text("kind")) else {
            return false;
        };
        self.skipped(api_version, kind)
            || (self.options.ignore_missing_schemas && self.schema_of(api_version, kind).is_none())
    }

    fn schema_of(&self, api_version: &str, kind: &str) -> Option<&Schema> {
        let key = gvk_key(api_version, kind);
        self.custom.get(&key).or_else(|| self.defs.kind(&key).map(|id| self.defs.get(id)))
    }

    fn skipped(&self, api_version: &str, kind: &str) -> bool {
        let full = format!("{api_version}/{kind}");
        self.options.skip_kinds.iter().any(|skip| skip == kind || *skip == full || *skip == gvk_key(api_version, kind))
    }
}

/// `apps/v1` + `Deployment` → `apps/v1/Deployment`; `v1` + `Pod` → `/v1/Pod` (the core group
/// is empty, as in the bundles).
fn gvk_key(api_version: &str, kind: &str) -> String {
    match api_version.split_once('/') {
        Some((group, version)) => format!("{group}/{version}/{kind}"),
        None => format!("/{api_version}/{kind}"),
    }
}

fn violation(field: &str, problem: SchemaProblem, message: impl Into<String>) -> SchemaViolation {
    SchemaViolation { field: field.to_owned(), problem, message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validator_is_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<SchemaValidator>();
    }

    #[test]
    fn core_and_grouped_kinds_have_their_keys() {
        assert_eq!(gvk_key("v1", "Pod"), "/v1/Pod");
        assert_eq!(gvk_key("apps/v1", "Deployment"), "apps/v1/Deployment");
        let options = SchemaOptions { skip_kinds: vec!["v1/Secret".into()], ..SchemaOptions::default() };
        let validator = SchemaValidator::new("1.32", options).expect("1.32");
        assert!(validator.skips(&serde_json::json!({"apiVersion": "v1", "kind": "Secret"})));
        assert!(!validator.skips(&serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap"})));
    }
}
