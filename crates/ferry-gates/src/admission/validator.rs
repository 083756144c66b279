//! From an AdmissionReview to its answer: the request is reviewed against every matching
//! constraint of the policy set, with one snapshot of the inventory as `data.inventory`.

use serde_json::Value;

use super::error::MalformedReview;
use super::inventory_handle::InventoryHandle;
use super::response::AdmissionResponse;
use crate::policy::{EnforcementPoint, Inventory, PolicySet, ReviewRequest};

/// The AdmissionReview API versions the webhook answers.
const API_VERSIONS: [&str; 2] = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"];

/// What happens to a request whose policies cannot be evaluated (an error in a policy, a policy
/// stopped at its time limit, a namespace selector without its Namespace). Named after a
/// ValidatingWebhookConfiguration's `failurePolicy`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FailurePolicy {
    /// Deny it with code 500 (fail closed).
    #[default]
    Fail,
    /// Admit it with a warning that names the error (fail open).
    Ignore,
}

/// Reviews admission requests against a policy set.
#[derive(Debug)]
pub struct Validator {
    policies: PolicySet,
    inventory: InventoryHandle,
    failure_policy: FailurePolicy,
}

impl Validator {
    /// A validator of `policies` that gives policies `inventory` as `data.inventory`; it fails
    /// closed.
    pub fn new(policies: PolicySet, inventory: Inventory) -> Self {
        Self { policies, inventory: InventoryHandle::new(inventory), failure_policy: FailurePolicy::Fail }
    }

    /// The handle to this validator's inventory: replacing the inventory through it (or through
    /// [`Validator::set_inventory`]) takes effect for the next review, without a restart.
    pub fn inventory_handle(&self) -> InventoryHandle {
        self.inventory.clone()
    }

    /// Replaces `data.inventory` for every review that starts from now on.
    pub fn set_inventory(&self, inventory: Inventory) {
        self.inventory.replace(inventory);
    }

    /// Sets what happens when policies cannot be evaluated.
    pub fn with_failure_policy(mut self, failure_policy: FailurePolicy) -> Self {
        self.failure_policy = failure_policy;
        self
    }

    /// The policies in force.
    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }

    /// The answer to an AdmissionReview sent as JSON text.
    pub fn review_json(&self, body: &[u8]) -> Result<Value, MalformedReview> {
        let review: Value =
            serde_json::from_slice(body).map_err(|e| MalformedReview::new(format!("not valid JSON: {e}")))?;
        self.review(&review)
    }

    /// The answer to an AdmissionReview: an AdmissionReview of the same API version whose
    /// `response` echoes the request's `uid`. A review that cannot be answered (wrong kind or
    /// API version, no `request`, no `request.uid`, a bad field) is an error instead.
    pub fn review(&self, review: &Value) -> Result<Value, MalformedReview> {
        let api_version = api_version(review)?;
        let uid = review
            .pointer("/request/uid")
            .and_then(Value::as_str)
            .filter(|uid| !uid.is_empty())
            .ok_or_else(|| MalformedReview::new("field `request.uid`: a request needs a uid to answer"))?;
        let request = ReviewRequest::from_admission_review(review).map_err(|e| MalformedReview::new(e.to_string()))?;
        // One snapshot for the whole review, even if the inventory is replaced meanwhile.
        let inventory = self.inventory.snapshot();
        let evaluation = self.policies.evaluate_at(&request, &inventory, EnforcementPoint::Validation);
        for failed in &evaluation.errors {
            tracing::warn!(uid, constraint = %failed.constraint, error = %failed.error, "constraint not evaluated");
        }
        let response = AdmissionResponse::from_evaluation(uid, &evaluation, self.failure_policy);
        tracing::debug!(uid, allowed = response.allowed, code = response.status.code, "reviewed");
        Ok(response.into_review(api_version))
    }
}

