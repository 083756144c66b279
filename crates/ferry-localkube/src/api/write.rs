//! Create and update (PUT), and the commit step every write shares: server-owned metadata,
//! validation, defaults, generation, field ownership, no-op detection and finalizers.

use rand::Rng;
use serde_json::{Map, Value, json};

use super::defaults::{self, Allocation};
use super::managed::{self, Ownership};
use super::{Cluster, Target, WriteOptions, Written, check_type, fields, validate};
use crate::error::{ApiError, ApiResult, Cause};
use crate::object::{self, metadata_mut};
use crate::resource::ResourceType;
use crate::store::State;
use crate::time::now_rfc3339;

/// Metadata only the server may set; a client's values are ignored.
const SERVER_OWNED: &[&str] = &[
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
    "managedFields",
];

/// POST: creates an object.
pub fn create(cluster: &Cluster, t: &Target<'_>, mut obj: Value, opts: &WriteOptions) -> ApiResult<Written> {
    check_type(t.rt, &mut obj)?;
    let warnings = fields::check(t.rt, &mut obj, opts.validation)?;
    place(t, &mut obj)?;
    generate_name(&mut obj);
    let owner = Ownership::Update(opts.manager.clone());
    let object = cluster.store.write(|s| insert(s, t.rt, obj, owner, opts.dry_run))?;
    Ok(Written { object, warnings, created: true })
}

/// Puts the namespace of the URL into the object, or rejects a different one.
pub fn place(t: &Target<'_>, obj: &mut Value) -> ApiResult<()> {
    let body_ns = object::namespace(obj).to_string();
    let meta = metadata_mut(obj);
    if !t.rt.namespaced {
        meta.remove("namespace");
        return Ok(());
    }
    let url_ns = t.namespace.unwrap_or("default");
    if !body_ns.is_empty() && body_ns != url_ns {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    meta.insert("namespace".into(), json!(url_ns));
    Ok(())
}

fn generate_name(obj: &mut Value) {
    if !object::name(obj).is_empty() {
        return;
    }
    let Some(prefix) = object::str_at(obj, "/metadata/generateName").map(String::from) else { return };
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    let suffix: String = (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    metadata_mut(obj).insert("name".into(), json!(format!("{prefix}{suffix}")));
}

/// Stores a new object (the create half of create and server-side apply).
pub fn insert(s: &mut State, rt: &ResourceType, mut obj: Value, owner: Ownership, dry_run: bool) -> ApiResult<Value> {
    let (ns, name) = (object::namespace(&obj).to_string(), object::name(&obj).to_string());
    invalid_if_any(rt, &name, validate::name(rt, &name))?;
    if rt.namespaced {
        namespace_accepts(s, &ns)?;
    }
    let gr = rt.group_resource();
    if s.get(&gr, &ns, &name).is_some() {
        return Err(ApiError::already_exists(&rt.plural, &rt.group, &name));
    }
    let meta = metadata_mut(&mut obj);
    for key in SERVER_OWNED.iter().chain(&["resourceVersion"]) {
        meta.remove(*key);
    }
    meta.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
    meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
    if rt.generation {
        meta.insert("generation".into(), json!(1));
    }
    if rt.status
        && rt.kind != "Namespace"
        && let Some(map) = obj.as_object_mut()
    {
        map.remove("status");
    }
    check_content(rt, &obj)?;
    defaults::apply(rt, &mut obj, Allocation { seq: s.rv + 1 });
    managed::record(rt, None, &mut obj, owner);
    if rt.kind == "CustomResourceDefinition" && rt.crd.is_none() {
        super::read::crd_accepted(&mut obj);
        s.registry.add_crd(&obj)?;
        if dry_run {
            s.registry.remove_crd(&name);
        }
    }
    if dry_run {
        return Ok(obj);
    }
    Ok(s.put(&gr, obj))
}

/// A namespaced object needs an existing namespace that is not being deleted.
pub fn namespace_accepts(s: &State, ns: &str) -> ApiResult<()> {
    let Some(n) = s.get(&crate::resource::GroupResource::new("", "namespaces"), "", ns) else {
        return Err(ApiError::not_found("namespaces", "", ns));
    };
    if object::is_deleting(n) {
        return Err(ApiError::new(
            crate::error::Reason::Forbidden,
            format!("unable to create new content in namespace {ns} because it is being terminated"),
        )
        .with_details(ns, "", "namespaces"));
    }
    Ok(())
}

fn invalid_if_any(rt: &ResourceType, name: &str, causes: Vec<Cause>) -> ApiResult<()> {
    if causes.is_empty() { Ok(()) } else { Err(ApiError::invalid(&rt.kind, &rt.group, name, causes)) }
}

fn check_content(rt: &ResourceType, obj: &Value) -> ApiResult<()> {
    let mut causes = validate::metadata(obj);
    causes.extend(validate::spec(rt, obj));
    invalid_if_any(rt, object::name(obj), causes)
}

/// PUT: replaces an object (or its status) under optimistic concurrency.
pub fn update(
    cluster: &Cluster,
    t: &Target<'_>,
    mut obj: Value,
    opts: &WriteOptions,
    subresource: Option<&str>,
) -> ApiResult<Written> {
    check_type(t.rt, &mut obj)?;
    let warnings = fields::check(t.rt, &mut obj, opts.validation)?;
    place(t, &mut obj)?;
    match object::name(&obj) {
        "" => {
            metadata_mut(&mut obj).insert("name".into(), json!(t.name));
        }
        n if n != t.name => {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({})",
                t.name
            )));
        }
        _ => {}
    }
    let object = cluster.store.write(|s| {
        let old = current(s, t)?;
        check_version(t, &old, &obj)?;
        let owner = Ownership::for_write(&opts.manager, subresource);
        commit(s, t.rt, &old, obj, owner, opts.dry_run, subresource)
    })?;
    Ok(Written { object, warnings, created: false })
}

