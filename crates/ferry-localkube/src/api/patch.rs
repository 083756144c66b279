//! PATCH in its four forms — JSON merge, JSON patch (RFC 6902), strategic merge, and
//! server-side apply — on objects and on their `status` and `scale` subresources.

use ferry_core::managed_fields::{self, ApplyError};
use ferry_core::strategic_merge::strategic_merge;
use serde_json::{Value, json};

use super::managed::{self, Ownership};
use super::write::{check_version, commit, current, insert, namespace_accepts, place};
use super::{Cluster, Target, WriteOptions, Written, check_type, fields};
use crate::error::{ApiError, ApiResult, Cause, Reason};
use crate::object::{self, dotted, set_dotted};
use crate::resource::ResourceType;
use crate::selector::LabelSelector;
use crate::time::now_rfc3339;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Merge,
    Json,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(ct: &str) -> Option<Self> {
        match ct.split(';').next().unwrap_or("").trim() {
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/json-patch+json" => Some(PatchType::Json),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+json" => Some(PatchType::Apply),
            _ => None,
        }
    }
}

/// PATCH on an object or its status/scale subresource.
pub fn patch(
    cluster: &Cluster,
    t: &Target<'_>,
    kind: PatchType,
    body: Value,
    opts: &WriteOptions,
    subresource: Option<&str>,
) -> ApiResult<Written> {
    if kind == PatchType::Apply {
        return apply(cluster, t, body, opts, subresource);
    }
    if kind == PatchType::Strategic && t.rt.crd.is_some() {
        return Err(ApiError::new(
            Reason::UnsupportedMediaType,
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
        ));
    }
    let mut warnings = Vec::new();
    let object = cluster.store.write(|s| {
        let old = current(s, t)?;
        let base = if subresource == Some("scale") { scale_of(t.rt, &old) } else { old.clone() };
        let mut patched = apply_patch(t.rt, &base, kind, &body)?;
        check_version(t, &old, &patched)?;
        let new = if subresource == Some("scale") {
            with_scale(t.rt, &old, &patched)?
        } else {
            check_type(t.rt, &mut patched)?;
            warnings = fields::check(t.rt, &mut patched, opts.validation)?;
            patched
        };
        let sub = subresource.filter(|s| *s == "status");
        let owner = Ownership::for_write(&opts.manager, sub);
        let stored = commit(s, t.rt, &old, new, owner, opts.dry_run, sub)?;
        Ok::<_, ApiError>(if subresource == Some("scale") { scale_of(t.rt, &stored) } else { stored })
    })?;
    Ok(Written { object, warnings, created: false })
}

fn apply_patch(rt: &ResourceType, base: &Value, kind: PatchType, body: &Value) -> ApiResult<Value> {
    let mut doc = base.clone();
    match kind {
        PatchType::Merge => {
            if !body.is_object() {
                return Err(ApiError::bad_request("the body of a merge patch must be a JSON object"));
            }
            json_patch::merge(&mut doc, body);
        }
        PatchType::Json => {
            let p: json_patch::Patch = serde_json::from_value(body.clone()).map_err(|e| {
                ApiError::bad_request(format!("the body of a JSON patch is not a list of operations: {e}"))
            })?;
            json_patch::patch(&mut doc, &p).map_err(|e| patch_failed(rt, base, &e.to_string()))?;
        }
        PatchType::Strategic => {
            doc = strategic_merge(base, body, managed::type_of(rt))
                .map_err(|e| patch_failed(rt, base, &e.to_string()))?;
        }
        PatchType::Apply => unreachable!("apply is handled separately"),
    }
    Ok(doc)
}

fn patch_failed(rt: &ResourceType, obj: &Value, why: &str) -> ApiError {
    ApiError::invalid(
        &rt.kind,
        &rt.group,
        object::name(obj),
        vec![Cause {
            kind: "FieldValueInvalid".into(),
            message: format!("the patch could not be applied: {why}"),
            field: "".into(),
        }],
    )
}

