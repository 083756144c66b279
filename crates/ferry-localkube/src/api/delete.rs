//! DELETE and deletecollection, with finalizers, propagation policies (Background,
//! Foreground, Orphan) and ownerReference garbage collection, and namespace termination.
//!
//! Garbage collection runs inside the deleting write, so a cascade is one consistent step:
//! dependents whose every owner is gone are deleted (recursively); a dependent that still
//! has finalizers is only marked, and its owner (under Foreground) or namespace waits for it.

use serde_json::{Value, json};

use super::write::current;
use super::{Cluster, Target};
use crate::error::{ApiError, ApiResult};
use crate::object::{self, metadata_mut};
use crate::resource::{GroupResource, ResourceType};
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::State;
use crate::time::now_rfc3339;

const FOREGROUND: &str = "foregroundDeletion";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub propagation: Propagation,
    pub dry_run: bool,
    pub precondition_uid: Option<String>,
    pub precondition_rv: Option<String>,
}

impl DeleteOptions {
    /// Reads a `DeleteOptions` body and query values (query wins when both are given).
    pub fn parse(body: Option<&Value>, policy: Option<&str>, dry_run: bool) -> ApiResult<Self> {
        let policy = policy
            .map(String::from)
            .or_else(|| body.and_then(|b| b.get("propagationPolicy")).and_then(Value::as_str).map(String::from));
        let orphan = body.and_then(|b| b.get("orphanDependents")).and_then(Value::as_bool);
        let propagation = match (policy.as_deref(), orphan) {
            (Some("Foreground"), _) => Propagation::Foreground,
            (Some("Orphan"), _) | (None, Some(true)) => Propagation::Orphan,
            (Some("Background") | None, _) => Propagation::Background,
            (Some(other), _) => {
                return Err(ApiError::bad_request(format!(
                    "propagationPolicy {other:?} is not supported; use Foreground, Background or Orphan"
                )));
            }
        };
        let dry = dry_run
            || body
                .and_then(|b| b.get("dryRun"))
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v == "All"));
        let pre = |k: &str| {
            body.and_then(|b| b.pointer(&format!("/preconditions/{k}"))).and_then(Value::as_str).map(String::from)
        };
        Ok(DeleteOptions {
            propagation,
            dry_run: dry,
            precondition_uid: pre("uid"),
            precondition_rv: pre("resourceVersion"),
        })
    }
}

/// DELETE of one object. Returns the object as deleted, or as marked for deletion.
pub fn delete(cluster: &Cluster, t: &Target<'_>, opts: &DeleteOptions) -> ApiResult<Value> {
    cluster.store.write(|s| {
        let obj = current(s, t)?;
        check_preconditions(t, &obj, opts)?;
        if opts.dry_run {
            return Ok(obj);
        }
        Ok(delete_object(s, t.rt, &obj, opts.propagation))
    })
}

fn check_preconditions(t: &Target<'_>, obj: &Value, opts: &DeleteOptions) -> ApiResult<()> {
    let uid_ok = opts.precondition_uid.as_deref().is_none_or(|u| u == object::uid(obj));
    let rv_ok = opts.precondition_rv.as_deref().is_none_or(|r| r == object::resource_version(obj));
    if uid_ok && rv_ok {
        return Ok(());
    }
    Err(ApiError::new(
        crate::error::Reason::Conflict,
        format!(
            "Precondition failed: UID in precondition: {}, UID in object meta: {}",
            opts.precondition_uid.as_deref().unwrap_or(""),
            object::uid(obj)
        ),
    )
    .with_details(t.name, &t.rt.group, &t.rt.plural))
}