/// The stored object a request points at, or 404.
pub fn current(s: &State, t: &Target<'_>) -> ApiResult<Value> {
    s.get(&t.rt.group_resource(), t.ns(), t.name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(&t.rt.plural, &t.rt.group, t.name))
}

/// A body that names a resourceVersion must name the current one.
pub fn check_version(t: &Target<'_>, old: &Value, new: &Value) -> ApiResult<()> {
    let rv = object::resource_version(new);
    if !rv.is_empty() && rv != object::resource_version(old) {
        return Err(ApiError::stale(&t.rt.plural, &t.rt.group, t.name));
    }
    Ok(())
}

/// Commits a new version of an existing object.
pub fn commit(
    s: &mut State,
    rt: &ResourceType,
    old: &Value,
    mut new: Value,
    owner: Ownership,
    dry_run: bool,
    subresource: Option<&str>,
) -> ApiResult<Value> {
    keep_server_fields(old, &mut new);
    match subresource {
        Some("status") => new = with_status_of(old, &new),
        _ if rt.status && rt.kind != "Namespace" => set_or_remove(&mut new, "status", old.get("status")),
        _ => {}
    }
    check_content(rt, &new)?;
    defaults::apply(rt, &mut new, Allocation { seq: s.rv + 1 });
    if rt.generation && spec_changed(old, &new) {
        metadata_mut(&mut new).insert("generation".into(), json!(object::generation(old) + 1));
    }
    managed::record(rt, Some(old), &mut new, owner);
    if unchanged(old, &new) {
        return Ok(old.clone());
    }
    let (ns, name) = (object::namespace(old).to_string(), object::name(old).to_string());
    let gr = rt.group_resource();
    if rt.kind == "CustomResourceDefinition" && rt.crd.is_none() && !dry_run {
        s.registry.add_crd(&new)?;
    }
    if dry_run {
        return Ok(new);
    }
    if object::is_deleting(&new) && object::finalizers(&new).is_empty() {
        s.put(&gr, new);
        return Ok(super::delete::finish(s, rt, &ns, &name).unwrap_or_default());
    }
    Ok(s.put(&gr, new))
}

fn keep_server_fields(old: &Value, new: &mut Value) {
    let old_meta = old.get("metadata").and_then(Value::as_object).cloned().unwrap_or_default();
    let meta = metadata_mut(new);
    for key in SERVER_OWNED.iter().chain(&["name", "namespace", "resourceVersion"]) {
        match old_meta.get(*key) {
            Some(v) => meta.insert(key.to_string(), v.clone()),
            None => meta.remove(*key),
        };
    }
    // Finalizers may only be removed, not added, once deletion started.
    if old_meta.contains_key("deletionTimestamp") {
        let kept: Vec<Value> = object::finalizers(new)
            .into_iter()
            .filter(|f| object::finalizers(old).contains(f))
            .map(Value::String)
            .collect();
        metadata_mut(new).insert("finalizers".into(), Value::Array(kept));
    }
}

fn with_status_of(old: &Value, new: &Value) -> Value {
    let mut out = old.clone();
    set_or_remove(&mut out, "status", new.get("status"));
    out
}

fn set_or_remove(obj: &mut Value, key: &str, value: Option<&Value>) {
    if let Some(map) = obj.as_object_mut() {
        match value {
            Some(v) => map.insert(key.to_string(), v.clone()),
            None => map.remove(key),
        };
    }
}

/// Everything but metadata and status counts as spec for `generation`.
fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| -> Map<String, Value> {
        let mut m = v.as_object().cloned().unwrap_or_default();
        for k in ["metadata", "status", "apiVersion", "kind"] {
            m.remove(k);
        }
        m
    };
    strip(old) != strip(new)
}

/// A write that changes nothing but timestamps in managedFields is a no-op.
fn unchanged(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
            if let Some(Value::Array(entries)) = m.get_mut("managedFields") {
                for e in entries.iter_mut().filter_map(Value::as_object_mut) {
                    e.remove("time");
                }
            }
        }
        v
    };
    strip(old) == strip(new)
}
