//! Which resources a patch (or replacement) targets: kustomize's `Selector`.
//!
//! group/version/kind/name/namespace are regular expressions anchored as kustomize anchors them
//! (`^(?:…)$`); name and namespace match the resource's current or original value (so a target
//! written before a name prefix still selects). `labelSelector`/`annotationSelector` use the
//! Kubernetes selector syntax (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`).

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use crate::kustomize::resource::IdRef;
use crate::kustomize::{KustomizeError, ResMap, Resource};

/// kustomize's `types.Selector`.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Selector {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

/// The indexes of the resources `sel` selects, in resource order.
pub fn select(res: &ResMap, sel: &Selector) -> Result<Vec<usize>, KustomizeError> {
    let compiled = Compiled::new(sel)?;
    let mut out = Vec::new();
    for (i, r) in res.iter().enumerate() {
        if compiled.matches(r)? {
            out.push(i);
        }
    }
    Ok(out)
}

/// A selector with its expressions compiled.
pub(crate) struct Compiled<'a> {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    sel: &'a Selector,
}

impl<'a> Compiled<'a> {
    pub(crate) fn new(sel: &'a Selector) -> Result<Compiled<'a>, KustomizeError> {
        Ok(Compiled {
            group: anchored(sel.group.as_deref())?,
            version: anchored(sel.version.as_deref())?,
            kind: anchored(sel.kind.as_deref())?,
            name: anchored(sel.name.as_deref())?,
            namespace: anchored(sel.namespace.as_deref())?,
            sel,
        })
    }

    pub(crate) fn matches(&self, r: &Resource) -> Result<bool, KustomizeError> {
        // Borrowed ids: this runs for every resource and every patch target.
        let current = IdRef::of(&r.obj);
        let (original_name, original_ns) =
            r.previous.first().map_or((current.name, current.namespace), |o| (o.name.as_str(), o.namespace.as_str()));
        let is = |re: &Option<Regex>, v: &str| re.as_ref().is_none_or(|re| re.is_match(v));
        let gvk_ok =
            is(&self.kind, current.kind) && is(&self.group, current.group) && is(&self.version, current.version);
        if !gvk_ok {
            return Ok(false);
        }
        let name_ok = is(&self.name, original_name) || is(&self.name, current.name);
        let ns_ok = is(&self.namespace, effective_namespace(original_ns))
            || is(&self.namespace, effective_namespace(current.namespace));
        if !(ns_ok && name_ok) {
            return Ok(false);
        }
        let meta = r.obj.get("metadata");
        Ok(matches_selector(self.sel.label_selector.as_deref(), meta.and_then(|m| m.get("labels")))?
            && matches_selector(self.sel.annotation_selector.as_deref(), meta.and_then(|m| m.get("annotations")))?)
    }
}

/// kustomize treats an empty namespace as `default` when matching.
fn effective_namespace(ns: &str) -> &str {
    if ns.is_empty() { "default" } else { ns }
}

fn anchored(expr: Option<&str>) -> Result<Option<Regex>, KustomizeError> {
    let Some(expr) = expr.filter(|e| !e.is_empty()) else { return Ok(None) };
    let full = format!("^(?:{expr})$");
    Regex::new(&full).map(Some).map_err(|e| KustomizeError::Invalid {
        file: String::new(),
        field: "target".to_owned(),
        message: format!("error parsing regexp {full:?}: {e}"),
    })
}

fn matches_selector(sel: Option<&str>, map: Option<&Value>) -> Result<bool, KustomizeError> {
    let Some(sel) = sel.filter(|s| !s.trim().is_empty()) else { return Ok(true) };
    let labels: BTreeMap<&str, String> = map
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), super::merge::scalar_text(v))).collect())
        .unwrap_or_default();
    let reqs = parse_selector(sel)?;
    Ok(reqs.iter().all(|r| r.matches(&labels)))
}

/// One requirement of a Kubernetes label selector.
#[derive(Debug, PartialEq)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    fn matches(&self, labels: &BTreeMap<&str, String>) -> bool {
        match self {
            Requirement::In(k, vs) => labels.get(k.as_str()).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k.as_str()).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k.as_str()),
            Requirement::NotExists(k) => !labels.contains_key(k.as_str()),
        }
    }
}

fn selector_error(sel: &str, why: &str) -> KustomizeError {
    KustomizeError::Invalid {
        file: String::new(),
        field: "target selector".to_owned(),
        message: format!("unable to parse requirement {sel:?}: {why}"),
    }
}

/// Splits at commas outside parentheses and parses each requirement.
fn parse_selector(sel: &str) -> Result<Vec<Requirement>, KustomizeError> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in sel.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&sel[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&sel[start..]);
    parts.into_iter().map(|p| parse_requirement(sel, p.trim())).collect()
}

fn parse_requirement(sel: &str, part: &str) -> Result<Requirement, KustomizeError> {
    if part.is_empty() {
        return Err(selector_error(sel, "empty requirement"));
    }
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::NotExists(valid_key(sel, key.trim())?));
    }
    for (op, negate) in [("!=", true), ("==", false), ("=", false)] {
        if let Some((k, v)) = part.split_once(op) {
            let (k, v) = (valid_key(sel, k.trim())?, v.trim().to_owned());
            return Ok(if negate { Requirement::NotIn(k, vec![v]) } else { Requirement::In(k, vec![v]) });
        }
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    match words.as_slice() {
        [key] => Ok(Requirement::Exists(valid_key(sel, key)?)),
        [key, rest] => {
            let rest = rest.trim();
            let (negate, list) = if let Some(l) = rest.strip_prefix("notin") {
                (true, l)
            } else if let Some(l) = rest.strip_prefix("in") {
                (false, l)
            } else {
                return Err(selector_error(sel, "expected one of in, notin, =, ==, !="));
            };
            let list = list.trim();
            let inner = list
                .strip_prefix('(')
                .and_then(|l| l.strip_suffix(')'))
                .ok_or_else(|| selector_error(sel, "expected a parenthesised list of values"))?;
            let values = inner.split(',').map(|v| v.trim().to_owned()).collect();
            let key = valid_key(sel, key)?;
            Ok(if negate { Requirement::NotIn(key, values) } else { Requirement::In(key, values) })
        }
        _ => Err(selector_error(sel, "empty requirement")),
    }
}

fn valid_key(sel: &str, key: &str) -> Result<String, KustomizeError> {
    let ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if ok { Ok(key.to_owned()) } else { Err(selector_error(sel, &format!("invalid label key {key:?}"))) }
}
