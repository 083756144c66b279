//! Reading the objects `ferry policy eval` is given: YAML or JSON files, several documents each,
//! `kind: List` expanded, AdmissionReviews taken as the request they carry.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ferry_gates::policy::{Operation, ReviewRequest};
use serde_json::Value;

use crate::commands::manifests;

/// One object to review, and where it came from.
#[derive(Debug)]
pub struct Subject {
    /// The file holding it.
    pub file: PathBuf,
    /// The review built from it.
    pub review: ReviewRequest,
}

impl Subject {
    /// `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object.
    pub fn describe(&self) -> String {
        let kind = &self.review.kind().kind;
        match self.review.namespace() {
            Some(ns) => format!("{kind}/{ns}/{}", self.review.name()),
            None => format!("{kind}/{}", self.review.name()),
        }
    }

    /// The object as the inventory holds it; a deleted object is no longer there.
    pub fn inventory_object(&self) -> Option<&Value> {
        (self.review.operation() != Operation::Delete).then(|| self.review.subject())
    }
}

/// Every object in `files`, in order.
pub fn read_all(files: &[PathBuf]) -> anyhow::Result<Vec<Subject>> {
    let mut subjects = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        for doc in manifests::parse(&file.display().to_string(), &text)? {
            subjects.extend(subjects_of(file, doc.number, doc.object)?);
        }
    }
    Ok(subjects)
}

fn subjects_of(file: &Path, doc: usize, value: Value) -> anyhow::Result<Vec<Subject>> {
    let at = || format!("{} (document {doc})", file.display());
    if !value.is_object() {
        bail!("{}: expected a Kubernetes object, found {}", at(), kind_of_value(&value));
    }
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    let subject = |review| Subject { file: file.to_path_buf(), review };
    match kind {
        "" => bail!("{}: field `kind` is missing", at()),
        "AdmissionReview" => {
            let review = ReviewRequest::from_admission_review(&value).with_context(at)?;
            Ok(vec![subject(review)])
        }
        "List" => {
            let Some(items) = value.get("items").and_then(Value::as_array) else {
                bail!("{}: field `items`: a List needs an array of objects", at());
            };
            let mut out = Vec::new();
            for item in items {
                out.extend(subjects_of(file, doc, item.clone())?);
            }
            Ok(out)
        }
        _ => Ok(vec![subject(ReviewRequest::from_object(value, Operation::Create))]),
    }
}

fn kind_of_value(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        _ => "something else",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_lists_and_admission_reviews_become_subjects() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("objects.yaml");
        let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n---\n\
            apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: prod}}\n---\n\
            apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  operation: DELETE\n  \
            oldObject: {apiVersion: v1, kind: Pod, metadata: {name: b, namespace: prod}}\n";
        std::fs::write(&file, text).expect("writing objects");
        let subjects = read_all(std::slice::from_ref(&file)).expect("objects read");
        let names: Vec<String> = subjects.iter().map(Subject::describe).collect();
        assert_eq!(names, ["Namespace/prod", "Pod/prod/a", "Pod/prod/b"]);
        assert!(subjects[2].inventory_object().is_none());
        assert!(subjects[1].inventory_object().is_some());
    }

    #[test]
    fn bad_input_names_the_file_and_document() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("bad.yaml");
        std::fs::write(&file, "apiVersion: v1\nkind: Pod\n---\n- just\n- a list\n").expect("writing");
        let error = read_all(std::slice::from_ref(&file)).expect_err("a list is not an object").to_string();
        assert!(error.contains("bad.yaml (document 2)") && error.contains("a list"), "{error}");
        std::fs::write(&file, "a: [unclosed\n").expect("writing");
        let error = read_all(std::slice::from_ref(&file)).expect_err("not YAML").to_string();
        assert!(error.contains("bad.yaml") && error.contains("not valid YAML"), "{error}");
    }
}
