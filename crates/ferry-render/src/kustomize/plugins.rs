//! `generators:`, `transformers:` and `validators:` entries: builtin plugin configs.
//!
//! An entry is inline YAML (an object) or a path: a file of plugin configs, or a directory
//! whose kustomization *outputs* plugin configs (built like any base). A config with
//! `apiVersion: builtin` names one of kustomize's builtin plugins by `kind` and is run with the
//! same module as the kustomization field it mirrors; its field specs are only those it lists.
//! Exec, container and KRM-function plugins are not run: they are refused with a clear error.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::build::{Accumulator, Builder};
use super::config::TransformerConfig;
use super::error::KustomizeError;
use super::fieldspec::FieldSpec;
use super::generate;
use super::kustomization::decode;
use super::loader::KustDir;
use super::parse::parse_documents;
use super::resource::{ResMap, Resource};
use super::transform::{annotations, images, labels, namespace, prefix_suffix, replicas};
use super::{helm_charts, patch, replacements, sort};

/// One plugin config and the file it was configured in (for messages).
#[derive(Debug, Clone)]
pub struct PluginConfig {
    pub obj: Value,
    pub file: String,
}

impl PluginConfig {
    fn kind(&self) -> &str {
        self.obj.get("kind").and_then(Value::as_str).unwrap_or_default()
    }

    /// The config's fields without `apiVersion`, `kind` and `metadata`, decoded as `T`.
    fn fields<T: serde::de::DeserializeOwned>(&self) -> Result<T, KustomizeError> {
        let mut fields = self.obj.as_object().cloned().unwrap_or_default();
        for key in ["apiVersion", "kind", "metadata"] {
            fields.remove(key);
        }
        decode(&self.file, self.kind(), Value::Object(fields))
    }

    /// Refuses anything but a builtin plugin.
    fn check_builtin(&self) -> Result<(), KustomizeError> {
        if self.obj.get("apiVersion").and_then(Value::as_str) == Some("builtin") {
            return Ok(());
        }
        Err(KustomizeError::Unsupported {
            file: self.file.clone(),
            message: format!(
                "external plugins disabled; unable to load external plugin '{}' (only `apiVersion: builtin` \
                 plugins are supported)",
                self.kind()
            ),
        })
    }
}

impl Builder<'_> {
    /// The plugin configs of a `generators:`/`transformers:`/`validators:` list: inline entries
    /// first, then those of the path entries, as kustomize loads them.
    pub(crate) fn plugin_configs(
        &mut self,
        kd: &KustDir,
        entries: &[String],
    ) -> Result<Vec<PluginConfig>, KustomizeError> {
        let file = kd.describe(kd.file);
        let mut configs = Vec::new();
        let mut paths = Vec::new();
        for entry in entries {
            match inline_configs(&file, entry) {
                Some(objs) => configs.extend(objs.into_iter().map(|obj| PluginConfig { obj, file: file.clone() })),
                None => paths.push(entry.clone()),
            }
        }
        let mut acc = Accumulator::default();
        self.accumulate_resources(kd, &paths, &mut acc)?;
        configs.extend(acc.res.into_iter().map(|r| PluginConfig { obj: r.obj, file: r.origin }));
        Ok(configs)
    }
}

/// The objects of an inline entry; `None` when the entry is a path (not a YAML mapping).
fn inline_configs(file: &str, entry: &str) -> Option<Vec<Value>> {
    let docs = parse_documents(file, entry).ok()?;
    let objs: Vec<Value> = docs.into_iter().map(|d| d.value).collect();
    (!objs.is_empty() && objs.iter().all(Value::is_object)).then_some(objs)
}

/// Config of the transformers that take `fieldSpecs`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Specs {
    #[serde(default)]
    field_specs: Vec<FieldSpec>,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    suffix: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    image_tag: Option<images::Image>,
    #[serde(default)]
    replica: Option<replicas::Replica>,
    #[serde(default)]
    unset_only: bool,
    #[serde(default)]
    set_role_binding_subjects: String,
}

