//! Generator entries (`configMapGenerator[]`, `secretGenerator[]`) and `generatorOptions`, in
//! the form a kustomization spells them.
//!
//! kustomize reads these strictly (unknown fields are errors) and treats `null` like an absent
//! field, so both are mirrored here.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::kustomize::resource::Behavior;

/// One `configMapGenerator` or `secretGenerator` entry (kustomize's `ConfigMapArgs` /
/// `SecretArgs`; kustomize accepts `type` on both).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneratorArgs {
    /// `metadata.name` of the generated object (before prefix, suffix and hash).
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// `metadata.namespace`; empty for none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub namespace: String,
    /// `create` (the default), `merge` or `replace`; anything else behaves like no behavior.
    #[serde(default, deserialize_with = "null_as_default")]
    pub behavior: String,
    /// `key=value` pairs; the value may hold `=` and loses one pair of surrounding quotes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub literals: Vec<String>,
    /// `path` (the key is the file name) or `key=path`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub files: Vec<String>,
    /// dotenv files, one pair per line.
    #[serde(default, deserialize_with = "null_as_default")]
    pub envs: Vec<String>,
    /// The older, single form of `envs`; read after them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub env: String,
    /// Per-generator options, merged over the kustomization's `generatorOptions`.
    #[serde(default)]
    pub options: Option<GeneratorOptions>,
    /// Secret `type`; empty means `Opaque`. Ignored for ConfigMaps.
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub secret_type: String,
}

/// `generatorOptions` (kustomization-wide) or a generator's `options`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneratorOptions {
    #[serde(default, deserialize_with = "string_map")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "string_map")]
    pub annotations: BTreeMap<String, String>,
    /// Keep the name as written (no `-<hash>` suffix).
    #[serde(default, deserialize_with = "null_as_default")]
    pub disable_name_suffix_hash: bool,
    /// Set `immutable: true` on the generated object.
    #[serde(default, deserialize_with = "null_as_default")]
    pub immutable: bool,
}

impl GeneratorArgs {
    /// The dotenv files in the order kustomize reads them: `envs`, then `env`.
    pub(super) fn env_files(&self) -> impl Iterator<Item = &str> {
        self.envs.iter().map(String::as_str).chain((!self.env.is_empty()).then_some(self.env.as_str()))
    }

    /// The generator's behavior as the resource keeps it (kustomize is case-sensitive here and
    /// treats unknown words as unspecified).
    pub(super) fn behavior(&self) -> Behavior {
        match self.behavior.as_str() {
            "create" => Behavior::Create,
            "merge" => Behavior::Merge,
            "replace" => Behavior::Replace,
            _ => Behavior::Unspecified,
        }
    }
}

/// The generator's own options with the kustomization's `generatorOptions` merged in, as
/// kustomize's `MergeGlobalOptionsIntoLocal` does: local labels/annotations win over global
/// ones, and a `true` anywhere wins for `disableNameSuffixHash` and `immutable`.
pub(super) fn merged_options(local: Option<&GeneratorOptions>, global: Option<&GeneratorOptions>) -> GeneratorOptions {
    let mut merged = local.cloned().unwrap_or_default();
    if let Some(global) = global {
        for (k, v) in &global.labels {
            merged.labels.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in &global.annotations {
            merged.annotations.entry(k.clone()).or_insert_with(|| v.clone());
        }
        merged.disable_name_suffix_hash |= global.disable_name_suffix_hash;
        merged.immutable |= global.immutable;
    }
    merged
}

/// kustomize (Go) leaves a field at its zero value when the YAML says `null`.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A `map[string]string`: `null` values become empty strings, as in Go.
fn string_map<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let map = Option::<BTreeMap<String, Option<String>>>::deserialize(d)?.unwrap_or_default();
    Ok(map.into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect())
}
