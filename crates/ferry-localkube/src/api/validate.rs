//! The validation a real API server does before storing an object, limited to what users
//! trip over: names, labels, selectors that must match templates, required container fields.
//! Every failure is a field path and a message in Kubernetes' words.

use serde_json::Value;

use crate::error::Cause;
use crate::object::{self, str_at};
use crate::resource::ResourceType;
use crate::selector::LabelSelector;

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

fn is_label_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_dns1123_label(s: &str) -> bool {
    is_label_part(s)
}

pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label_part)
}

fn is_dns1035_label(s: &str) -> bool {
    is_label_part(s) && s.as_bytes()[0].is_ascii_lowercase()
}

fn invalid(field: &str, value: &str, msg: &str) -> Cause {
    Cause { kind: "FieldValueInvalid".into(), message: format!("Invalid value: {value:?}: {msg}"), field: field.into() }
}

fn required(field: &str) -> Cause {
    Cause { kind: "FieldValueRequired".into(), message: "Required value".into(), field: field.into() }
}

/// Checks the object name for its kind's naming rule.
pub fn name(rt: &ResourceType, name: &str) -> Vec<Cause> {
    if name.is_empty() {
        return vec![Cause {
            kind: "FieldValueRequired".into(),
            message: "Required value: name or generateName is required".into(),
            field: "metadata.name".into(),
        }];
    }
    let (ok, msg) = match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => (is_dns1123_label(name), DNS1123_LABEL_MSG),
        ("", "Service") => (is_dns1035_label(name), DNS1035_LABEL_MSG),
        _ => (is_dns1123_subdomain(name), DNS1123_SUBDOMAIN_MSG),
    };
    if ok { Vec::new() } else { vec![invalid("metadata.name", name, msg)] }
}

fn is_qualified_name(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric();
    name_ok && prefix.is_none_or(is_dns1123_subdomain)
}

fn is_label_value(v: &str) -> bool {
    v.is_empty() || (is_qualified_name(v) && !v.contains('/'))
}

/// Label keys and values, annotation keys.
pub fn metadata(obj: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    if let Some(labels) = object::labels(obj) {
        for (k, v) in labels {
            if !is_qualified_name(k) {
                causes.push(invalid("metadata.labels", k, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
            }
            match v.as_str() {
                Some(s) if is_label_value(s) => {}
                _ => causes.push(invalid(
                    &format!("metadata.labels.{k}"),
                    &v.to_string(),
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                )),
            }
        }
    }
    if let Some(ann) = obj.pointer("/metadata/annotations").and_then(Value::as_object) {
        for k in ann.keys().filter(|k| !is_qualified_name(k)) {
            causes.push(invalid(
                "metadata.annotations",
                k,
                "name part must consist of alphanumeric characters, '-', '_' or '.'",
            ));
        }
    }
    causes
}

/// Kind-specific rules.
pub fn spec(rt: &ResourceType, obj: &Value) -> Vec<Cause> {
    if rt.crd.is_some() {
        return Vec::new();
    }
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => workload(obj),
        ("batch", "Job") => pod_spec(obj.pointer("/spec/template/spec"), "spec.template.spec"),
        ("", "Pod") => pod_spec(obj.get("spec"), "spec"),
        ("", "Service") => service(obj),
        _ => Vec::new(),
    }
}

fn workload(obj: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    match obj.pointer("/spec/selector") {
        None => causes.push(required("spec.selector")),
        Some(sel) => match LabelSelector::from_object(sel) {
            Err(e) => causes.push(invalid("spec.selector", &sel.to_string(), &e)),
            Ok(s) if s.is_empty() => causes.push(Cause {
                kind: "FieldValueInvalid".into(),
                message: "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment".into(),
                field: "spec.selector".into(),
            }),
            Ok(s) => {
                let labels = obj.pointer("/spec/template/metadata/labels").and_then(Value::as_object);
                if !s.matches(labels) {
                    causes.push(invalid(
                        "spec.template.metadata.labels",
                        &labels.map(|l| Value::Object(l.clone()).to_string()).unwrap_or_default(),
                        "`selector` does not match template `labels`",
                    ));
                }
            }
        },
    }
    causes.extend(pod_spec(obj.pointer("/spec/template/spec"), "spec.template.spec"));
    causes
}

fn pod_spec(spec: Option<&Value>, path: &str) -> Vec<Cause> {
    let Some(spec) = spec else { return vec![required(&format!("{path}.containers"))] };
    let containers = spec.get("containers").and_then(Value::as_array);
    let Some(containers) = containers.filter(|c| !c.is_empty()) else {
        return vec![required(&format!("{path}.containers"))];
    };
    let mut causes = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let at = format!("{path}.containers[{i}]");
        match str_at(c, "/name") {
            None | Some("") => causes.push(required(&format!("{at}.name"))),
            Some(n) if !is_dns1123_label(n) => causes.push(invalid(&format!("{at}.name"), n, DNS1123_LABEL_MSG)),
            _ => {}
        }
        if str_at(c, "/image").is_none_or(str::is_empty) {
            causes.push(required(&format!("{at}.image")));
        }
    }
    causes
}

fn service(obj: &Value) -> Vec<Cause> {
    let ty = str_at(obj, "/spec/type").unwrap_or("ClusterIP");
    let ports = obj.pointer("/spec/ports").and_then(Value::as_array);
    let headless = str_at(obj, "/spec/clusterIP") == Some("None");
    if ty != "ExternalName" && !headless && ports.is_none_or(Vec::is_empty) {
        return vec![required("spec.ports")];
    }
    let mut causes = Vec::new();
    for (i, p) in ports.into_iter().flatten().enumerate() {
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        if !(1..=65535).contains(&port) {
            causes.push(invalid(
                &format!("spec.ports[{i}].port"),
                &port.to_string(),
                "must be between 1 and 65535, inclusive",
            ));
        }
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rt(kind: &str) -> ResourceType {
        crate::builtin::builtin_type(kind)
    }

    #[test]
    fn names_follow_the_kind_rule() {
        assert!(name(&rt("ConfigMap"), "a.b-c").is_empty());
        assert_eq!(name(&rt("ConfigMap"), "Bad_Name")[0].field, "metadata.name");
        assert!(!name(&rt("Namespace"), "a.b").is_empty());
        assert!(!name(&rt("Service"), "1abc").is_empty());
        assert!(!name(&rt("ConfigMap"), "").is_empty());
    }

    #[test]
    fn deployment_selector_must_match_template() {
        let d = json!({"spec": {"selector": {"matchLabels": {"app": "a"}},
            "template": {"metadata": {"labels": {"app": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        let causes = spec(&rt("Deployment"), &d);
        assert_eq!(causes.len(), 1);
        assert!(causes[0].message.contains("does not match"));
    }

    #[test]
    fn containers_need_name_and_image() {
        let d = json!({"spec": {"selector": {"matchLabels": {"app": "a"}},
            "template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c"}]}}}});
        let causes = spec(&rt("Deployment"), &d);
        assert_eq!(causes[0].field, "spec.template.spec.containers[0].image");
    }

    #[test]
    fn bad_label_values_are_rejected() {
        let causes = metadata(&json!({"metadata": {"labels": {"ok": "fine", "bad": "no spaces"}}}));
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].field, "metadata.labels.bad");
    }
}