/// The review's `apiVersion`, one the webhook answers.
fn api_version(review: &Value) -> Result<&'static str, MalformedReview> {
    let found = review.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    API_VERSIONS.into_iter().find(|v| *v == found).ok_or_else(|| {
        MalformedReview::new(format!("field `apiVersion`: expected {}, found `{found}`", API_VERSIONS.join(" or ")))
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Value, json};

    use super::{FailurePolicy, Validator};
    use crate::admission::load_inventory;
    use crate::policy::{Inventory, PolicySet};

    fn testdata(dir: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/admission").join(dir)
    }

    fn validator() -> Validator {
        let policies = PolicySet::load_dir(&testdata("policies")).unwrap();
        Validator::new(policies, load_inventory(&testdata("inventory")).unwrap())
    }

    fn review(kind: &str, namespace: &str, labels: Value) -> Value {
        json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {
                "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                "kind": {"group": "", "version": "v1", "kind": kind},
                "operation": "CREATE", "namespace": namespace, "name": "web",
                "object": {"apiVersion": "v1", "kind": kind,
                           "metadata": {"name": "web", "namespace": namespace, "labels": labels}},
                "userInfo": {"username": "alice"}
            }
        })
    }

    #[test]
    fn a_pod_with_every_label_is_allowed_with_its_uid_echoed() {
        let answer = validator().review(&review("Pod", "dev", json!({"owner": "a", "team": "b", "cost-center": "c"})));
        let answer = answer.unwrap();
        assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(answer["kind"], "AdmissionReview");
        assert_eq!(answer["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
        assert_eq!(answer["response"]["allowed"], true);
        assert_eq!(answer["response"]["status"]["code"], 200);
        assert!(answer["response"].get("warnings").is_none(), "{answer}");
    }

    #[test]
    fn a_deny_violation_is_refused_with_gatekeepers_message() {
        let answer = validator().review(&review("Pod", "dev", json!({"team": "b", "cost-center": "c"}))).unwrap();
        let response = &answer["response"];
        assert_eq!(response["allowed"], false);
        assert_eq!(response["status"]["code"], 403);
        assert_eq!(response["status"]["reason"], "Forbidden");
        assert_eq!(response["status"]["message"], r#"[pods-need-owner] Pod web is missing labels ["owner"]"#);
    }

    #[test]
    fn a_warn_violation_admits_with_a_warning_and_dryrun_changes_nothing() {
        let answer = validator().review(&review("Pod", "dev", json!({"owner": "a"}))).unwrap();
        let response = &answer["response"];
        assert_eq!(response["allowed"], true);
        assert_eq!(response["status"]["code"], 299);
        assert_eq!(response["warnings"], json!([r#"[pods-should-name-team] Pod web is missing labels ["team"]"#]));
    }

    #[test]
    fn the_inventory_decides_namespace_selectors() {
        let validator = validator();
        let prod = validator.review(&review("ConfigMap", "prod", json!({}))).unwrap();
        assert_eq!(prod["response"]["allowed"], false, "{prod}");
        let dev = validator.review(&review("ConfigMap", "dev", json!({}))).unwrap();
        assert_eq!(dev["response"]["allowed"], true, "{dev}");
    }

    #[test]
    fn an_evaluation_error_fails_closed_with_500_or_open_with_a_warning() {
        let unknown_namespace = review("ConfigMap", "elsewhere", json!({}));
        let closed = validator().review(&unknown_namespace).unwrap();
        assert_eq!(closed["response"]["allowed"], false);
        assert_eq!(closed["response"]["status"]["code"], 500);
        let message = closed["response"]["status"]["message"].as_str().unwrap();
        assert!(message.contains("prod-configmaps-need-tier") && message.contains("elsewhere"), "{message}");

        let open = validator().with_failure_policy(FailurePolicy::Ignore).review(&unknown_namespace).unwrap();
        assert_eq!(open["response"]["allowed"], true);
        assert!(open["response"]["warnings"][0].as_str().unwrap().contains("elsewhere"), "{open}");
    }

    #[test]
    fn a_replaced_inventory_decides_the_next_review() {
        let validator = validator();
        let prod = review("ConfigMap", "prod", json!({}));
        assert_eq!(validator.review(&prod).unwrap()["response"]["allowed"], false);
        let relabelled =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod", "labels": {"env": "dev"}}});
        validator.inventory_handle().replace(Inventory::from_objects(&[relabelled]));
        assert_eq!(validator.review(&prod).unwrap()["response"]["allowed"], true);
        validator.set_inventory(Inventory::default());
        assert_eq!(validator.review(&prod).unwrap()["response"]["status"]["code"], 500, "no Namespace prod now");
    }

    #[test]
    fn a_v1beta1_review_is_answered_in_v1beta1() {
        let mut request = review("Pod", "dev", json!({"owner": "a", "team": "b"}));
        request["apiVersion"] = json!("admission.k8s.io/v1beta1");
        let answer = validator().review(&request).unwrap();
        assert_eq!(answer["apiVersion"], "admission.k8s.io/v1beta1");
    }

    #[test]
    fn malformed_reviews_are_errors_naming_what_is_wrong() {
        let validator = Validator::new(PolicySet::default(), Inventory::default());
        let problem = |body: &[u8]| validator.review_json(body).unwrap_err().to_string();
        assert!(problem(b"{not json").contains("not valid JSON"));
        assert!(problem(br#"{"apiVersion": "v1", "kind": "Pod"}"#).contains("`apiVersion`"));
        let no_uid = br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {}}"#;
        assert!(problem(no_uid).contains("`request.uid`"));
        let bad_operation = br#"{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {"uid": "1", "operation": "PATCH", "kind": {"kind": "Pod"}}}"#;
        assert!(problem(bad_operation).contains("PATCH"));
    }
}
