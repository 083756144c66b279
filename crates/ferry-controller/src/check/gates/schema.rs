//! The schema gate: every rendered object validated against the Kubernetes schemas of one
//! version, plus the CustomResourceDefinitions rendered for the same cluster (a CRD installed by
//! one Application serves the custom resources of another on that cluster).

use ferry_gates::schema::{SchemaError, SchemaOptions, SchemaValidator};

use super::super::AppCheck;
use super::super::finding::{Finding, Gate, Level};
use super::by_cluster;

/// The schema gate's settings, checked when built.
#[derive(Debug, Clone)]
pub struct SchemaGate {
    version: String,
    options: SchemaOptions,
}

impl SchemaGate {
    /// Fails when `kubernetes_version` has no schemas.
    pub fn new(kubernetes_version: &str, options: SchemaOptions) -> Result<SchemaGate, SchemaError> {
        SchemaValidator::new(kubernetes_version, options.clone())?;
        Ok(SchemaGate { version: kubernetes_version.to_owned(), options })
    }

    pub fn describe(&self) -> String {
        let strict = if self.options.strict { ", strict" } else { "" };
        format!("Kubernetes {}{strict}", self.version)
    }

    /// Findings over the head objects of `apps`.
    pub fn findings(&self, apps: &[AppCheck]) -> Vec<Finding> {
        let mut out = Vec::new();
        for group in by_cluster(apps) {
            let Ok(mut validator) = SchemaValidator::new(&self.version, self.options.clone()) else { continue };
            for app in &group {
                for crd in app.head_objects().iter().filter(|o| o["kind"] == "CustomResourceDefinition") {
                    if let Err(error) = validator.add_crd(crd) {
                        out.push(app.object_finding(crd, Gate::Schema, "crd".into(), Level::Error, error.to_string()));
                    }
                }
            }
            for app in group {
                for object in app.head_objects() {
                    for violation in validator.validate(object) {
                        let rule = violation.problem.as_str().to_owned();
                        out.push(app.object_finding(object, Gate::Schema, rule, Level::Error, violation.to_string()));
                    }
                }
            }
        }
        out
    }
}
