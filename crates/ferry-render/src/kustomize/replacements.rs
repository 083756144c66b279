//! `replacements:`: copy a field of one resource (the source) into fields of others (the
//! targets), as kustomize's ReplacementTransformer does.
//!
//! The source is selected by exact group/version/kind/name/namespace (current or earlier id)
//! and must be unique; `fieldPath` defaults to `metadata.name`; `delimiter`/`index` take one
//! part of it. Targets are selected the same way (plus label/annotation selectors), minus
//! `reject`; each field path must exist unless `create: true`. A scalar target keeps its type
//! (a number stays a number when the new text is one); other targets take the source value.

use serde::Deserialize;
use serde_json::Value;

use super::fieldpath::{self, Create, Segment};
use super::patch::Selector;
use super::patch::selector::Compiled;
use super::{KustDir, KustomizeError, ResId, ResMap, Resource};

/// One entry of `replacements:`: a file holding a list of replacements, or one inline.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
pub struct ReplacementEntry {
    pub path: Option<String>,
    pub source: Option<SourceSelector>,
    #[serde(default)]
    pub targets: Vec<TargetSelector>,
}

/// Where the value comes from.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SourceSelector {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub field_path: Option<String>,
    pub options: Option<FieldOptions>,
}

/// Where the value goes.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TargetSelector {
    pub select: Option<Selector>,
    #[serde(default)]
    pub reject: Vec<Selector>,
    #[serde(default)]
    pub field_paths: Vec<String>,
    pub options: Option<FieldOptions>,
}

/// `options:` of a source or target.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct FieldOptions {
    pub delimiter: String,
    pub index: i64,
    pub encoding: String,
    pub create: bool,
}

const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Applies the replacements in order.
pub fn apply(res: &mut ResMap, entries: &[ReplacementEntry], kd: &KustDir) -> Result<(), KustomizeError> {
    for entry in entries {
        let (file, list) = expand(entry, kd)?;
        for r in &list {
            apply_one(res, r, &file)?;
        }
    }
    Ok(())
}

/// The inline replacement, or the ones in the entry's file, and the file to name in errors.
fn expand(entry: &ReplacementEntry, kd: &KustDir) -> Result<(String, Vec<ReplacementEntry>), KustomizeError> {
    let Some(path) = &entry.path else { return Ok((kd.file.to_owned(), vec![entry.clone()])) };
    if entry.source.is_some() || !entry.targets.is_empty() {
        return Err(invalid(kd.file, "a replacement has either path or source and targets, not both"));
    }
    let (file, bytes) = kd.read(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| KustomizeError::Io { path: file.clone(), message: "not UTF-8 text".to_owned() })?;
    let docs = super::parse::parse_documents(&file, &text)?;
    let mut out = Vec::new();
    for doc in docs {
        let items = match doc.value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let r: ReplacementEntry = serde_json::from_value(item).map_err(|e| invalid(&file, &e.to_string()))?;
            out.push(r);
        }
    }
    Ok((file, out))
}

fn invalid(file: &str, message: &str) -> KustomizeError {
    KustomizeError::Invalid { file: file.to_owned(), field: "replacements".to_owned(), message: message.to_owned() }
}

fn failed(file: &str, message: String) -> KustomizeError {
    KustomizeError::Patch { file: file.to_owned(), message }
}

fn apply_one(res: &mut ResMap, r: &ReplacementEntry, file: &str) -> Result<(), KustomizeError> {
    let Some(source) = &r.source else {
        return Err(invalid(file, "replacements must specify a source and at least one target"));
    };
    if r.targets.is_empty() {
        return Err(invalid(file, "replacements must specify a source and at least one target"));
    }
    let value = source_value(res, source, file)?;
    for target in &r.targets {
        apply_target(res, &value, target, file)?;
    }
    Ok(())
}

/// The selector's id fields (empty ones match anything).
fn wanted(
    group: &Option<String>,
    version: &Option<String>,
    kind: &Option<String>,
    name: &Option<String>,
    namespace: &Option<String>,
) -> ResId {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    ResId { group: s(group), version: s(version), kind: s(kind), name: s(name), namespace: s(namespace) }
}

