//! The object under review, shaped like the AdmissionRequest Gatekeeper gives policies as
//! `input.review`: built from a plain object (as `gator` and audits do) or taken from an
//! AdmissionReview.

use serde_json::{Value, json};

use super::error::PolicyError;
use super::yaml::str_at;

/// An admission operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Operation {
    /// `CREATE`, what a plain object is reviewed as.
    #[default]
    Create,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
    /// `CONNECT`.
    Connect,
}

impl Operation {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "CREATE",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
            Self::Connect => "CONNECT",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "CREATE" => Some(Self::Create),
            "UPDATE" => Some(Self::Update),
            "DELETE" => Some(Self::Delete),
            "CONNECT" => Some(Self::Connect),
            _ => None,
        }
    }
}

/// Group, version and kind of the reviewed object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupVersionKind {
    /// API group, `""` for the core group.
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind.
    pub kind: String,
}

impl GroupVersionKind {
    /// Splits an object's `apiVersion` and `kind`.
    pub fn of(object: &Value) -> Self {
        let api_version = str_at(object, "/apiVersion").unwrap_or_default();
        let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
        Self {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: str_at(object, "/kind").unwrap_or_default().to_owned(),
        }
    }
}

/// A review request: what `input.review` holds.
#[derive(Debug, Clone)]
pub struct ReviewRequest {
    kind: GroupVersionKind,
    name: String,
    namespace: Option<String>,
    operation: Operation,
    object: Value,
    old_object: Option<Value>,
    user_info: Value,
    /// The AdmissionRequest's other fields (uid, resource, dryRun, …), passed through.
    extra: serde_json::Map<String, Value>,
}

impl ReviewRequest {
    /// A review of a plain Kubernetes object under `operation`.
    pub fn from_object(object: Value, operation: Operation) -> Self {
        let kind = GroupVersionKind::of(&object);
        let name = str_at(&object, "/metadata/name").unwrap_or_default().to_owned();
        let namespace = str_at(&object, "/metadata/namespace").filter(|n| !n.is_empty()).map(str::to_owned);
        let (object, old_object) = match operation {
            Operation::Delete => (Value::Null, Some(object)),
            _ => (object, None),
        };
        Self { kind, name, namespace, operation, object, old_object, user_info: json!({}), extra: Default::default() }
    }

    /// The request of an AdmissionReview (`admission.k8s.io/v1` or `v1beta1`).
    pub fn from_admission_review(review: &Value) -> Result<Self, PolicyError> {
        let origin = "AdmissionReview";
        if str_at(review, "/kind") != Some("AdmissionReview") {
            return Err(PolicyError::field(origin, "kind", "expected AdmissionReview"));
        }
        let request = review
            .get("request")
            .and_then(Value::as_object)
            .ok_or_else(|| PolicyError::field(origin, "request", "an AdmissionReview needs a request"))?;
        let operation = match request.get("operation").and_then(Value::as_str) {
            None => Operation::Create,
            Some(text) => Operation::parse(text).ok_or_else(|| {
                PolicyError::field(
                    origin,
                    "request.operation",
                    format!("expected CREATE, UPDATE, DELETE or CONNECT, found `{text}`"),
                )
            })?,
        };
        let object = request.get("object").cloned().unwrap_or(Value::Null);
        let old_object = request.get("oldObject").filter(|o| !o.is_null()).cloned();
        let subject = if object.is_null() { old_object.as_ref().unwrap_or(&object) } else { &object };
        let kind = match request.get("kind") {
            Some(kind) => GroupVersionKind {
                group: str_at(kind, "/group").unwrap_or_default().to_owned(),
                version: str_at(kind, "/version").unwrap_or_default().to_owned(),
                kind: str_at(kind, "/kind").unwrap_or_default().to_owned(),
            },
            None => GroupVersionKind::of(subject),
        };
        if kind.kind.is_empty() {
            return Err(PolicyError::field(origin, "request.kind", "the kind of the reviewed object is required"));
        }
        let text = |key: &str, fallback: &str| {
            request
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| str_at(subject, fallback).map(str::to_owned))
        };
        let name = text("name", "/metadata/name").unwrap_or_default();
        let namespace = text("namespace", "/metadata/namespace").filter(|n| !n.is_empty());
        let user_info = request.get("userInfo").cloned().unwrap_or_else(|| json!({}));
        let known = ["kind", "name", "namespace", "operation", "object", "oldObject", "userInfo"];
        let extra =
            request.iter().filter(|(k, _)| !known.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        Ok(Self { kind, name, namespace, operation, object, old_object, user_info, extra })
    }

