//! Transformer configurations: the field specs each builtin transformer uses.
//!
//! [`TransformerConfig::builtin`] is kustomize v5.5's default table (`config/builtin.json`, taken
//! from the kustomize inside `kubectl kustomize` v5.5.0); a kustomization's `configurations:`
//! files are in the same format and are merged into it ([`TransformerConfig::merge`]) the way
//! kustomize merges them: specs already present are kept once, a spec present with a different
//! `create` is a conflict, and the merged lists are sorted by kind as kustomize sorts them.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_saphyr::{Options, budget, options};

use super::error::KustomizeError;
use super::fieldspec::{self, FieldSpec, Gvk};

/// A kind that other objects refer to by name, and the fields of those referrers
/// (`nameReference:` entries).
#[derive(Debug, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct NameBackRef {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    /// The referrers' fields holding the name (kustomize calls them `fieldSpecs`).
    #[serde(default)]
    pub field_specs: Vec<FieldSpec>,
}

impl NameBackRef {
    /// Whether `gvk` (an id of a candidate referral) is of this back reference's kind.
    pub fn selects(&self, gvk: &Gvk) -> bool {
        let ok = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w.is_empty() || w == have);
        ok(&self.group, &gvk.group) && ok(&self.version, &gvk.version) && ok(&self.kind, &gvk.kind)
    }

    fn same_gvk(&self, other: &NameBackRef) -> bool {
        let norm = |o: &Option<String>| o.clone().unwrap_or_default();
        norm(&self.group) == norm(&other.group)
            && norm(&self.version) == norm(&other.version)
            && norm(&self.kind) == norm(&other.kind)
    }
}

/// The field specs of every builtin transformer.
#[derive(Debug, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct TransformerConfig {
    #[serde(default)]
    pub name_prefix: Vec<FieldSpec>,
    #[serde(default)]
    pub name_suffix: Vec<FieldSpec>,
    #[serde(default)]
    pub namespace: Vec<FieldSpec>,
    #[serde(default)]
    pub common_labels: Vec<FieldSpec>,
    /// `labels:` field specs of a configuration (kustomize reads but does not use them yet).
    #[serde(default)]
    pub labels: Vec<FieldSpec>,
    /// Where `labels:` entries with `includeTemplates: true` go besides `metadata/labels`.
    #[serde(default)]
    pub template_labels: Vec<FieldSpec>,
    #[serde(default)]
    pub common_annotations: Vec<FieldSpec>,
    #[serde(default)]
    pub images: Vec<FieldSpec>,
    #[serde(default)]
    pub replicas: Vec<FieldSpec>,
    #[serde(default)]
    pub var_reference: Vec<FieldSpec>,
    #[serde(default)]
    pub name_reference: Vec<NameBackRef>,
}

/// kustomize v5.5's builtin field specs (api/konfig/builtinpluginconsts), as shipped in
/// `kubectl kustomize` v5.5.0, in the `configurations:` format. Kept as JSON, one field spec per
/// line: parsing it is part of every `ferry render`, and JSON parses many times faster than YAML.
const BUILTIN: &str = include_str!("config/builtin.json");

fn yaml_options() -> Options {
    options! {
        budget: budget! {
            max_aliases: 1_000,
            max_depth: 50,
            max_documents: 1,
            max_nodes: 1_000_000,
            max_total_scalar_bytes: 16 * 1024 * 1024,
        },
    }
}

impl TransformerConfig {
    /// kustomize v5.5's default configuration.
    pub fn builtin() -> TransformerConfig {
        static BUILTIN_CONFIG: OnceLock<TransformerConfig> = OnceLock::new();
        BUILTIN_CONFIG
            .get_or_init(|| {
                let mut config = serde_json::from_str::<TransformerConfig>(BUILTIN)
                    .unwrap_or_else(|e| panic!("the embedded builtin field specs are valid: {e}"));
                config.sort();
                config
            })
            .clone()
    }

