//! `data.inventory`: the objects a policy may look at besides the one under review (Gatekeeper's
//! synced data), keyed as Gatekeeper keys them:
//! `cluster[groupVersion][kind][name]` for cluster-scoped objects and
//! `namespace[ns][groupVersion][kind][name]` for namespaced ones.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::yaml::str_at;

/// A set of objects, ready to hand to policies.
#[derive(Debug, Clone)]
pub struct Inventory {
    tree: Value,
    /// `data` for the engine, converted once: `{"inventory": tree}`.
    data: regorus::Value,
    namespaces: HashMap<String, Value>,
}

impl Default for Inventory {
    fn default() -> Self {
        Self::from_objects(&[])
    }
}

impl Inventory {
    /// The inventory of `objects`; objects without `apiVersion`, `kind` or a name are left out.
    pub fn from_objects(objects: &[Value]) -> Self {
        let mut cluster = Map::new();
        let mut namespaced = Map::new();
        let mut namespaces = HashMap::new();
        for object in objects {
            let (Some(api_version), Some(kind), Some(name)) =
                (str_at(object, "/apiVersion"), str_at(object, "/kind"), str_at(object, "/metadata/name"))
            else {
                continue;
            };
            if api_version == "v1" && kind == "Namespace" {
                namespaces.insert(name.to_owned(), object.clone());
            }
            let root = match str_at(object, "/metadata/namespace").filter(|n| !n.is_empty()) {
                Some(ns) => entry(&mut namespaced, ns),
                None => &mut cluster,
            };
            let by_kind = entry(entry(root, api_version), kind);
            by_kind.insert(name.to_owned(), object.clone());
        }
        let tree = json!({"cluster": cluster, "namespace": namespaced});
        let data = regorus::Value::from(json!({"inventory": tree.clone()}));
        Self { tree, data, namespaces }
    }

    /// The inventory as policies see it at `data.inventory`.
    pub fn tree(&self) -> &Value {
        &self.tree
    }

    /// The Namespace object named `name`, when the inventory has it.
    pub fn namespace(&self, name: &str) -> Option<&Value> {
        self.namespaces.get(name)
    }

    /// `{"inventory": …}` in the engine's value type.
    pub(crate) fn data(&self) -> &regorus::Value {
        &self.data
    }
}

fn entry<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = map.entry(key.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(inner) => inner,
        _ => unreachable!("just made an object"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Inventory;

    #[test]
    fn objects_are_keyed_by_scope_group_version_kind_and_name() {
        let inventory = Inventory::from_objects(&[
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod", "labels": {"tier": "1"}}}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "prod"}}),
        ]);
        let tree = inventory.tree();
        assert_eq!(tree["cluster"]["v1"]["Namespace"]["prod"]["metadata"]["labels"]["tier"], "1");
        assert_eq!(tree["namespace"]["prod"]["networking.k8s.io/v1"]["Ingress"]["web"]["metadata"]["name"], "web");
        assert!(inventory.namespace("prod").is_some());
        assert!(inventory.namespace("dev").is_none());
    }
}
