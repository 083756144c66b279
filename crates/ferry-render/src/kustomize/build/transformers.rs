//! Transformers of one kustomization, in kustomize v5.5's builtin order (`patchesStrategicMerge`,
//! `patches`, `namespace`, `namePrefix`, `nameSuffix`, `labels` then `commonLabels`,
//! `commonAnnotations`, `patchesJson6902`, `replicas`, `images`, `replacements`), then the
//! `transformers:` plugins; and the `validators:`, which may not change anything.

use super::{Accumulator, Builder};
use crate::kustomize::error::KustomizeError;
use crate::kustomize::kustomization::{Kustomization, decode_all};
use crate::kustomize::loader::KustDir;
use crate::kustomize::resource::ResMap;
use crate::kustomize::transform::{annotations, images, labels, namespace, prefix_suffix, replicas};
use crate::kustomize::{patch, plugins, replacements};

impl Builder<'_> {
    /// Runs the builtin transformers and the `transformers:` plugins of `k` on `acc`.
    pub(super) fn run_transformers(
        &mut self,
        kd: &KustDir,
        k: &Kustomization,
        acc: &mut Accumulator,
    ) -> Result<(), KustomizeError> {
        builtin_transformers(kd, k, acc)?;
        if !k.transformers.is_empty() {
            let configs = self.plugin_configs(kd, &k.transformers)?;
            for config in &configs {
                plugins::transform(self, kd, config, &mut acc.res, &acc.config)?;
            }
        }
        Ok(())
    }

    /// Runs the `validators:` plugins on a copy of the resources; a validator that changes them
    /// is an error, as in kustomize.
    pub(super) fn run_validators(
        &mut self,
        kd: &KustDir,
        k: &Kustomization,
        acc: &Accumulator,
    ) -> Result<(), KustomizeError> {
        if k.validators.is_empty() {
            return Ok(());
        }
        let configs = self.plugin_configs(kd, &k.validators)?;
        for config in &configs {
            let mut copy: ResMap = acc.res.clone();
            plugins::transform(self, kd, config, &mut copy, &acc.config)?;
            if copy != acc.res {
                return Err(KustomizeError::Invalid {
                    file: kd.describe(kd.file),
                    field: "validators".to_owned(),
                    message: "validator shouldn't modify the resource map".to_owned(),
                });
            }
        }
        Ok(())
    }
}

/// The transformers configured by the kustomization's own fields.
fn builtin_transformers(kd: &KustDir, k: &Kustomization, acc: &mut Accumulator) -> Result<(), KustomizeError> {
    let file = kd.describe(kd.file);
    let res = &mut acc.res;
    let cfg = &acc.config;
    if !k.patches_strategic_merge.is_empty() {
        patch::apply_strategic_merge(res, &k.patches_strategic_merge, kd)?;
    }
    let patches: Vec<patch::Patch> = decode_all(&file, "patches", &k.patches)?;
    if !patches.is_empty() {
        patch::apply_patches(res, &patches, kd)?;
    }
    if !k.namespace.is_empty() {
        namespace::apply(res, &k.namespace, &cfg.namespace, &file)?;
    }
    if !k.name_prefix.is_empty() {
        prefix_suffix::apply(res, &k.name_prefix, "", &cfg.name_prefix, &file)?;
    }
    if !k.name_suffix.is_empty() {
        prefix_suffix::apply(res, "", &k.name_suffix, &cfg.name_suffix, &file)?;
    }
    let label_entries: Vec<labels::Label> = decode_all(&file, "labels", &k.labels)?;
    for label in &label_entries {
        let fs = labels::field_specs_for(label, cfg);
        labels::apply(res, &label.pairs, &fs, &file)?;
    }
    if !k.common_labels.is_empty() {
        labels::apply(res, &k.common_labels, &cfg.common_labels, &file)?;
    }
    if !k.common_annotations.is_empty() {
        annotations::apply(res, &k.common_annotations, &cfg.common_annotations, &file)?;
    }
    let json6902: Vec<patch::Json6902> = decode_all(&file, "patchesJson6902", &k.patches_json6902)?;
    if !json6902.is_empty() {
        patch::apply_json6902(res, &json6902, kd)?;
    }
    let replica_entries: Vec<replicas::Replica> = decode_all(&file, "replicas", &k.replicas)?;
    if !replica_entries.is_empty() {
        replicas::apply(res, &replica_entries, &cfg.replicas, &file)?;
    }
    let image_entries: Vec<images::Image> = decode_all(&file, "images", &k.images)?;
    if !image_entries.is_empty() {
        images::apply(res, &image_entries, &cfg.images, &file)?;
    }
    let replacement_entries: Vec<replacements::ReplacementEntry> = decode_all(&file, "replacements", &k.replacements)?;
    if !replacement_entries.is_empty() {
        replacements::apply(res, &replacement_entries, kd)?;
    }
    Ok(())
}
