//! Labels: `commonLabels` and `labels:` entries (kustomize's LabelTransformer).
//!
//! [`apply`] sets labels at whatever field specs the caller chooses; [`field_specs_for`] picks
//! them for a `labels:` entry as kustomize v5.5 does: the entry's own `fields`, plus either all
//! of `commonLabels`' specs (selectors included) with `includeSelectors`, or `metadata/labels`
//! and, with `includeTemplates`, the pod-template specs; then the `labels` specs of the
//! transformer configuration (empty unless a `configurations:` file adds some).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::config::TransformerConfig;
use super::super::fieldspec::{self, Create, FieldSpec};
use super::super::{KustomizeError, ResMap};
use super::setters::set_entry;

/// One entry of a kustomization's `labels:`.
#[derive(Debug, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    #[serde(default)]
    pub pairs: BTreeMap<String, String>,
    #[serde(default)]
    pub include_selectors: bool,
    #[serde(default)]
    pub include_templates: bool,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

/// Sets `labels` at `fs` in every object, key by key in key order.
pub fn apply(
    res: &mut ResMap,
    labels: &BTreeMap<String, String>,
    fs: &[FieldSpec],
    file: &str,
) -> Result<(), KustomizeError> {
    if labels.is_empty() {
        return Ok(());
    }
    for r in res.iter_mut() {
        for (key, value) in labels {
            for spec in fs {
                fieldspec::apply(&mut r.obj, spec, Create::Map, file, &mut |node| set_entry(node, key, value))?;
            }
        }
    }
    Ok(())
}

/// The field specs a `labels:` entry applies to.
pub fn field_specs_for(label: &Label, cfg: &TransformerConfig) -> Vec<FieldSpec> {
    let mut specs = label.fields.clone();
    // Conflicts keep the entry's own spec, as kustomize's merge would fail only on
    // contradictory `create` flags the user wrote; the first one wins here.
    let mut merge = |incoming: Vec<FieldSpec>| {
        for spec in incoming {
            let _ = fieldspec::merge_all(&mut specs, vec![spec]);
        }
    };
    if label.include_selectors {
        merge(cfg.common_labels.clone());
    } else {
        merge(vec![FieldSpec::any("metadata/labels", true)]);
        if label.include_templates {
            merge(cfg.template_labels.clone());
        }
    }
    // The `labels` field specs of `configurations:` files apply to every entry.
    merge(cfg.labels.clone());
    specs
}

#[cfg(test)]
#[path = "labels_tests.rs"]
mod tests;
