//! `ResourceKey`: the identity of an object within a sync (group/kind/namespace/name), the word
//! DESIGN.md §1 uses. Versions are not part of it: `apps/v1` and `apps/v1beta2` Deployments of
//! the same name are the same object.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::PlanError;

/// Group/kind/namespace/name of an object. The core group and cluster-scoped objects use empty
/// strings; a hook that only has `metadata.generateName` has an empty name (the executor
/// generates one).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceKey {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ResourceKey {
    pub fn new(group: &str, kind: &str, namespace: &str, name: &str) -> Self {
        Self { group: group.to_owned(), kind: kind.to_owned(), namespace: namespace.to_owned(), name: name.to_owned() }
    }

    /// The key of a Kubernetes object: the group from `apiVersion`, `kind`,
    /// `metadata.namespace` and `metadata.name`. An object needs a kind and either a name or
    /// a `generateName`.
    pub fn from_object(object: &Value) -> Result<Self, PlanError> {
        let invalid = |reason: &str| PlanError::InvalidObject { reason: reason.to_owned() };
        let api_version = object.get("apiVersion").and_then(Value::as_str).ok_or_else(|| invalid("no apiVersion"))?;
        let kind = object.get("kind").and_then(Value::as_str).filter(|k| !k.is_empty());
        let kind = kind.ok_or_else(|| invalid("no kind"))?;
        let metadata = object.get("metadata");
        let field = |name: &str| metadata.and_then(|m| m.get(name)).and_then(Value::as_str).unwrap_or("");
        let (name, generate_name) = (field("name"), field("generateName"));
        if name.is_empty() && generate_name.is_empty() {
            return Err(invalid(&format!("{kind} has neither metadata.name nor metadata.generateName")));
        }
        let group = api_version.rsplit_once('/').map_or("", |(group, _version)| group);
        Ok(Self::new(group, kind, field("namespace"), name))
    }
}

/// `group/kind/namespace/name`, always four parts: `apps/Deployment/shop/web`,
/// `/Namespace//shop`.
impl fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}/{}", self.group, self.kind, self.namespace, self.name)
    }
}

/// Parses the `Display` form back.
impl FromStr for ResourceKey {
    type Err = PlanError;

    fn from_str(text: &str) -> Result<Self, PlanError> {
        let parts: Vec<&str> = text.split('/').collect();
        match parts[..] {
            [group, kind, namespace, name] if !kind.is_empty() => Ok(Self::new(group, kind, namespace, name)),
            _ => Err(PlanError::InvalidObject {
                reason: format!("{text:?} is not a resource key (group/kind/namespace/name)"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_from_object_takes_group_from_api_version() {
        let deployment =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}});
        let key = ResourceKey::from_object(&deployment).unwrap();
        assert_eq!(key.to_string(), "apps/Deployment/shop/web");
        let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
        assert_eq!(ResourceKey::from_object(&namespace).unwrap().to_string(), "/Namespace//shop");
    }

    #[test]
    fn generate_name_gives_an_empty_name() {
        let job = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"generateName": "migrate-"}});
        assert_eq!(ResourceKey::from_object(&job).unwrap().name, "");
    }

    #[test]
    fn objects_without_kind_or_name_are_rejected() {
        let no_name = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}});
        let err = ResourceKey::from_object(&no_name).unwrap_err();
        assert!(err.to_string().contains("neither metadata.name nor metadata.generateName"), "{err}");
        let no_kind = json!({"apiVersion": "v1", "metadata": {"name": "x"}});
        assert!(ResourceKey::from_object(&no_kind).unwrap_err().to_string().contains("no kind"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["apps/Deployment/shop/web", "/Namespace//shop", "batch/Job/ns/"] {
            assert_eq!(text.parse::<ResourceKey>().unwrap().to_string(), text);
        }
        assert!("Deployment/web".parse::<ResourceKey>().is_err());
    }
}