    /// Sets who asked (`userInfo`: username, groups, …).
    pub fn with_user_info(mut self, user_info: Value) -> Self {
        self.user_info = user_info;
        self
    }

    /// Sets the previous version of the object (for UPDATE).
    pub fn with_old_object(mut self, old_object: Value) -> Self {
        self.old_object = Some(old_object);
        self
    }

    /// The reviewed object's group, version and kind.
    pub fn kind(&self) -> &GroupVersionKind {
        &self.kind
    }

    /// The object's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The object's namespace; none for a cluster-scoped object.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// Whether the object is a core Namespace.
    pub fn is_namespace(&self) -> bool {
        self.kind.group.is_empty() && self.kind.kind == "Namespace"
    }

    /// The object the request is about: `object`, or `oldObject` for a DELETE.
    pub fn subject(&self) -> &Value {
        match (&self.object, &self.old_object) {
            (Value::Null, Some(old)) => old,
            (object, _) => object,
        }
    }

    /// `input.review` as Gatekeeper builds it. On DELETE, Gatekeeper gives policies the deleted
    /// object as `object` too, so policies written for CREATE see it.
    pub fn to_input(&self) -> Value {
        let mut review = self.extra.clone();
        let kind = json!({"group": self.kind.group, "version": self.kind.version, "kind": self.kind.kind});
        review.insert("kind".into(), kind);
        review.insert("name".into(), Value::String(self.name.clone()));
        if let Some(ns) = &self.namespace {
            review.insert("namespace".into(), Value::String(ns.clone()));
        }
        review.insert("operation".into(), Value::String(self.operation.as_str().into()));
        review.insert("object".into(), self.subject().clone());
        if let Some(old) = &self.old_object {
            review.insert("oldObject".into(), old.clone());
        }
        review.insert("userInfo".into(), self.user_info.clone());
        Value::Object(review)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Operation, ReviewRequest};

    #[test]
    fn a_plain_object_is_reviewed_as_a_create_with_its_kind_split() {
        let review = ReviewRequest::from_object(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}}),
            Operation::Create,
        );
        let input = review.to_input();
        assert_eq!(input["kind"], json!({"group": "apps", "version": "v1", "kind": "Deployment"}));
        assert_eq!(input["operation"], "CREATE");
        assert_eq!(input["namespace"], "prod");
        assert_eq!(input["object"]["metadata"]["name"], "web");
    }

    #[test]
    fn an_admission_review_delete_gives_the_old_object_as_object() {
        let review = ReviewRequest::from_admission_review(&json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "1", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "DELETE",
                        "name": "p", "namespace": "n", "oldObject": {"metadata": {"name": "p"}},
                        "userInfo": {"username": "alice"}}
        }))
        .unwrap();
        let input = review.to_input();
        assert_eq!(input["object"]["metadata"]["name"], "p");
        assert_eq!(input["userInfo"]["username"], "alice");
        assert_eq!(input["uid"], "1");
        assert_eq!(review.operation(), Operation::Delete);
    }

    #[test]
    fn an_admission_review_without_a_request_is_an_error_naming_the_field() {
        let error = ReviewRequest::from_admission_review(&json!({"kind": "AdmissionReview"})).unwrap_err();
        assert!(error.to_string().contains("`request`"), "{error}");
    }
}
