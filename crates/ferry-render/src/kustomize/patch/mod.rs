//! Patches: `patches` (strategic merge or JSON 6902, inline or from a file, with or without a
//! target), `patchesStrategicMerge` and `patchesJson6902`, with kustomize's rules for which
//! resources a patch applies to and when that is an error.
//!
//! - `selector`: [`Selector`] and [`select`] (targets).
//! - `merge`/`merge_list`: kustomize's strategic merge (kyaml `merge2`).
//! - `strategic`: applying strategic merge patch documents to resources.
//! - `json6902`: JSON patches.

mod json6902;
mod merge;
mod merge_list;
pub mod selector;
mod strategic;

use serde::Deserialize;
use serde_json::Value;

pub use selector::{Selector, select};

use super::{KustDir, KustomizeError, ResMap};

/// One entry of `patches:`.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Patch {
    pub path: Option<String>,
    pub patch: Option<String>,
    pub target: Option<Selector>,
    pub options: Option<PatchOptions>,
}

/// `options:` of a patch.
#[derive(Debug, Deserialize, Clone, Copy, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PatchOptions {
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
}

/// One entry of `patchesJson6902:`.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Json6902 {
    pub target: Option<Selector>,
    pub path: Option<String>,
    pub patch: Option<String>,
}

/// A patch's text and the file to name in errors (the patch file, or the kustomization for
/// inline patches).
struct Source {
    text: String,
    file: String,
}

/// Reads `patch:` (inline) or `path:` (a file of the kustomization); exactly one is allowed.
fn source(path: Option<&str>, inline: Option<&str>, kd: &KustDir) -> Result<Source, KustomizeError> {
    let invalid = |message: &str| KustomizeError::Invalid {
        file: kd.file.to_owned(),
        field: "patches".to_owned(),
        message: message.to_owned(),
    };
    match (path.filter(|p| !p.is_empty()), inline.filter(|p| !p.trim().is_empty())) {
        (Some(_), Some(_)) => Err(invalid("patch and path can't be set at the same time")),
        (None, None) => Err(invalid("must specify one of patch and path")),
        (None, Some(text)) => Ok(Source { text: text.to_owned(), file: kd.file.to_owned() }),
        (Some(path), None) => {
            let (file, bytes) = kd.read(path)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| KustomizeError::Io { path: file.clone(), message: "not UTF-8 text".to_owned() })?;
            Ok(Source { text, file })
        }
    }
}

/// The documents of a patch text, read as kustomize reads YAML.
fn documents(file: &str, text: &str) -> Result<Vec<Value>, KustomizeError> {
    Ok(super::parse::parse_documents(file, text)?.into_iter().map(|d| d.value).collect())
}

/// Whether every document is an object kustomize accepts as a strategic merge patch.
fn is_strategic(docs: &[Value]) -> bool {
    !docs.is_empty()
        && docs.iter().all(|d| {
            let name = d.pointer("/metadata/name").and_then(Value::as_str).is_some_and(|n| !n.is_empty());
            d.get("kind").and_then(Value::as_str).is_some_and(|k| !k.is_empty()) && name
        })
}

/// Puts the patch file into a selector error that does not name one yet.
fn in_file(e: KustomizeError, file: &str) -> KustomizeError {
    match e {
        KustomizeError::Invalid { file: f, field, message } if f.is_empty() => {
            KustomizeError::Invalid { file: file.to_owned(), field, message }
        }
        other => other,
    }
}

/// Applies `patches:` in order.
pub fn apply_patches(res: &mut ResMap, patches: &[Patch], kd: &KustDir) -> Result<(), KustomizeError> {
    for p in patches {
        let src = source(p.path.as_deref(), p.patch.as_deref(), kd)?;
        let docs = documents(&src.file, &src.text)?;
        let options = p.options.unwrap_or_default();
        if is_strategic(&docs) {
            strategic::apply(res, &docs, p.target.as_ref(), options, &src.file)?;
        } else if let [doc] = docs.as_slice()
            && json6902::is_json_patch(doc)
        {
            let Some(target) = &p.target else {
                return Err(KustomizeError::Patch {
                    file: src.file,
                    message: "must specify a target for JSON patch".to_owned(),
                });
            };
            let ops = json6902::operations(doc, &src.file)?;
            json6902::apply(res, &ops, target, &src.file)?;
        } else {
            return Err(KustomizeError::Patch {
                file: src.file,
                message: "unable to parse SM or JSON patch: expected objects with kind and metadata.name, or a list of JSON patch operations".to_owned(),
            });
        }
    }
    Ok(())
}

/// Applies `patchesStrategicMerge:`; each entry is a file of the kustomization or inline YAML.
pub fn apply_strategic_merge(res: &mut ResMap, entries: &[String], kd: &KustDir) -> Result<(), KustomizeError> {
    for entry in entries {
        let src = if entry.contains('\n') {
            Source { text: entry.clone(), file: kd.file.to_owned() }
        } else {
            source(Some(entry), None, kd)?
        };
        let docs = documents(&src.file, &src.text)?;
        if !is_strategic(&docs) {
            return Err(KustomizeError::Patch {
                file: src.file,
                message: "a strategic merge patch needs kind and metadata.name in every document".to_owned(),
            });
        }
        strategic::apply(res, &docs, None, PatchOptions::default(), &src.file)?;
    }
    Ok(())
}

/// Applies `patchesJson6902:` to the resources each entry's target selects.
pub fn apply_json6902(res: &mut ResMap, entries: &[Json6902], kd: &KustDir) -> Result<(), KustomizeError> {
    for entry in entries {
        let src = source(entry.path.as_deref(), entry.patch.as_deref(), kd)?;
        let Some(target) = &entry.target else {
            return Err(KustomizeError::Invalid {
                file: kd.file.to_owned(),
                field: "patchesJson6902".to_owned(),
                message: "must specify a target for JSON patch".to_owned(),
            });
        };
        let docs = documents(&src.file, &src.text)?;
        let doc = match docs.as_slice() {
            [doc] => doc.clone(),
            [] => Value::Array(Vec::new()),
            _ => {
                return Err(KustomizeError::Patch {
                    file: src.file,
                    message: "a JSON patch is one document".to_owned(),
                });
            }
        };
        let ops = json6902::operations(&doc, &src.file)?;
        json6902::apply(res, &ops, target, &src.file)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
