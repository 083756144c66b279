//! `commonAnnotations` (kustomize's AnnotationsTransformer): sets each annotation, in key order,
//! at the annotation field specs (`metadata/annotations` and pod templates by default).

use std::collections::BTreeMap;

use super::super::fieldspec::{self, Create, FieldSpec};
use super::super::{KustomizeError, ResMap};
use super::setters::set_entry;

/// Sets `annotations` at `fs` in every object.
pub fn apply(
    res: &mut ResMap,
    annotations: &BTreeMap<String, String>,
    fs: &[FieldSpec],
    file: &str,
) -> Result<(), KustomizeError> {
    if annotations.is_empty() {
        return Ok(());
    }
    for r in res.iter_mut() {
        for (key, value) in annotations {
            for spec in fs {
                fieldspec::apply(&mut r.obj, spec, Create::Map, file, &mut |node| set_entry(node, key, value))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "annotations_tests.rs"]
mod tests;