/// Deletes (or starts deleting) an object inside a write.
pub fn delete_object(s: &mut State, rt: &ResourceType, obj: &Value, propagation: Propagation) -> Value {
    let (ns, name) = (object::namespace(obj).to_string(), object::name(obj).to_string());
    if rt.kind == "Namespace" && rt.crd.is_none() {
        return terminate_namespace(s, obj);
    }
    if propagation == Propagation::Orphan {
        orphan_dependents(s, object::uid(obj));
    }
    let mut finalizers = object::finalizers(obj);
    if propagation == Propagation::Foreground
        && has_dependents(s, object::uid(obj))
        && !finalizers.iter().any(|f| f == FOREGROUND)
    {
        finalizers.push(FOREGROUND.into());
    }
    if finalizers.is_empty() {
        return finish(s, rt, &ns, &name).unwrap_or_else(|| obj.clone());
    }
    let marked = mark_deleting(s, rt, obj, finalizers);
    if propagation == Propagation::Foreground {
        collect_dependents(s, object::uid(obj), Propagation::Foreground);
        return release_foreground(s, rt, &ns, &name).unwrap_or(marked);
    }
    marked
}

fn mark_deleting(s: &mut State, rt: &ResourceType, obj: &Value, finalizers: Vec<String>) -> Value {
    if object::is_deleting(obj) && object::finalizers(obj) == finalizers {
        return obj.clone();
    }
    let mut marked = obj.clone();
    let meta = metadata_mut(&mut marked);
    if !meta.contains_key("deletionTimestamp") {
        meta.insert("deletionTimestamp".into(), json!(now_rfc3339()));
        meta.insert("deletionGracePeriodSeconds".into(), json!(0));
    }
    meta.insert("finalizers".into(), json!(finalizers));
    s.put(&rt.group_resource(), marked)
}

/// Removes an object for good and collects what depended on it.
pub fn finish(s: &mut State, rt: &ResourceType, ns: &str, name: &str) -> Option<Value> {
    let gr = rt.group_resource();
    let removed = s.remove(&gr, ns, name)?;
    if rt.kind == "CustomResourceDefinition" && rt.crd.is_none() {
        if let Some(served) = s.registry.crd_resource(name) {
            s.remove_all(&served);
        }
        s.registry.remove_crd(name);
    }
    collect_dependents(s, object::uid(&removed), Propagation::Background);
    release_owners(s, &removed);
    if !ns.is_empty() {
        release_namespace(s, ns);
    }
    Some(removed)
}

fn dependents(s: &State, owner_uid: &str) -> Vec<(GroupResource, Value)> {
    if owner_uid.is_empty() {
        return Vec::new();
    }
    s.all()
        .filter(|(_, o)| object::owner_uids(o).iter().any(|u| u == owner_uid))
        .map(|(gr, o)| (gr.clone(), o.clone()))
        .collect()
}

fn has_dependents(s: &State, owner_uid: &str) -> bool {
    !dependents(s, owner_uid).is_empty()
}

fn uid_exists(s: &State, uid: &str) -> bool {
    s.all().any(|(_, o)| object::uid(o) == uid)
}

/// Deletes dependents of `owner_uid` that no live owner keeps.
fn collect_dependents(s: &mut State, owner_uid: &str, propagation: Propagation) {
    for (gr, dep) in dependents(s, owner_uid) {
        if object::is_deleting(&dep) && propagation == Propagation::Background {
            continue;
        }
        let remaining: Vec<String> = object::owner_uids(&dep).into_iter().filter(|u| u != owner_uid).collect();
        let owner_gone = propagation == Propagation::Foreground || !uid_exists(s, owner_uid);
        if !owner_gone {
            continue;
        }
        if remaining.iter().any(|u| uid_exists(s, u)) {
            drop_owner_ref(s, &gr, &dep, owner_uid);
            continue;
        }
        if let Some(rt) = s.registry.storage_type(&gr) {
            delete_object(s, &rt, &dep, Propagation::Background);
        }
    }
}

fn drop_owner_ref(s: &mut State, gr: &GroupResource, obj: &Value, owner_uid: &str) {
    let mut updated = obj.clone();
    if let Some(refs) = updated.pointer_mut("/metadata/ownerReferences").and_then(Value::as_array_mut) {
        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(owner_uid));
    }
    s.put(gr, updated);
}