/// kustomize's `ResId.IsSelectedBy`: every non-empty field equal (namespace "" = default).
fn selected_by(id: &ResId, sel: &ResId) -> bool {
    let eq = |want: &str, have: &str| want.is_empty() || want == have;
    let ns = |n: &str| if n.is_empty() { "default".to_owned() } else { n.to_owned() };
    eq(&sel.group, &id.group)
        && eq(&sel.version, &id.version)
        && eq(&sel.kind, &id.kind)
        && eq(&sel.name, &id.name)
        && (sel.namespace.is_empty() || ns(&sel.namespace) == ns(&id.namespace))
}

fn any_id_selected(r: &Resource, sel: &ResId) -> bool {
    r.all_ids().any(|id| selected_by(&id, sel))
}

/// kustomize's id text with placeholders (`ConfigMap.[noVer].[noGrp]/src.[noNs]`).
fn shown(id: &ResId) -> String {
    let or = |v: &str, p: &'static str| if v.is_empty() { p.to_owned() } else { v.to_owned() };
    format!(
        "{}.{}.{}/{}.{}",
        id.kind,
        or(&id.version, "[noVer]"),
        or(&id.group, "[noGrp]"),
        id.name,
        or(&id.namespace, "[noNs]")
    )
}

/// The value the source selects, refined by its delimiter/index.
fn source_value(res: &ResMap, source: &SourceSelector, file: &str) -> Result<Value, KustomizeError> {
    let sel = wanted(&source.group, &source.version, &source.kind, &source.name, &source.namespace);
    let mut matches = res.iter().filter(|r| any_id_selected(r, &sel));
    let Some(found) = matches.next() else {
        return Err(failed(file, format!("nothing selected by {}", shown(&sel))));
    };
    if matches.next().is_some() {
        return Err(failed(file, format!("found more than one resources matching from {}", shown(&sel))));
    }
    let path = source.field_path.as_deref().filter(|p| !p.is_empty()).unwrap_or(DEFAULT_FIELD_PATH);
    let value = fieldpath::lookup(&found.obj, &fieldpath::parse(path))
        .filter(|v| !is_nil_or_empty(v))
        .ok_or_else(|| failed(file, format!("fieldPath `{path}` is missing for replacement source {}", shown(&sel))))?;
    let Some(opts) = source.options.as_ref().filter(|o| !o.delimiter.is_empty()) else { return Ok(value.clone()) };
    if value.is_object() || value.is_array() {
        return Err(failed(file, "delimiter option can only be used with scalar nodes".to_owned()));
    }
    let text = fieldpath::scalar_text(value);
    let parts: Vec<&str> = text.split(opts.delimiter.as_str()).collect();
    let part = usize::try_from(opts.index)
        .ok()
        .and_then(|i| parts.get(i))
        .ok_or_else(|| failed(file, format!("options.index {} is out of bounds for value {text}", opts.index)))?;
    Ok(Value::String((*part).to_owned()))
}

fn is_nil_or_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Whether a target selector (ids exactly, labels/annotations as selectors) picks `r`.
fn target_selects(
    r: &Resource,
    target: &TargetSelector,
    select: &Selector,
    file: &str,
) -> Result<bool, KustomizeError> {
    let by_meta = |sel: &Selector| -> Result<bool, KustomizeError> {
        let meta_only = Selector {
            label_selector: sel.label_selector.clone(),
            annotation_selector: sel.annotation_selector.clone(),
            ..Selector::default()
        };
        Compiled::new(&meta_only).and_then(|c| c.matches(r)).map_err(|e| in_file(e, file))
    };
    if !by_meta(select)? {
        return Ok(false);
    }
    for reject in &target.reject {
        let meta = reject.label_selector.is_some() || reject.annotation_selector.is_some();
        if meta && by_meta(reject)? {
            return Ok(false);
        }
    }
    let id_of = |s: &Selector| wanted(&s.group, &s.version, &s.kind, &s.name, &s.namespace);
    let rejected =
        target.reject.iter().map(id_of).filter(|id| *id != ResId::default()).any(|id| any_id_selected(r, &id));
    Ok(any_id_selected(r, &id_of(select)) && !rejected)
}