/// Server-side apply: merges the applied configuration with field ownership and conflicts.
fn apply(
    cluster: &Cluster,
    t: &Target<'_>,
    mut config: Value,
    opts: &WriteOptions,
    subresource: Option<&str>,
) -> ApiResult<Written> {
    if opts.manager.is_empty() {
        return Err(ApiError::bad_request("fieldManager is required for apply requests"));
    }
    if !config.is_object() {
        return Err(ApiError::bad_request("the applied configuration must be an object"));
    }
    let missing_type = config.get("apiVersion").is_none() || config.get("kind").is_none();
    if missing_type {
        return Err(ApiError::bad_request("apiVersion and kind must be set in an applied configuration"));
    }
    check_type(t.rt, &mut config)?;
    let warnings = fields::check(t.rt, &mut config, opts.validation)?;
    place(t, &mut config)?;
    if object::name(&config) != t.name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({})",
            object::name(&config),
            t.name
        )));
    }
    let (object, created) = cluster.store.write(|s| {
        let old = s.get(&t.rt.group_resource(), t.ns(), t.name).cloned();
        let live = old.as_ref().map(managed::stripped);
        let entries = old.as_ref().map(managed::entries_of).unwrap_or_default();
        if old.is_none() && t.rt.namespaced {
            namespace_accepts(s, t.ns())?;
        }
        let applied = managed_fields::apply(
            live.as_ref(),
            &managed::stripped(&config),
            &entries,
            &opts.manager,
            opts.force,
            &t.rt.api_version(),
            managed::type_of(t.rt),
            &now_rfc3339(),
        )
        .map_err(|e| apply_error(t, e))?;
        let owner = Ownership::Applied(applied.managed);
        match old {
            None => Ok::<_, ApiError>((insert(s, t.rt, applied.object, owner, opts.dry_run)?, true)),
            Some(old) => {
                let sub = subresource.filter(|s| *s == "status");
                Ok((commit(s, t.rt, &old, applied.object, owner, opts.dry_run, sub)?, false))
            }
        }
    })?;
    Ok(Written { object, warnings, created })
}

fn apply_error(t: &Target<'_>, e: ApplyError) -> ApiError {
    match e {
        ApplyError::Conflicts(conflicts) => {
            let n = conflicts.len();
            let mut err =
                ApiError::new(Reason::Conflict, String::new()).with_details(t.name, &t.rt.group, &t.rt.plural);
            let mut lines = Vec::new();
            for c in &conflicts {
                let msg = format!("conflict with \"{}\" using {}", c.manager, c.api_version);
                lines.push(format!("{msg}: {}", c.field));
                err = err.with_cause("FieldManagerConflict", &msg, &c.field);
            }
            err.message = if n == 1 {
                format!("Apply failed with 1 conflict: {}", lines[0])
            } else {
                format!("Apply failed with {n} conflicts: {}", lines.join("\n"))
            };
            err
        }
        other => ApiError::bad_request(other.to_string()),
    }
}

/// The `autoscaling/v1` `Scale` view of an object.
pub fn scale_of(rt: &ResourceType, obj: &Value) -> Value {
    let paths = rt.scale.clone().unwrap_or_else(|| crate::resource::ScalePaths {
        spec_replicas: ".spec.replicas".into(),
        status_replicas: ".status.replicas".into(),
        label_selector: None,
    });
    let selector = match paths.label_selector.as_deref().and_then(|p| dotted(obj, p)) {
        Some(Value::String(s)) => s.clone(),
        _ => obj
            .pointer("/spec/selector")
            .and_then(|s| LabelSelector::from_object(s).ok())
            .map(|s| s.to_query())
            .unwrap_or_default(),
    };
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": object::name(obj),
            "namespace": object::namespace(obj),
            "uid": object::uid(obj),
            "resourceVersion": object::resource_version(obj),
            "creationTimestamp": obj.pointer("/metadata/creationTimestamp"),
        },
        "spec": {"replicas": dotted(obj, &paths.spec_replicas).cloned().unwrap_or(json!(0))},
        "status": {
            "replicas": dotted(obj, &paths.status_replicas).cloned().unwrap_or(json!(0)),
            "selector": selector,
        },
    })
}

/// Writes a `Scale`'s `spec.replicas` back into the object.
pub fn with_scale(rt: &ResourceType, old: &Value, scale: &Value) -> ApiResult<Value> {
    let Some(replicas) = scale.pointer("/spec/replicas").and_then(Value::as_i64).filter(|r| *r >= 0) else {
        return Err(ApiError::invalid(
            "Scale",
            "autoscaling",
            object::name(old),
            vec![Cause {
                kind: "FieldValueInvalid".into(),
                message: "must be greater than or equal to 0".into(),
                field: "spec.replicas".into(),
            }],
        ));
    };
    let path = rt.scale.as_ref().map_or(".spec.replicas", |s| s.spec_replicas.as_str());
    let mut new = old.clone();
    set_dotted(&mut new, path, json!(replicas));
    Ok(new)
}

/// PUT on `/scale`.
pub fn update_scale(cluster: &Cluster, t: &Target<'_>, scale: Value, opts: &WriteOptions) -> ApiResult<Written> {
    let object = cluster.store.write(|s| {
        let old = current(s, t)?;
        let new = with_scale(t.rt, &old, &scale)?;
        let owner = Ownership::Update(opts.manager.clone());
        let stored = commit(s, t.rt, &old, new, owner, opts.dry_run, None)?;
        Ok::<_, ApiError>(scale_of(t.rt, &stored))
    })?;
    Ok(Written { object, warnings: Vec::new(), created: false })
}