    /// A `configurations:` file (`file` names it in errors).
    pub fn parse(file: &str, text: &str) -> Result<TransformerConfig, KustomizeError> {
        if text.trim().is_empty() {
            return Ok(TransformerConfig::default());
        }
        serde_saphyr::from_str_with_options::<TransformerConfig>(text, yaml_options()).map_err(|e| {
            let location = e.location();
            let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
            KustomizeError::Syntax {
                file: file.to_owned(),
                line: location.map_or(0, |l| to_usize(l.line())),
                column: location.map_or(0, |l| to_usize(l.column())),
                message: e.to_string(),
            }
        })
    }

    /// Merges `other` into this configuration as kustomize's `TransformerConfig.Merge` does.
    ///
    /// On a conflict (the same spec with a different `create`) `self` is left as it was and the
    /// error names the list.
    pub fn try_merge(&mut self, other: TransformerConfig) -> Result<(), String> {
        let mut merged = self.clone();
        let lists = [
            ("namePrefix", &mut merged.name_prefix, other.name_prefix),
            ("nameSuffix", &mut merged.name_suffix, other.name_suffix),
            ("namespace", &mut merged.namespace, other.namespace),
            ("commonAnnotations", &mut merged.common_annotations, other.common_annotations),
            ("commonLabels", &mut merged.common_labels, other.common_labels),
            ("labels", &mut merged.labels, other.labels),
            ("templateLabels", &mut merged.template_labels, other.template_labels),
            ("varReference", &mut merged.var_reference, other.var_reference),
            ("images", &mut merged.images, other.images),
            ("replicas", &mut merged.replicas, other.replicas),
        ];
        for (name, into, incoming) in lists {
            fieldspec::merge_all(into, incoming).map_err(|e| format!("failed to merge {name} fieldSpec: {e}"))?;
        }
        for backref in other.name_reference {
            merge_backref(&mut merged.name_reference, backref)
                .map_err(|e| format!("failed to merge NameReference fieldSpec: {e}"))?;
        }
        merged.sort();
        *self = merged;
        Ok(())
    }

    /// Merges `other` into this configuration; see [`TransformerConfig::try_merge`]. Where a
    /// spec conflicts with one already present, the one already present is kept (use
    /// [`TransformerConfig::merge_file`] to report conflicts as kustomize does).
    pub fn merge(&mut self, other: TransformerConfig) {
        let mut other = other;
        other.drop_conflicts_with(self);
        // Without conflicts the merge cannot fail.
        let _ = self.try_merge(other);
    }

    /// Removes from `self` the specs that conflict with one in `base`.
    fn drop_conflicts_with(&mut self, base: &TransformerConfig) {
        let keep = |specs: &mut Vec<FieldSpec>, base: &[FieldSpec]| {
            specs.retain(|s| fieldspec::merge_all(&mut base.to_vec(), vec![s.clone()]).is_ok());
        };
        keep(&mut self.name_prefix, &base.name_prefix);
        keep(&mut self.name_suffix, &base.name_suffix);
        keep(&mut self.namespace, &base.namespace);
        keep(&mut self.common_annotations, &base.common_annotations);
        keep(&mut self.common_labels, &base.common_labels);
        keep(&mut self.labels, &base.labels);
        keep(&mut self.template_labels, &base.template_labels);
        keep(&mut self.var_reference, &base.var_reference);
        keep(&mut self.images, &base.images);
        keep(&mut self.replicas, &base.replicas);
        for backref in &mut self.name_reference {
            if let Some(existing) = base.name_reference.iter().find(|b| b.same_gvk(backref)) {
                keep(&mut backref.field_specs, &existing.field_specs);
            }
        }
    }

    /// Merges a `configurations:` file, naming it in the error on a conflict.
    pub fn merge_file(&mut self, file: &str, other: TransformerConfig) -> Result<(), KustomizeError> {
        self.try_merge(other).map_err(|message| KustomizeError::Invalid {
            file: file.to_owned(),
            field: "configurations".to_owned(),
            message,
        })
    }