fn in_file(e: KustomizeError, file: &str) -> KustomizeError {
    match e {
        KustomizeError::Invalid { file: f, field, message } if f.is_empty() => {
            KustomizeError::Invalid { file: file.to_owned(), field, message }
        }
        other => other,
    }
}

fn apply_target(res: &mut ResMap, value: &Value, target: &TargetSelector, file: &str) -> Result<(), KustomizeError> {
    let Some(select) = &target.select else {
        return Err(invalid(file, "target must specify resources to select"));
    };
    let default = [DEFAULT_FIELD_PATH.to_owned()];
    let paths: &[String] = if target.field_paths.is_empty() { &default } else { &target.field_paths };
    let opts = target.options.clone().unwrap_or_default();
    for r in res.iter_mut() {
        if !target_selects(r, target, select, file)? {
            continue;
        }
        for path in paths {
            let segments = fieldpath::parse(path);
            if let Some(problem) = fieldpath::invalid_step(&segments) {
                return Err(failed(file, format!("{}: {problem}", retrieval_error(path, opts.create))));
            }
            copy_to(&mut r.obj, value, &segments, &opts)
                .map_err(|m| failed(file, if m.is_empty() { retrieval_error(path, opts.create) } else { m }))?;
        }
    }
    Ok(())
}

fn retrieval_error(path: &str, create: bool) -> String {
    if create {
        format!("unable to find or create field {path:?} in replacement target")
    } else {
        format!("unable to find field {path:?} in replacement target")
    }
}

/// Sets every field at `path` to `value`; an empty error means "no such field".
fn copy_to(obj: &mut Value, value: &Value, path: &[Segment], opts: &FieldOptions) -> Result<(), String> {
    let create = if opts.create { Create::like(value) } else { Create::No };
    let mut set = |field: &mut Value| set_field(field, value, opts);
    match fieldpath::visit_mut(obj, path, create, &mut set)? {
        0 => Err(String::new()),
        _ => Ok(()),
    }
}

/// kustomize's `setFieldValue`.
fn set_field(field: &mut Value, value: &Value, opts: &FieldOptions) -> Result<(), String> {
    let mut value = value.clone();
    if !opts.delimiter.is_empty() {
        if field.is_object() || field.is_array() {
            return Err("delimiter option can only be used with scalar nodes".to_owned());
        }
        let current = fieldpath::scalar_text(field);
        let mut parts: Vec<String> = current.split(opts.delimiter.as_str()).map(str::to_owned).collect();
        let v = fieldpath::scalar_text(&value);
        match usize::try_from(opts.index) {
            Err(_) => parts.insert(0, v),
            Ok(i) if i >= parts.len() => parts.push(v),
            Ok(i) => parts[i] = v,
        }
        value = Value::String(parts.join(&opts.delimiter));
    }
    *field = match (&*field, &value) {
        (_, Value::Object(_) | Value::Array(_)) | (Value::Object(_) | Value::Array(_), _) => value,
        (old, new) => retyped(old, &fieldpath::scalar_text(new)),
    };
    Ok(())
}

/// A scalar target keeps its YAML type: kyaml copies only the text into the node.
fn retyped(old: &Value, text: &str) -> Value {
    match old {
        Value::String(_) => Value::String(text.to_owned()),
        _ => plain_scalar(text),
    }
}

/// The value a plain YAML scalar with this text has.
fn plain_scalar(text: &str) -> Value {
    match text {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "null" | "~" => return Value::Null,
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(f) = text.parse::<f64>()
        && text.chars().any(|c| c.is_ascii_digit())
        && !text.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_owned())
}

#[cfg(test)]
mod tests;
