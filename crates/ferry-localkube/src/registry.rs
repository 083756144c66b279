//! The kinds a cluster serves right now: the built-ins plus whatever its
//! CustomResourceDefinitions declare. Discovery, routing and the store all ask the registry.

use std::sync::Arc;

use serde_json::Value;

use crate::builtin::builtin_types;
use crate::error::{ApiError, ApiResult, Cause};
use crate::resource::{CrdOrigin, GroupResource, PrinterColumn, ResourceType, ScalePaths};

#[derive(Debug, Clone)]
pub struct Registry {
    types: Vec<Arc<ResourceType>>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry { types: builtin_types().into_iter().map(Arc::new).collect() }
    }
}

/// A group as discovery presents it: its versions, preferred first.
#[derive(Debug, Clone)]
pub struct GroupVersions {
    pub group: String,
    pub versions: Vec<String>,
}

impl Registry {
    /// The type served at `group/version` under the REST name `plural`.
    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceType>> {
        self.types.iter().find(|t| t.group == group && t.version == version && t.plural == plural).cloned()
    }

    /// The type of an object with this `apiVersion` and `kind`.
    pub fn by_kind(&self, group: &str, version: &str, kind: &str) -> Option<Arc<ResourceType>> {
        self.types.iter().find(|t| t.group == group && t.version == version && t.kind == kind).cloned()
    }

    /// The version objects of a group/resource are stored at.
    pub fn storage_type(&self, gr: &GroupResource) -> Option<Arc<ResourceType>> {
        let mut all = self.types.iter().filter(|t| t.group == gr.group && t.plural == gr.resource);
        let first = all.clone().next().cloned();
        all.find(|t| t.storage).cloned().or(first)
    }

    pub fn all(&self) -> impl Iterator<Item = &Arc<ResourceType>> {
        self.types.iter()
    }

    /// Every served group with its versions, core group excluded, in registration order.
    pub fn groups(&self) -> Vec<GroupVersions> {
        let mut out: Vec<GroupVersions> = Vec::new();
        for t in self.types.iter().filter(|t| !t.group.is_empty()) {
            match out.iter_mut().find(|g| g.group == t.group) {
                Some(g) if !g.versions.contains(&t.version) => g.versions.push(t.version.clone()),
                Some(_) => {}
                None => out.push(GroupVersions { group: t.group.clone(), versions: vec![t.version.clone()] }),
            }
        }
        for g in &mut out {
            sort_versions(&mut g.versions);
        }
        out
    }

    pub fn resources_in(&self, group: &str, version: &str) -> Vec<Arc<ResourceType>> {
        self.types.iter().filter(|t| t.group == group && t.version == version).cloned().collect()
    }

    /// Serves the kinds a CustomResourceDefinition declares (replacing an earlier version of it).
    pub fn add_crd(&mut self, crd: &Value) -> ApiResult<()> {
        let types = types_from_crd(crd)?;
        let name = crd_name(crd);
        self.remove_crd(&name);
        self.types.extend(types.into_iter().map(Arc::new));
        Ok(())
    }

    pub fn remove_crd(&mut self, name: &str) {
        self.types.retain(|t| t.crd.as_ref().map(|c| c.crd_name.as_str()) != Some(name));
    }

    /// The group/resource a CRD serves, if any type of it is registered.
    pub fn crd_resource(&self, name: &str) -> Option<GroupResource> {
        self.types
            .iter()
            .find(|t| t.crd.as_ref().map(|c| c.crd_name.as_str()) == Some(name))
            .map(|t| t.group_resource())
    }
}

