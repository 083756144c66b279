//! Name references (kustomize's nameReferenceTransformer and `nameref` filter): after names and
//! namespaces changed (prefix/suffix, namespace, hash suffixes), the fields that refer to an
//! object by its old name are updated to its new name.
//!
//! For each referrer and each back reference whose field spec selects the referrer's original
//! kind, the value at that path (a name, a list of names, or a `{name, namespace}` map such as
//! a RoleBinding subject or a webhook's service) is matched against the candidates that could
//! be referred to: objects of the back reference's kind that once had that name, in the
//! referrer's namespace (cluster-scoped objects and ServiceAccounts may be referred to from any
//! namespace; a cluster-scoped referrer may refer to anything; a RoleBinding also to objects in
//! its ServiceAccount subjects' namespaces). For `roleRef/name` the roleRef's `apiGroup` and
//! `kind` must match too. One candidate, or several with the same new name, is the referral;
//! otherwise those among them with the referrer's name prefixes and suffixes (kustomize's
//! `prefixSuffixEquals`); several with different names is an error.

use std::collections::BTreeSet;

use serde_json::Value;

use super::super::config::NameBackRef;
use super::super::fieldspec::{self, Create, FieldSpec, Gvk};
use super::super::resource::same_ending;
use super::super::{KustomizeError, ResId, ResMap, Resource};
use super::scope::{effective_namespace, gvk_is_cluster_scoped};

/// What a referral candidate looks like to the filters (a snapshot taken before any update).
#[derive(Debug, Clone)]
struct Candidate {
    current: ResId,
    original: ResId,
    previous: Vec<ResId>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    /// The current id's kind is cluster-scoped (computed once: asked for every referrer).
    cluster_scoped: bool,
    /// The current id's effective namespace.
    namespace: String,
}

impl Candidate {
    fn of(r: &Resource) -> Candidate {
        let current = r.id();
        let original = r.previous.first().cloned().unwrap_or_else(|| current.clone());
        let cluster_scoped = gvk_is_cluster_scoped(&current.group, &current.version, &current.kind);
        let namespace = effective_namespace(&current).to_owned();
        Candidate {
            current,
            original,
            previous: r.previous.clone(),
            prefixes: r.prefixes.clone(),
            suffixes: r.suffixes.clone(),
            cluster_scoped,
            namespace,
        }
    }

    /// kustomize's `PrefixesSuffixesEquals`.
    fn same_affixes(&self, other: &Candidate) -> bool {
        same_ending(&self.prefixes, &other.prefixes) && same_ending(&self.suffixes, &other.suffixes)
    }
}

/// The referrer being fixed and the back reference being applied.
struct Referral<'a> {
    referrer: &'a ResId,
    referrer_affixes: &'a Candidate,
    target: &'a NameBackRef,
    path: &'a str,
    role_ref: Option<Gvk>,
}

/// Updates references to renamed objects in every object.
pub fn fix(res: &mut ResMap, refs: &[NameBackRef], file: &str) -> Result<(), KustomizeError> {
    let all: Vec<Candidate> = res.iter().map(Candidate::of).collect();
    for i in 0..res.len() {
        let original = &all[i].original;
        let original_gvk =
            Gvk { group: original.group.clone(), version: original.version.clone(), kind: original.kind.clone() };
        let referrer_id = all[i].current.clone();
        // Computed on the first field spec that applies: most objects refer to nothing.
        let mut candidates: Option<Vec<&Candidate>> = None;
        let role_ref = role_ref_gvk(&res[i].obj);
        for target in refs {
            for spec in target.field_specs.iter().filter(|s| s.selects(&original_gvk)) {
                let candidates = candidates.get_or_insert_with(|| could_be_referenced_by(&res[i].obj, &all[i], &all));
                let referral = Referral {
                    referrer: &referrer_id,
                    referrer_affixes: &all[i],
                    target,
                    path: &spec.path,
                    role_ref: if spec.path.ends_with("roleRef/name") { role_ref.clone() } else { None },
                };
                let walk_spec =
                    FieldSpec { group: None, version: None, kind: None, path: spec.path.clone(), create: false };
                let mut set = |node: &mut Value| set(node, &referral, candidates);
                fieldspec::apply(&mut res[i].obj, &walk_spec, Create::Scalar, file, &mut set).map_err(|e| match e {
                    KustomizeError::Invalid { file, field, message } => KustomizeError::Invalid {
                        file,
                        field,
                        message: format!(
                            "updating name reference in '{}' field of {}: {message}",
                            spec.path, referrer_id
                        ),
                    },
                    other => other,
                })?;
            }
        }
    }
    Ok(())
}

/// kustomize's `SubsetThatCouldBeReferencedByResource`.
fn could_be_referenced_by<'a>(obj: &Value, referrer: &Candidate, all: &'a [Candidate]) -> Vec<&'a Candidate> {
    if referrer.cluster_scoped {
        return all.iter().collect();
    }
    let binding_namespaces = role_binding_namespaces(obj, &referrer.current);
    all.iter()
        .filter(|c| {
            c.cluster_scoped
                || c.namespace == referrer.namespace
                || binding_namespaces.contains(c.current.namespace.as_str())
        })
        .collect()
}

/// The namespaces of a RoleBinding's ServiceAccount subjects.
fn role_binding_namespaces<'a>(obj: &'a Value, referrer: &ResId) -> BTreeSet<&'a str> {
    if referrer.kind != "RoleBinding" {
        return BTreeSet::new();
    }
    let subjects = obj.get("subjects").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    subjects
        .iter()
        .filter(|s| s.get("kind").and_then(Value::as_str) == Some("ServiceAccount"))
        .filter_map(|s| s.get("namespace").and_then(Value::as_str))
        .collect()
}

