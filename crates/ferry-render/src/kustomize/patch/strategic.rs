//! Applying strategic merge patches to resources, as kustomize's PatchTransformer and
//! `patchesStrategicMerge` do.
//!
//! Without a target a patch document applies to the one resource whose current or earlier id
//! equals the document's own (apiVersion, kind, name, namespace; no namespace = `default`),
//! and it is an error when there is none. With a target it applies to every selected resource
//! (none is fine), taking the resource's apiVersion. A patch never changes the namespace, and
//! changes name or kind only when its options allow it; `$patch: delete` at the top removes the
//! resource.

use serde_json::Value;

use super::PatchOptions;
use super::merge::merge;
use super::selector::{Selector, select};
use crate::kustomize::{KustomizeError, ResId, ResMap, Resource};

/// Applies each patch document (`file` names where it came from) to the resources.
pub(super) fn apply(
    res: &mut ResMap,
    docs: &[Value],
    target: Option<&Selector>,
    options: PatchOptions,
    file: &str,
) -> Result<(), KustomizeError> {
    for doc in docs {
        let indexes = match target {
            Some(sel) => select(res, sel).map_err(|e| super::in_file(e, file))?,
            None => vec![unique_target(res, doc, file)?],
        };
        let mut deleted = Vec::new();
        for i in indexes {
            let mut patch = doc.clone();
            if target.is_some() {
                set_api_version(&mut patch, &res[i].obj);
            }
            if !apply_one(&mut res[i], &patch, options, file)? {
                deleted.push(i);
            }
        }
        for i in deleted.into_iter().rev() {
            res.remove(i);
        }
    }
    Ok(())
}

/// The index of the one resource a target-less patch document names.
fn unique_target(res: &ResMap, doc: &Value, file: &str) -> Result<usize, KustomizeError> {
    let want = ResId::of(doc);
    let found: Vec<usize> = res
        .iter()
        .enumerate()
        .filter(|(_, r)| could_be(r, &want) && r.all_ids().any(|id| same_id(&id, &want)))
        .map(|(i, _)| i)
        .collect();
    let shown = kustomize_id(&want);
    match found.as_slice() {
        [i] => Ok(*i),
        [] => Err(KustomizeError::Patch {
            file: file.to_owned(),
            message: format!(
                "no resource matches strategic merge patch \"{shown}\": no matches for Id {shown}; failed to find unique target for patch {shown}"
            ),
        }),
        _ => Err(KustomizeError::Patch {
            file: file.to_owned(),
            message: format!("multiple matches for Id {shown}; failed to find unique target for patch {shown}"),
        }),
    }
}

/// A cheap first test: the resource's current or an earlier name is the patch's name.
fn could_be(r: &crate::kustomize::Resource, want: &ResId) -> bool {
    r.name() == want.name || r.previous.iter().any(|id| id.name == want.name)
}

/// kustomize's `ResId.Equals`: same group, version, kind, name, and namespace (empty = default).
fn same_id(a: &ResId, b: &ResId) -> bool {
    let ns = |n: &str| if n.is_empty() { "default".to_owned() } else { n.to_owned() };
    a.group == b.group
        && a.version == b.version
        && a.kind == b.kind
        && a.name == b.name
        && ns(&a.namespace) == ns(&b.namespace)
}

/// kustomize's id text: `Kind.version.group/name.namespace`.
pub(super) fn kustomize_id(id: &ResId) -> String {
    let group = if id.group.is_empty() { "[noGrp]" } else { &id.group };
    let ns = if id.namespace.is_empty() { "[noNs]" } else { &id.namespace };
    format!("{}.{}.{}/{}.{}", id.kind, id.version, group, id.name, ns)
}

fn set_api_version(patch: &mut Value, target: &Value) {
    if let (Some(map), Some(av)) = (patch.as_object_mut(), target.get("apiVersion")) {
        map.insert("apiVersion".to_owned(), av.clone());
    }
}

/// Merges `patch` into one resource; `false` when the patch deleted it.
fn apply_one(r: &mut Resource, patch: &Value, options: PatchOptions, file: &str) -> Result<bool, KustomizeError> {
    let before = r.id();
    if options.allow_name_change || options.allow_kind_change {
        r.remember_id();
    }
    let merged = merge(&r.obj, patch).map_err(|message| KustomizeError::Patch {
        file: file.to_owned(),
        message: format!("failed to apply patch to {}: {message}", kustomize_id(&before)),
    })?;
    let Some(merged) = merged.filter(|m| m.as_object().is_some_and(|o| !o.is_empty())) else {
        return Ok(false);
    };
    r.obj = merged;
    if !options.allow_kind_change {
        set_str(&mut r.obj, &["kind"], &before.kind);
    }
    if !options.allow_name_change {
        set_str(&mut r.obj, &["metadata", "name"], &before.name);
    }
    set_str(&mut r.obj, &["metadata", "namespace"], &before.namespace);
    Ok(true)
}

/// Sets a string field (removing it for ""), creating `metadata` when needed.
fn set_str(obj: &mut Value, path: &[&str], value: &str) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut cur = obj;
    for p in parents {
        let Some(map) = cur.as_object_mut() else { return };
        cur = map.entry((*p).to_owned()).or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    let Some(map) = cur.as_object_mut() else { return };
    if value.is_empty() {
        map.shift_remove(*last);
    } else {
        map.insert((*last).to_owned(), Value::String(value.to_owned()));
    }
}
