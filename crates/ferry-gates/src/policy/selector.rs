//! Kubernetes label selectors (`matchLabels` and `matchExpressions`), as constraints'
//! `labelSelector` and `namespaceSelector` use them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::PolicyError;

/// A parsed label selector; every requirement must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl LabelSelector {
    /// Parses a selector; `field` names it in errors.
    pub fn parse(value: &Value, origin: &str, field: &str) -> Result<Self, PolicyError> {
        let object = value.as_object().ok_or_else(|| PolicyError::field(origin, field, "expected a mapping"))?;
        let mut requirements = Vec::new();
        if let Some(labels) = object.get("matchLabels").filter(|v| !v.is_null()) {
            let labels = labels
                .as_object()
                .ok_or_else(|| PolicyError::field(origin, &format!("{field}.matchLabels"), "expected a mapping"))?;
            for (key, value) in labels {
                let value = scalar(value).ok_or_else(|| {
                    PolicyError::field(origin, &format!("{field}.matchLabels.{key}"), "expected a string")
                })?;
                requirements.push(Requirement::In(key.clone(), vec![value]));
            }
        }
        if let Some(expressions) = object.get("matchExpressions").filter(|v| !v.is_null()) {
            let list = expressions
                .as_array()
                .ok_or_else(|| PolicyError::field(origin, &format!("{field}.matchExpressions"), "expected a list"))?;
            for (i, expression) in list.iter().enumerate() {
                requirements.push(expression_requirement(
                    expression,
                    origin,
                    &format!("{field}.matchExpressions[{i}]"),
                )?);
            }
        }
        Ok(Self { requirements })
    }

    /// Whether `labels` (a `metadata.labels` mapping, or none) satisfies the selector.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let labels: BTreeMap<&str, String> =
            labels.into_iter().flatten().filter_map(|(k, v)| scalar(v).map(|v| (k.as_str(), v))).collect();
        self.requirements.iter().all(|requirement| match requirement {
            Requirement::In(key, values) => labels.get(key.as_str()).is_some_and(|v| values.contains(v)),
            Requirement::NotIn(key, values) => labels.get(key.as_str()).is_none_or(|v| !values.contains(v)),
            Requirement::Exists(key) => labels.contains_key(key.as_str()),
            Requirement::DoesNotExist(key) => !labels.contains_key(key.as_str()),
        })
    }
}

fn expression_requirement(expression: &Value, origin: &str, field: &str) -> Result<Requirement, PolicyError> {
    let key = expression
        .get("key")
        .and_then(Value::as_str)
        .ok_or_else(|| PolicyError::field(origin, &format!("{field}.key"), "a key is required"))?
        .to_owned();
    let values: Vec<String> =
        expression.get("values").and_then(Value::as_array).into_iter().flatten().filter_map(scalar).collect();
    let operator = expression.get("operator").and_then(Value::as_str).unwrap_or_default();
    let needs_values = |requirement: Requirement| {
        if values.is_empty() {
            Err(PolicyError::field(origin, &format!("{field}.values"), format!("operator {operator} needs values")))
        } else {
            Ok(requirement)
        }
    };
    match operator {
        "In" => needs_values(Requirement::In(key, values.clone())),
        "NotIn" => needs_values(Requirement::NotIn(key, values.clone())),
        "Exists" => Ok(Requirement::Exists(key)),
        "DoesNotExist" => Ok(Requirement::DoesNotExist(key)),
        other => Err(PolicyError::field(
            origin,
            &format!("{field}.operator"),
            format!("expected In, NotIn, Exists or DoesNotExist, found `{other}`"),
        )),
    }
}

/// Label values are strings; YAML may have typed `true` or `1` without quotes.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::LabelSelector;

    fn selector(value: serde_json::Value) -> LabelSelector {
        LabelSelector::parse(&value, "test", "labelSelector").unwrap()
    }

    #[test]
    fn match_labels_and_expressions_must_all_hold() {
        let s = selector(json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "legacy", "operator": "DoesNotExist"},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
            ]
        }));
        let labels = |v: serde_json::Value| v.as_object().cloned();
        assert!(s.matches(labels(json!({"app": "web", "tier": "edge"})).as_ref()));
        assert!(!s.matches(labels(json!({"app": "web", "tier": "edge", "legacy": "1"})).as_ref()));
        assert!(!s.matches(labels(json!({"app": "web", "tier": "back"})).as_ref()));
        assert!(!s.matches(labels(json!({"app": "web", "tier": "edge", "env": "dev"})).as_ref()));
        assert!(!s.matches(None));
    }

    #[test]
    fn an_unknown_operator_names_the_field() {
        let error =
            LabelSelector::parse(&json!({"matchExpressions": [{"key": "a", "operator": "Has"}]}), "c.yaml", "ls")
                .unwrap_err()
                .to_string();
        assert!(error.contains("ls.matchExpressions[0].operator"), "{error}");
    }
}