/// Runs a transformer (or validator) plugin config on `res`.
pub(crate) fn transform(
    _builder: &mut Builder,
    kd: &KustDir,
    config: &PluginConfig,
    res: &mut ResMap,
    _cfg: &TransformerConfig,
) -> Result<(), KustomizeError> {
    config.check_builtin()?;
    let file = &config.file;
    match config.kind() {
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            let s: Specs = config.fields()?;
            prefix_suffix::apply(res, &s.prefix, &s.suffix, &s.field_specs, file)
        }
        "LabelTransformer" => {
            let s: Specs = config.fields()?;
            labels::apply(res, &s.labels, &s.field_specs, file)
        }
        "AnnotationsTransformer" => {
            let s: Specs = config.fields()?;
            annotations::apply(res, &s.annotations, &s.field_specs, file)
        }
        "NamespaceTransformer" => {
            let s: Specs = config.fields()?;
            let ns = config.obj.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or_default();
            let subjects = namespace::SubjectMode::parse(file, &s.set_role_binding_subjects)?;
            let options = namespace::Options { unset_only: s.unset_only, subjects };
            namespace::apply_with(res, ns, &s.field_specs, options, file)
        }
        "ImageTagTransformer" => {
            let s: Specs = config.fields()?;
            let image = s.image_tag.into_iter().collect::<Vec<_>>();
            images::apply(res, &image, &s.field_specs, file)
        }
        "ReplicaCountTransformer" => {
            let s: Specs = config.fields()?;
            let replica = s.replica.into_iter().collect::<Vec<_>>();
            replicas::apply(res, &replica, &s.field_specs, file)
        }
        "PatchTransformer" => {
            let p: patch::Patch = config.fields()?;
            patch::apply_patches(res, std::slice::from_ref(&p), kd)
        }
        "PatchStrategicMergeTransformer" => patch::apply_strategic_merge(res, &strategic_merge_entries(config)?, kd),
        "PatchJson6902Transformer" => {
            let p: patch::Json6902 = decode(file, config.kind(), json6902_fields(config))?;
            patch::apply_json6902(res, std::slice::from_ref(&p), kd)
        }
        "ReplacementTransformer" => {
            #[derive(Deserialize)]
            struct R {
                #[serde(default)]
                replacements: Vec<replacements::ReplacementEntry>,
            }
            let r: R = config.fields()?;
            replacements::apply(res, &r.replacements, kd)
        }
        "SortOrderTransformer" => {
            #[derive(Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct S {
                #[serde(default)]
                sort_options: Option<sort::SortOptions>,
            }
            let s: S = config.fields()?;
            let opts =
                s.sort_options.unwrap_or_else(|| sort::SortOptions { order: "fifo".to_owned(), ..Default::default() });
            sort::apply(res, &opts, file)
        }
        other => Err(unknown(config, other, "transformer")),
    }
}

/// `paths` and inline `patches` of a PatchStrategicMergeTransformer config.
fn strategic_merge_entries(config: &PluginConfig) -> Result<Vec<String>, KustomizeError> {
    #[derive(Deserialize)]
    struct P {
        #[serde(default)]
        paths: Vec<String>,
        #[serde(default)]
        patches: Option<String>,
    }
    let p: P = config.fields()?;
    let mut entries = p.paths;
    entries.extend(p.patches);
    Ok(entries)
}

/// A PatchJson6902Transformer config as a `patchesJson6902` entry (`jsonOp` is the patch).
fn json6902_fields(config: &PluginConfig) -> Value {
    let mut fields = Map::new();
    for (from, to) in [("target", "target"), ("path", "path"), ("jsonOp", "patch")] {
        if let Some(v) = config.obj.get(from) {
            fields.insert(to.to_owned(), v.clone());
        }
    }
    Value::Object(fields)
}

/// Runs a generator plugin config.
pub(crate) fn generate(
    builder: &mut Builder,
    kd: &KustDir,
    config: &PluginConfig,
    _cfg: &TransformerConfig,
) -> Result<Vec<Resource>, KustomizeError> {
    config.check_builtin()?;
    match config.kind() {
        kind @ ("ConfigMapGenerator" | "SecretGenerator") => {
            let args: generate::GeneratorArgs = decode(&config.file, kind, generator_fields(config))?;
            // A plugin config carries its own `options`; there are no global ones.
            let r = if kind == "ConfigMapGenerator" {
                generate::config_map(&args, None, kd)?
            } else {
                generate::secret(&args, None, kd)?
            };
            Ok(vec![r])
        }
        "HelmChartInflationGenerator" => {
            let mut chart = config.obj.as_object().cloned().unwrap_or_default();
            for key in ["apiVersion", "kind", "metadata"] {
                chart.remove(key);
            }
            helm_charts::inflate(kd, None, &[Value::Object(chart)], &builder.helm_options())
        }
        other => Err(unknown(config, other, "generator")),
    }
}

/// A generator config's fields with `metadata.name`/`metadata.namespace` as `name`/`namespace`;
/// kustomize reads plugin configs leniently, so fields it does not know are dropped.
fn generator_fields(config: &PluginConfig) -> Value {
    const KNOWN: [&str; 7] = ["behavior", "literals", "files", "envs", "env", "options", "type"];
    let mut fields = config.obj.as_object().cloned().unwrap_or_default();
    let meta = fields.remove("metadata");
    fields.retain(|key, _| KNOWN.contains(&key.as_str()));
    for key in ["name", "namespace"] {
        if let Some(v) = meta.as_ref().and_then(|m| m.get(key)) {
            fields.insert(key.to_owned(), v.clone());
        }
    }
    Value::Object(fields)
}

fn unknown(config: &PluginConfig, kind: &str, role: &str) -> KustomizeError {
    KustomizeError::Unsupported {
        file: config.file.clone(),
        message: format!("builtin {role} plugin '{kind}' is not supported here"),
    }
}