/// The group and kind in a binding's `roleRef`, when both are there.
fn role_ref_gvk(obj: &Value) -> Option<Gvk> {
    let role_ref = obj.get("roleRef")?;
    let text = |key: &str| role_ref.get(key).map(|v| v.as_str().unwrap_or_default().to_owned());
    Some(Gvk { group: text("apiGroup")?, version: String::new(), kind: text("kind")? })
}

/// The setter at the referrer's field: a name, a `{name, namespace}` map, or a list of them.
fn set(node: &mut Value, referral: &Referral, candidates: &[&Candidate]) -> Result<(), String> {
    match node {
        Value::Null => Ok(()),
        Value::Object(_) => set_mapping(node, referral, candidates),
        Value::Array(items) => {
            for item in items.iter_mut() {
                match item {
                    Value::Object(_) => set_mapping(item, referral, candidates)?,
                    Value::Array(_) => {
                        return Err(format!("{item} is expected to be either a string or a map of string"));
                    }
                    _ => set_scalar(item, referral, candidates)?,
                }
            }
            Ok(())
        }
        _ => set_scalar(node, referral, candidates),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn set_scalar(node: &mut Value, referral: &Referral, candidates: &[&Candidate]) -> Result<(), String> {
    let old = text_of(node);
    let Some(found) = select(&old, candidates.to_vec(), referral, |a, b| a.name == b.name)? else {
        return Ok(());
    };
    if found.name != old {
        *node = Value::String(found.name.clone());
    }
    Ok(())
}

fn set_mapping(node: &mut Value, referral: &Referral, candidates: &[&Candidate]) -> Result<(), String> {
    let Value::Object(map) = node else { return Err("expect a mapping node".to_owned()) };
    let Some(name) = map.get("name") else { return Err("path config error; no 'name' field in node".to_owned()) };
    let old = text_of(name);
    let in_namespace: Vec<&Candidate> = match map.get("namespace") {
        None => candidates.to_vec(),
        Some(ns) => {
            let ns = text_of(ns);
            let grouped = |by_original: bool| -> Vec<&Candidate> {
                candidates
                    .iter()
                    .copied()
                    .filter(|c| {
                        let id = if by_original { &c.original } else { &c.current };
                        !gvk_is_cluster_scoped(&id.group, &id.version, &id.kind) && effective_namespace(id) == ns
                    })
                    .collect()
            };
            let by_original = grouped(true);
            if by_original.is_empty() { grouped(false) } else { by_original }
        }
    };
    let same = |a: &ResId, b: &ResId| a.name == b.name && a.namespace == b.namespace;
    let Some(found) = select(&old, in_namespace, referral, same)? else { return Ok(()) };
    if found.name == old && found.namespace.is_empty() {
        return Ok(());
    }
    map.insert("name".to_owned(), Value::String(found.name.clone()));
    if !found.namespace.is_empty() {
        map.insert("namespace".to_owned(), Value::String(found.namespace.clone()));
    }
    Ok(())
}

/// kustomize's `selectReferral`: the current id of the one object referred to by `old`.
fn select<'c>(
    old: &str,
    candidates: Vec<&'c Candidate>,
    referral: &Referral,
    identical: impl Fn(&ResId, &ResId) -> bool,
) -> Result<Option<&'c ResId>, String> {
    let target = referral.target;
    let referrer = referral.referrer;
    let referrer_clustered = gvk_is_cluster_scoped(&referrer.group, &referrer.version, &referrer.kind);
    let referrer_namespace = effective_namespace(referrer);
    let picked: Vec<&Candidate> = candidates
        .into_iter()
        .filter(|c| c.previous.iter().any(|id| id.name == old))
        .filter(|c| c.previous.iter().any(|id| target.selects(&gvk(id))))
        .filter(|c| {
            referral.role_ref.as_ref().is_none_or(|want| c.previous.iter().any(|id| selected_by(&gvk(id), want)))
        })
        .filter(|c| {
            referrer_clustered
                || c.cluster_scoped
                || c.current.kind == "ServiceAccount"
                || c.namespace == referrer_namespace
        })
        .collect();
    if let [one] = picked.as_slice() {
        return Ok(Some(&one.current));
    }
    // Several: those with the referrer's prefixes and suffixes.
    let picked: Vec<&Candidate> = picked.into_iter().filter(|c| c.same_affixes(referral.referrer_affixes)).collect();
    match picked.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(&one.current)),
        [first, rest @ ..] if rest.iter().all(|c| identical(&first.current, &c.current)) => Ok(Some(&first.current)),
        many => {
            let ids: Vec<String> = many.iter().map(|c| c.current.to_string()).collect();
            Err(format!("found multiple possible referrals for {old:?} in {}: {}", referral.path, ids.join(", ")))
        }
    }
}

fn gvk(id: &ResId) -> Gvk {
    Gvk { group: id.group.clone(), version: id.version.clone(), kind: id.kind.clone() }
}

/// Whether `selector`'s non-empty parts equal `gvk`'s.
fn selected_by(gvk: &Gvk, selector: &Gvk) -> bool {
    (selector.group.is_empty() || selector.group == gvk.group)
        && (selector.version.is_empty() || selector.version == gvk.version)
        && (selector.kind.is_empty() || selector.kind == gvk.kind)
}

#[cfg(test)]
#[path = "name_reference_tests.rs"]
mod tests;
