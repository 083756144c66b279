//! A minimal OpenAPI v3 surface. kubectl reads it to learn that the server validates fields
//! itself (the `fieldValidation` parameter on each PATCH operation), which lets
//! `kubectl apply --validate=strict` hand validation to the server. Type schemas are not
//! published, so kubectl computes client-side apply patches from its built-in types.

use serde_json::{Map, Value, json};

use crate::registry::Registry;
use crate::resource::ResourceType;

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") }
}

/// A short content hash, so clients' caches notice when CRDs change a group-version.
fn hash(types: &[std::sync::Arc<ResourceType>]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in types {
        for b in t.plural.bytes().chain(t.kind.bytes()).chain([u8::from(t.namespaced)]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016X}")
}

/// `/openapi/v3`: one entry per served group-version.
pub fn index(registry: &Registry) -> Value {
    let mut paths = Map::new();
    let mut gvs = vec![(String::new(), "v1".to_string())];
    for g in registry.groups() {
        gvs.extend(g.versions.iter().map(|v| (g.group.clone(), v.clone())));
    }
    for (g, v) in gvs {
        let p = gv_path(&g, &v);
        let h = hash(&registry.resources_in(&g, &v));
        paths.insert(p.clone(), json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={h}")}));
    }
    json!({"paths": paths})
}

fn query_params() -> Value {
    let p = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}});
    json!([p("dryRun"), p("fieldManager"), p("fieldValidation"), p("force"), p("pretty")])
}

/// `/openapi/v3/apis/<group>/<version>`: the paths of each kind with their operations.
pub fn document(registry: &Registry, group: &str, version: &str) -> Option<Value> {
    let types = registry.resources_in(group, version);
    if types.is_empty() && !(group.is_empty() && version == "v1") {
        return None;
    }
    let mut paths = Map::new();
    for t in &types {
        let gvk = json!({"group": t.group, "version": t.version, "kind": t.kind});
        let op = |action: &str| {
            json!({
                "operationId": format!("{action}{}", t.kind),
                "parameters": query_params(),
                "responses": {"200": {"description": "OK"}},
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
            })
        };
        let item = format!("/{}/{{name}}", t.collection_path(Some("{namespace}")).trim_start_matches('/'));
        paths.insert(item, json!({"get": op("get"), "put": op("put"), "patch": op("patch"), "delete": op("delete")}));
        paths.insert(t.collection_path(Some("{namespace}")), json!({"get": op("list"), "post": op("post")}));
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_operations_declare_field_validation() {
        let r = Registry::default();
        let doc = document(&r, "apps", "v1").unwrap();
        let op = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(op["x-kubernetes-group-version-kind"]["kind"], "Deployment");
        assert!(op["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "fieldValidation"));
        assert!(index(&r)["paths"]["apis/apps/v1"]["serverRelativeURL"].as_str().unwrap().contains("hash="));
    }
}
