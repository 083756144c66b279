//! GET and LIST: one object, or a collection filtered by label and field selectors and cut
//! into pages with `limit`/`continue`, as of one resourceVersion.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::write::current;
use super::{Cluster, Target};
use crate::error::{ApiError, ApiResult, Reason};
use crate::object;
use crate::resource::ResourceType;
use crate::selector::{FieldSelector, LabelSelector};

/// GET of one object, served at the requested version.
pub fn get(cluster: &Cluster, t: &Target<'_>) -> ApiResult<Value> {
    let obj = cluster.store.read(|s| current(s, t))?;
    Ok(at_version(t.rt, obj))
}

/// Objects are stored once per group/resource and served at the version asked for.
pub fn at_version(rt: &ResourceType, mut obj: Value) -> Value {
    if let Some(map) = obj.as_object_mut() {
        map.insert("apiVersion".into(), json!(rt.api_version()));
    }
    obj
}

#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub limit: Option<usize>,
    pub continue_token: Option<String>,
}

/// Where a page ends: the key after which the next page starts.
#[derive(serde::Serialize, serde::Deserialize)]
struct Continue {
    rv: u64,
    ns: String,
    name: String,
}

/// LIST of a collection.
pub fn list(cluster: &Cluster, rt: &ResourceType, namespace: Option<&str>, opts: &ListOptions) -> ApiResult<Value> {
    let after = opts.continue_token.as_deref().map(decode_continue).transpose()?;
    cluster.store.read(|s| {
        let gr = rt.group_resource();
        let ns = if rt.namespaced { namespace } else { None };
        let start: Box<dyn Iterator<Item = &Value>> = match &after {
            Some(c) => Box::new(s.list_after(&gr, ns, &(c.ns.clone(), c.name.clone()))),
            None => Box::new(s.list(&gr, ns)),
        };
        let mut items = start.filter(|o| opts.labels.matches(object::labels(o)) && opts.fields.matches(o));
        let limit = opts.limit.filter(|l| *l > 0).unwrap_or(usize::MAX);
        let page: Vec<Value> = items.by_ref().take(limit).map(|o| at_version(rt, o.clone())).collect();
        let remaining = items.count();
        let rv = after.as_ref().map_or(s.rv, |c| c.rv);
        let mut metadata = json!({"resourceVersion": rv.to_string()});
        if remaining > 0
            && let Some(last) = page.last()
        {
            let token = Continue { rv, ns: object::namespace(last).into(), name: object::name(last).into() };
            metadata["continue"] = json!(URL_SAFE_NO_PAD.encode(serde_json::to_vec(&token).unwrap_or_default()));
            metadata["remainingItemCount"] = json!(remaining);
        }
        Ok(json!({"kind": rt.list_kind(), "apiVersion": rt.api_version(), "metadata": metadata, "items": page}))
    })
}

fn decode_continue(token: &str) -> ApiResult<Continue> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| ApiError::new(Reason::BadRequest, "continue key is not valid: illegal base64 data"))
}

/// The status a CRD has once its names are accepted and it is served.
pub fn crd_accepted(crd: &mut Value) {
    let names = crd.pointer("/spec/names").cloned().unwrap_or(json!({}));
    let now = crate::time::now_rfc3339();
    let storage: Vec<Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("name").cloned())
                .collect()
        })
        .unwrap_or_default();
    let condition = |ty: &str, reason: &str, message: &str| json!({"type": ty, "status": "True", "lastTransitionTime": now, "reason": reason, "message": message});
    crd["status"] = json!({
        "acceptedNames": names,
        "conditions": [
            condition("NamesAccepted", "NoConflicts", "no conflicts found for the names"),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ],
        "storedVersions": storage,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Settings;
    use crate::resource::GroupResource;

    #[test]
    fn pages_cover_every_item_once() {
        let cluster = Cluster::new("t", Settings::default());
        let gr = GroupResource::new("", "configmaps");
        for i in 0..7 {
            cluster.store.write(|s| s.put(&gr, json!({"metadata": {"name": format!("cm{i}"), "namespace": "d"}})));
        }
        let rt = cluster.store.read(|s| s.registry.lookup("", "v1", "configmaps")).unwrap();
        let mut opts = ListOptions { limit: Some(3), ..Default::default() };
        let mut names = Vec::new();
        loop {
            let page = list(&cluster, &rt, Some("d"), &opts).unwrap();
            names.extend(page["items"].as_array().unwrap().iter().map(|o| object::name(o).to_string()));
            match page["metadata"]["continue"].as_str() {
                Some(c) => opts.continue_token = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(names.len(), 7);
        assert!(
            list(&cluster, &rt, Some("d"), &ListOptions { continue_token: Some("!!".into()), ..Default::default() })
                .is_err()
        );
    }
}