    /// Sorts every list by kind, as kustomize does after loading and merging.
    fn sort(&mut self) {
        for list in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.labels,
            &mut self.template_labels,
            &mut self.common_annotations,
            &mut self.var_reference,
            &mut self.images,
            &mut self.replicas,
        ] {
            fieldspec::sort_specs(list);
        }
        self.name_reference.sort_by_cached_key(|b| {
            fieldspec::gvk_sort_key(b.group.as_deref(), b.version.as_deref(), b.kind.as_deref())
        });
    }
}

/// kustomize's `nbrSlice.mergeOne`: referrers of a kind already present are merged into it.
fn merge_backref(list: &mut Vec<NameBackRef>, other: NameBackRef) -> Result<(), String> {
    let mut found = false;
    for existing in list.iter_mut().filter(|b| b.same_gvk(&other)) {
        fieldspec::merge_all(&mut existing.field_specs, other.field_specs.clone())?;
        found = true;
    }
    if !found {
        list.push(other);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_kustomize_tables() {
        let c = TransformerConfig::builtin();
        assert_eq!(c.name_prefix, vec![FieldSpec::any("metadata/name", false)]);
        assert_eq!(c.common_labels.len(), 32);
        assert_eq!(c.var_reference.len(), 72);
        assert_eq!(c.template_labels.len(), 10);
        let cm = c.name_reference.iter().find(|b| b.kind.as_deref() == Some("ConfigMap")).unwrap();
        assert!(cm.field_specs.iter().any(|f| f.path == "spec/template/spec/volumes/configMap/name"));
        // Sorted in kustomize's kind order: StorageClass before ConfigMap before Deployment.
        let pos = |k: &str| c.name_reference.iter().position(|b| b.kind.as_deref() == Some(k)).unwrap();
        assert!(pos("StorageClass") < pos("ConfigMap") && pos("ConfigMap") < pos("Deployment"));
    }

    #[test]
    fn merge_adds_new_specs_once_and_rejects_conflicts() {
        let mut c = TransformerConfig::builtin();
        let extra = TransformerConfig::parse(
            "kc.yaml",
            "commonLabels:\n- path: spec/foo/labels\n  kind: Foo\n  create: true\n- path: metadata/labels\n  create: true\n",
        )
        .unwrap();
        c.try_merge(extra.clone()).unwrap();
        assert_eq!(c.common_labels.len(), 33);
        c.try_merge(extra).unwrap();
        assert_eq!(c.common_labels.len(), 33);
        let conflict = TransformerConfig::parse("kc.yaml", "commonLabels:\n- path: metadata/labels\n").unwrap();
        let err = c.merge_file("kc.yaml", conflict).unwrap_err();
        assert!(err.to_string().contains("kc.yaml"), "{err}");
    }

    #[test]
    fn merge_name_references_into_existing_kind() {
        let mut c = TransformerConfig::builtin();
        let before = c.name_reference.len();
        let extra = TransformerConfig::parse(
            "kc.yaml",
            "nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - path: spec/cm\n    kind: Foo\n- kind: Bar\n  fieldSpecs:\n  - path: spec/bar\n    kind: Foo\n",
        )
        .unwrap();
        c.try_merge(extra).unwrap();
        assert_eq!(c.name_reference.len(), before + 1);
        let cm = c.name_reference.iter().find(|b| b.kind.as_deref() == Some("ConfigMap")).unwrap();
        assert!(cm.field_specs.iter().any(|f| f.path == "spec/cm"));
    }

    #[test]
    fn bad_yaml_is_an_error_naming_the_file() {
        let err = TransformerConfig::parse("kc.yaml", "namePrefix: [\n").unwrap_err();
        assert!(err.to_string().starts_with("kc.yaml"), "{err}");
    }

    #[test]
    fn lenient_merge_keeps_the_first_of_conflicting_specs() {
        let mut c = TransformerConfig::builtin();
        let other =
            TransformerConfig::parse("kc.yaml", "commonLabels:\n- path: metadata/labels\n- path: x/y\n").unwrap();
        c.merge(other);
        assert!(c.common_labels.iter().any(|f| f.path == "metadata/labels" && f.create));
        assert!(c.common_labels.iter().any(|f| f.path == "x/y"));
    }
}
