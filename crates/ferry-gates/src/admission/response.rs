//! The verdict on one admission request and its wire shape: an AdmissionReview whose `response`
//! carries the request's `uid`, `allowed`, a `status` and `warnings`, as Gatekeeper answers.

use serde::Serialize;
use serde_json::{Value, json};

use super::validator::FailurePolicy;
use crate::policy::{EnforcementAction, Evaluation, Violation};

/// `status.code` of an admitted request.
const OK: u16 = 200;
/// `status.code` of an admitted request that carries warnings (Gatekeeper's choice).
const OK_WITH_WARNINGS: u16 = 299;
/// `status.code` of a denied request.
const FORBIDDEN: u16 = 403;
/// `status.code` when the policies could not be evaluated.
const INTERNAL_ERROR: u16 = 500;

/// The `status` of an AdmissionResponse (a `metav1.Status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseStatus {
    /// HTTP-style code: 200, 299 (admitted with warnings), 403 (denied), 500 (evaluation failed).
    pub code: u16,
    /// `Forbidden` for a denial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the user sees: the denying constraints, or the evaluation error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The `response` of an AdmissionReview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdmissionResponse {
    /// The request's `uid`, echoed as the API server requires.
    pub uid: String,
    /// Whether the request is admitted.
    pub allowed: bool,
    /// The code and message.
    pub status: ResponseStatus,
    /// Warnings shown to the client (`warn` constraints), each `[constraint] message`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl AdmissionResponse {
    /// The verdict for `violations`: denied when a `deny` constraint reports one, its message
    /// every denying violation as `[constraint] message` on its own line; `warn` violations
    /// become warnings; `dryrun` violations change nothing.
    pub fn from_violations(uid: &str, violations: &[Violation]) -> Self {
        let messages = |action| {
            violations
                .iter()
                .filter(|v| v.has_action(action))
                .map(|v| format!("[{}] {}", v.constraint, v.msg))
                .collect::<Vec<_>>()
        };
        let denials = messages(EnforcementAction::Deny);
        let warnings = messages(EnforcementAction::Warn);
        let status = if !denials.is_empty() {
            ResponseStatus { code: FORBIDDEN, reason: Some("Forbidden".into()), message: Some(denials.join("\n")) }
        } else {
            let code = if warnings.is_empty() { OK } else { OK_WITH_WARNINGS };
            ResponseStatus { code, reason: None, message: None }
        };
        Self { uid: uid.to_owned(), allowed: denials.is_empty(), status, warnings }
    }

    /// The verdict for an evaluation in which some constraints may have failed. Violations count
    /// as in [`AdmissionResponse::from_violations`]. A failed constraint that would deny fails
    /// closed under [`FailurePolicy::Fail`] (code 500, its error first in the message, the other
    /// constraints' denials after it); under [`FailurePolicy::Ignore`], and for `warn`
    /// constraints, its error becomes a warning; a failed `dryrun` constraint changes nothing.
    pub fn from_evaluation(uid: &str, evaluation: &Evaluation, failure_policy: FailurePolicy) -> Self {
        let mut response = Self::from_violations(uid, &evaluation.violations);
        let (fatal, tolerated): (Vec<_>, Vec<_>) =
            evaluation.errors.iter().partition(|e| e.denies() && failure_policy == FailurePolicy::Fail);
        for failed in tolerated {
            if failed.denies() {
                response.warnings.push(format!("policies not evaluated, admitted by failure policy Ignore: {failed}"));
            } else if failed.enforcement_actions.contains(&EnforcementAction::Warn) {
                response.warnings.push(format!("[{}] not evaluated: {failed}", failed.constraint));
            }
        }
        if !fatal.is_empty() {
            let mut lines: Vec<String> = fatal.iter().map(|e| e.to_string()).collect();
            lines.extend(response.status.message.take());
            response.allowed = false;
            response.status = ResponseStatus { code: INTERNAL_ERROR, reason: None, message: Some(lines.join("\n")) };
        } else if response.allowed && !response.warnings.is_empty() {
            response.status.code = OK_WITH_WARNINGS;
        }
        response
    }

    /// The whole AdmissionReview answering a request of `api_version`.
    pub fn into_review(self, api_version: &str) -> Value {
        json!({"apiVersion": api_version, "kind": "AdmissionReview", "response": self})
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::{EnforcementAction, Violation};

    use super::AdmissionResponse;

    fn violation(constraint: &str, action: EnforcementAction, msg: &str) -> Violation {
        Violation {
            constraint: constraint.into(),
            template_kind: "K8sRequiredLabels".into(),
            enforcement_action: action,
            enforcement_actions: vec![action],
            msg: msg.into(),
            details: None,
        }
    }

    #[test]
    fn deny_messages_are_joined_by_line_and_warnings_kept_alongside() {
        let response = AdmissionResponse::from_violations(
            "u1",
            &[
                violation("a", EnforcementAction::Deny, "first"),
                violation("b", EnforcementAction::Warn, "careful"),
                violation("c", EnforcementAction::Deny, "second"),
                violation("d", EnforcementAction::Dryrun, "ignored"),
            ],
        );
        assert!(!response.allowed);
        assert_eq!(response.status.code, 403);
        assert_eq!(response.status.message.as_deref(), Some("[a] first\n[c] second"));
        assert_eq!(response.warnings, vec!["[b] careful".to_owned()]);
    }

    #[test]
    fn the_review_echoes_the_api_version_and_leaves_out_empty_fields() {
        let review = AdmissionResponse::from_violations("u2", &[]).into_review("admission.k8s.io/v1beta1");
        assert_eq!(review["apiVersion"], "admission.k8s.io/v1beta1");
        assert_eq!(review["response"], serde_json::json!({"uid": "u2", "allowed": true, "status": {"code": 200}}));
    }
}