fn orphan_dependents(s: &mut State, owner_uid: &str) {
    for (gr, dep) in dependents(s, owner_uid) {
        drop_owner_ref(s, &gr, &dep, owner_uid);
    }
}

/// After a dependent is gone, owners waiting in foreground deletion may finish.
fn release_owners(s: &mut State, removed: &Value) {
    for owner_uid in object::owner_uids(removed) {
        let owner = s.all().find(|(_, o)| object::uid(o) == owner_uid).map(|(gr, o)| (gr.clone(), o.clone()));
        let Some((gr, owner)) = owner else { continue };
        if let Some(rt) = s.registry.storage_type(&gr) {
            release_foreground(s, &rt, object::namespace(&owner), object::name(&owner));
        }
    }
}

/// Drops the foreground finalizer once no dependents remain.
fn release_foreground(s: &mut State, rt: &ResourceType, ns: &str, name: &str) -> Option<Value> {
    let obj = s.get(&rt.group_resource(), ns, name)?.clone();
    let finalizers = object::finalizers(&obj);
    if !finalizers.iter().any(|f| f == FOREGROUND) || has_dependents(s, object::uid(&obj)) {
        return None;
    }
    let rest: Vec<String> = finalizers.into_iter().filter(|f| f != FOREGROUND).collect();
    if rest.is_empty() {
        let (ns, name) = (ns.to_string(), name.to_string());
        return finish(s, rt, &ns, &name);
    }
    Some(mark_deleting(s, rt, &obj, rest))
}

fn terminate_namespace(s: &mut State, ns_obj: &Value) -> Value {
    let name = object::name(ns_obj).to_string();
    let gr = GroupResource::new("", "namespaces");
    let marked = if object::is_deleting(ns_obj) {
        ns_obj.clone()
    } else {
        let mut marked = ns_obj.clone();
        metadata_mut(&mut marked).insert("deletionTimestamp".into(), json!(now_rfc3339()));
        marked["status"] = json!({"phase": "Terminating"});
        s.put(&gr, marked)
    };
    let contents: Vec<(GroupResource, Value)> = s
        .all()
        .filter(|(_, o)| object::namespace(o) == name && !object::is_deleting(o))
        .map(|(gr, o)| (gr.clone(), o.clone()))
        .collect();
    for (gr, obj) in contents {
        if let Some(rt) = s.registry.storage_type(&gr)
            && s.get(&gr, object::namespace(&obj), object::name(&obj)).is_some()
        {
            delete_object(s, &rt, &obj, Propagation::Background);
        }
    }
    release_namespace(s, &name);
    marked
}

/// Removes a terminating namespace once it is empty.
fn release_namespace(s: &mut State, ns: &str) -> Option<Value> {
    let gr = GroupResource::new("", "namespaces");
    let terminating = s.get(&gr, "", ns).is_some_and(object::is_deleting);
    if !terminating || s.all().any(|(_, o)| object::namespace(o) == ns) {
        return None;
    }
    let removed = s.remove(&gr, "", ns)?;
    Some(removed)
}

/// DELETE on a collection: every object matching the selectors.
pub fn delete_collection(
    cluster: &Cluster,
    rt: &ResourceType,
    namespace: Option<&str>,
    labels: &LabelSelector,
    fields: &FieldSelector,
    opts: &DeleteOptions,
) -> ApiResult<Value> {
    cluster.store.write(|s| {
        let gr = rt.group_resource();
        let ns = if rt.namespaced { namespace } else { None };
        let matching: Vec<Value> =
            s.list(&gr, ns).filter(|o| labels.matches(object::labels(o)) && fields.matches(o)).cloned().collect();
        let mut deleted = Vec::new();
        for obj in matching {
            deleted.push(if opts.dry_run { obj } else { delete_object(s, rt, &obj, opts.propagation) });
        }
        Ok(json!({
            "kind": rt.list_kind(),
            "apiVersion": rt.api_version(),
            "metadata": {"resourceVersion": s.rv.to_string()},
            "items": deleted,
        }))
    })
}
