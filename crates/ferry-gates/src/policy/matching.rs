//! A constraint's `spec.match`: which objects it applies to. The criteria follow Gatekeeper's
//! matcher: every criterion that is set must hold; a Namespace object is matched by its own
//! name and labels; cluster-scoped objects are not excluded by namespace criteria.

use serde_json::Value;

use super::error::PolicyError;
use super::review::ReviewRequest;
use super::selector::LabelSelector;

/// One `spec.match.kinds[]` entry; an empty list means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindMatch {
    /// API groups (`""` is the core group, `*` any).
    pub api_groups: Vec<String>,
    /// Kinds (`*` any).
    pub kinds: Vec<String>,
}

/// `spec.match.scope`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// `*` or unset: every object.
    #[default]
    All,
    /// `Cluster`: cluster-scoped objects (Namespaces included).
    Cluster,
    /// `Namespaced`: objects in a namespace.
    Namespaced,
}

/// A parsed `spec.match`.
#[derive(Debug, Clone, Default)]
pub struct Match {
    kinds: Vec<KindMatch>,
    namespaces: Vec<String>,
    excluded_namespaces: Vec<String>,
    label_selector: Option<LabelSelector>,
    namespace_selector: Option<LabelSelector>,
    name: Option<String>,
    scope: Scope,
}

impl Match {
    /// Parses `spec.match`; `origin` names the constraint in errors.
    pub fn parse(value: &Value, origin: &str) -> Result<Self, PolicyError> {
        if !value.is_object() {
            return Err(PolicyError::field(origin, "spec.match", "expected a mapping"));
        }
        let selector = |key: &str| match value.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => LabelSelector::parse(v, origin, &format!("spec.match.{key}")).map(Some),
        };
        let scope = match value.get("scope").and_then(Value::as_str) {
            None | Some("*") => Scope::All,
            Some("Cluster") => Scope::Cluster,
            Some("Namespaced") => Scope::Namespaced,
            Some(other) => {
                let problem = format!("expected *, Cluster or Namespaced, found `{other}`");
                return Err(PolicyError::field(origin, "spec.match.scope", problem));
            }
        };
        Ok(Self {
            kinds: kinds(value.get("kinds"), origin)?,
            namespaces: strings(value.get("namespaces"), origin, "spec.match.namespaces")?,
            excluded_namespaces: strings(value.get("excludedNamespaces"), origin, "spec.match.excludedNamespaces")?,
            label_selector: selector("labelSelector")?,
            namespace_selector: selector("namespaceSelector")?,
            name: value.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()).map(str::to_owned),
            scope,
        })
    }

    /// Whether the namespace selector is set, so the object's Namespace must be known.
    pub fn needs_namespace(&self) -> bool {
        self.namespace_selector.is_some()
    }

    /// Whether the reviewed object matches. `namespace` is the object's Namespace object, when
    /// known; a namespace selector on a namespaced object without one is an error.
    pub fn matches(&self, review: &ReviewRequest, namespace: Option<&Value>) -> Result<bool, String> {
        let is_namespace = review.is_namespace();
        let ns_name = if is_namespace { Some(review.name()) } else { review.namespace() };
        let kind_ok = self.kinds.is_empty() || self.kinds.iter().any(|k| kind_matches(k, review));
        let scope_ok = match self.scope {
            Scope::All => true,
            Scope::Cluster => is_namespace || review.namespace().is_none(),
            Scope::Namespaced => !is_namespace && review.namespace().is_some(),
        };
        let included = self.namespaces.is_empty()
            || ns_name.is_none_or(|ns| self.namespaces.iter().any(|p| wildcard_matches(p, ns)));
        let excluded = ns_name.is_some_and(|ns| self.excluded_namespaces.iter().any(|p| wildcard_matches(p, ns)));
        let labels_ok = self.label_selector.as_ref().is_none_or(|s| s.matches(labels(review.subject())));
        let name_ok = self.name.as_deref().is_none_or(|pattern| name_matches(pattern, review));
        if !(kind_ok && scope_ok && included && !excluded && labels_ok && name_ok) {
            return Ok(false);
        }
        self.namespace_selector_matches(review, namespace)
    }

    fn namespace_selector_matches(&self, review: &ReviewRequest, namespace: Option<&Value>) -> Result<bool, String> {
        let Some(selector) = &self.namespace_selector else { return Ok(true) };
        if review.is_namespace() {
            return Ok(selector.matches(labels(review.subject())));
        }
        let Some(ns) = review.namespace() else { return Ok(true) };
        match namespace {
            Some(object) => Ok(selector.matches(labels(object))),
            None => Err(format!("its namespaceSelector needs the Namespace `{ns}`, which is not in the inventory")),
        }
    }
}

fn kind_matches(entry: &KindMatch, review: &ReviewRequest) -> bool {
    let any_or = |list: &[String], value: &str| list.is_empty() || list.iter().any(|x| x == "*" || x == value);
    any_or(&entry.kinds, &review.kind().kind) && any_or(&entry.api_groups, &review.kind().group)
}

/// Gatekeeper's namespace wildcards: `prefix*`, `*suffix`, `*infix*`, or an exact name.
pub fn wildcard_matches(pattern: &str, value: &str) -> bool {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), _) if rest.ends_with('*') => value.contains(&rest[..rest.len() - 1]),
        (Some(suffix), _) => value.ends_with(suffix),
        (None, Some(prefix)) => value.starts_with(prefix),
        (None, None) => pattern == value,
    }
}

/// `spec.match.name`: a wildcard on the name; a `prefix*` pattern also matches a `generateName`.
fn name_matches(pattern: &str, review: &ReviewRequest) -> bool {
    if wildcard_matches(pattern, review.name()) && !review.name().is_empty() {
        return true;
    }
    let generate_name = review.subject().pointer("/metadata/generateName").and_then(Value::as_str);
    match (pattern.strip_suffix('*'), generate_name) {
        (Some(prefix), Some(generate)) if !pattern.starts_with('*') => generate.starts_with(prefix),
        _ => false,
    }
}

fn labels(object: &Value) -> Option<&serde_json::Map<String, Value>> {
    object.pointer("/metadata/labels").and_then(Value::as_object)
}

fn kinds(value: Option<&Value>, origin: &str) -> Result<Vec<KindMatch>, PolicyError> {
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(Vec::new()) };
    let list = value.as_array().ok_or_else(|| PolicyError::field(origin, "spec.match.kinds", "expected a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, entry)| {
            let field = format!("spec.match.kinds[{i}]");
            Ok(KindMatch {
                api_groups: strings(entry.get("apiGroups"), origin, &format!("{field}.apiGroups"))?,
                kinds: strings(entry.get("kinds"), origin, &format!("{field}.kinds"))?,
            })
        })
        .collect()
}

fn strings(value: Option<&Value>, origin: &str, field: &str) -> Result<Vec<String>, PolicyError> {
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(Vec::new()) };
    let list = value.as_array().ok_or_else(|| PolicyError::field(origin, field, "expected a list of strings"))?;
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| PolicyError::field(origin, &format!("{field}[{i}]"), "expected a string"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::wildcard_matches;

    #[test]
    fn namespace_wildcards_match_prefix_suffix_and_infix() {
        assert!(wildcard_matches("kube-*", "kube-system"));
        assert!(!wildcard_matches("kube-*", "default"));
        assert!(wildcard_matches("*-system", "kube-system"));
        assert!(wildcard_matches("*tem*", "kube-system"));
        assert!(wildcard_matches("default", "default"));
        assert!(!wildcard_matches("default", "default2"));
    }
}