fn crd_name(crd: &Value) -> String {
    crd.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Kubernetes' version priority: GA > beta > alpha, higher numbers first, then the rest.
fn sort_versions(versions: &mut [String]) {
    versions.sort_by_key(|v| version_rank(v));
}

fn version_rank(v: &str) -> (u8, i64, i64, String) {
    let Some(rest) = v.strip_prefix('v') else { return (3, 0, 0, v.to_string()) };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let Ok(major) = digits.parse::<i64>() else { return (3, 0, 0, v.to_string()) };
    let tail = &rest[digits.len()..];
    let (stage, minor) = if tail.is_empty() {
        (0, 0)
    } else if let Some(n) = tail.strip_prefix("beta") {
        (1, n.parse::<i64>().unwrap_or(0))
    } else if let Some(n) = tail.strip_prefix("alpha") {
        (2, n.parse::<i64>().unwrap_or(0))
    } else {
        return (3, 0, 0, v.to_string());
    };
    (stage, -major, -minor, String::new())
}

fn str_at<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

fn invalid(crd: &Value, field: &str, message: &str) -> ApiError {
    ApiError::invalid(
        "CustomResourceDefinition",
        "apiextensions.k8s.io",
        &crd_name(crd),
        vec![Cause { kind: "FieldValueRequired".into(), message: message.into(), field: field.into() }],
    )
}

/// Validates a CRD's names and versions and turns each served version into a type.
pub fn types_from_crd(crd: &Value) -> ApiResult<Vec<ResourceType>> {
    let group = str_at(crd, "/spec/group").ok_or_else(|| invalid(crd, "spec.group", "Required value"))?;
    let plural =
        str_at(crd, "/spec/names/plural").ok_or_else(|| invalid(crd, "spec.names.plural", "Required value"))?;
    let kind = str_at(crd, "/spec/names/kind").ok_or_else(|| invalid(crd, "spec.names.kind", "Required value"))?;
    let expected = format!("{plural}.{group}");
    if crd_name(crd) != expected {
        return Err(invalid(
            crd,
            "metadata.name",
            &format!("must be spec.names.plural+\".\"+spec.group: \"{expected}\""),
        ));
    }
    let scope = str_at(crd, "/spec/scope").unwrap_or("Namespaced");
    let versions = crd.pointer("/spec/versions").and_then(Value::as_array);
    let versions = versions
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid(crd, "spec.versions", "must have exactly one version marked as storage version"))?;
    let strings = |ptr: &str| -> Vec<String> {
        crd.pointer(ptr)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for v in versions {
        let Some(name) = v.get("name").and_then(Value::as_str) else {
            return Err(invalid(crd, "spec.versions[].name", "Required value"));
        };
        if v.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        out.push(ResourceType {
            group: group.into(),
            version: name.into(),
            kind: kind.into(),
            plural: plural.into(),
            singular: str_at(crd, "/spec/names/singular").map(String::from).unwrap_or_else(|| kind.to_lowercase()),
            namespaced: scope != "Cluster",
            short_names: strings("/spec/names/shortNames"),
            categories: strings("/spec/names/categories"),
            status: v.pointer("/subresources/status").is_some(),
            scale: v.pointer("/subresources/scale").map(scale_paths),
            crd: Some(CrdOrigin {
                crd_name: crd_name(crd),
                printer_columns: printer_columns(v),
                schema: v.pointer("/schema/openAPIV3Schema").cloned(),
            }),
            generation: true,
            storage: v.get("storage").and_then(Value::as_bool).unwrap_or(false),
        });
    }
    Ok(out)
}

fn scale_paths(s: &Value) -> ScalePaths {
    let get = |k: &str| s.get(k).and_then(Value::as_str).map(String::from);
    ScalePaths {
        spec_replicas: get("specReplicasPath").unwrap_or_else(|| ".spec.replicas".into()),
        status_replicas: get("statusReplicasPath").unwrap_or_else(|| ".status.replicas".into()),
        label_selector: get("labelSelectorPath"),
    }
}

fn printer_columns(version: &Value) -> Vec<PrinterColumn> {
    let Some(cols) = version.get("additionalPrinterColumns").and_then(Value::as_array) else {
        return Vec::new();
    };
    cols.iter()
        .filter_map(|c| {
            Some(PrinterColumn {
                name: c.get("name")?.as_str()?.to_string(),
                type_: c.get("type").and_then(Value::as_str).unwrap_or("string").to_string(),
                json_path: c.get("jsonPath")?.as_str()?.to_string(),
                priority: c.get("priority").and_then(Value::as_i64).unwrap_or(0),
                description: c.get("description").and_then(Value::as_str).unwrap_or("").to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_sort_like_kubernetes() {
        let mut v = vec!["v1beta1".to_string(), "v2".into(), "v1alpha1".into(), "v1".into(), "foo".into()];
        sort_versions(&mut v);
        assert_eq!(v, ["v2", "v1", "v1beta1", "v1alpha1", "foo"]);
    }

    #[test]
    fn crd_registers_served_versions_and_removal_forgets_them() {
        let crd = json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Cluster",
                "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
                "versions": [{"name": "v1", "served": true, "storage": true},
                             {"name": "v0", "served": false, "storage": false}]}
        });
        let mut r = Registry::default();
        r.add_crd(&crd).unwrap();
        let t = r.lookup("example.com", "v1", "widgets").unwrap();
        assert!(!t.namespaced);
        assert!(r.lookup("example.com", "v0", "widgets").is_none());
        r.remove_crd("widgets.example.com");
        assert!(r.lookup("example.com", "v1", "widgets").is_none());
    }

    #[test]
    fn crd_name_must_match_names() {
        let crd = json!({"metadata": {"name": "x.example.com"}, "spec": {"group": "example.com",
            "names": {"plural": "widgets", "kind": "Widget"}, "versions": [{"name": "v1"}]}});
        let err = types_from_crd(&crd).unwrap_err();
        assert_eq!(err.code(), 422);
        assert!(err.message.contains("widgets.example.com"), "{}", err.message);
    }
}
