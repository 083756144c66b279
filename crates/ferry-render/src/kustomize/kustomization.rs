//! The kustomization file (`kustomization.yaml`, `kustomization.yml` or `Kustomization`).
//!
//! Read as kustomize v5.5 reads it: legacy spellings are fixed first (`imageTags` → `images`,
//! `patches` holding plain strings → `patchesStrategicMerge`, `bases` → `resources`, `envs`
//! singular forms, `helmChartInflationGenerator` → `helmCharts`), then every field is decoded
//! strictly: an unknown field or a value of the wrong type is an error naming the file and the
//! field, as kustomize's strict JSON decoding does. Fields whose shape belongs to a transformer,
//! generator or patch module are kept as JSON values here and decoded into that module's type
//! by the build step that uses them, so that every module owns its own input format.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::KustomizeError;
use super::loader::{KustDir, Loader, normalize};

/// The file names kustomize recognises, in its order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

const KUSTOMIZATION_VERSION: &str = "kustomize.config.k8s.io/v1beta1";
const COMPONENT_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

/// `kind:` of a kustomization file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KustKind {
    Kustomization,
    Component,
}

/// A kustomization file, legacy fields already folded into their current ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Kustomization {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub openapi: BTreeMap<String, String>,
    #[serde(default)]
    pub name_prefix: String,
    #[serde(default)]
    pub name_suffix: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub common_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub labels: Vec<Value>,
    #[serde(default)]
    pub common_annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub patches_strategic_merge: Vec<String>,
    #[serde(default, rename = "patchesJson6902")]
    pub patches_json6902: Vec<Value>,
    #[serde(default)]
    pub patches: Vec<Value>,
    #[serde(default)]
    pub images: Vec<Value>,
    #[serde(default)]
    pub image_tags: Vec<Value>,
    #[serde(default)]
    pub replacements: Vec<Value>,
    #[serde(default)]
    pub replicas: Vec<Value>,
    #[serde(default)]
    pub vars: Vec<Value>,
    #[serde(default)]
    pub sort_options: Option<Value>,
    #[serde(default)]
    pub resources: Vec<String>,
    #[serde(default)]
    pub crds: Vec<String>,
    #[serde(default)]
    pub bases: Vec<String>,
    #[serde(default)]
    pub components: Vec<String>,
    #[serde(default)]
    pub config_map_generator: Vec<Value>,
    #[serde(default)]
    pub secret_generator: Vec<Value>,
    #[serde(default)]
    pub helm_globals: Option<Value>,
    #[serde(default)]
    pub helm_charts: Vec<Value>,
    #[serde(default)]
    pub helm_chart_inflation_generator: Vec<Value>,
    #[serde(default)]
    pub generator_options: Option<Value>,
    #[serde(default)]
    pub configurations: Vec<String>,
    #[serde(default)]
    pub generators: Vec<String>,
    #[serde(default)]
    pub transformers: Vec<String>,
    #[serde(default)]
    pub validators: Vec<String>,
    #[serde(default)]
    pub build_metadata: Vec<String>,
}

impl Kustomization {
    /// `Kustomization` or `Component`.
    pub fn kind(&self) -> KustKind {
        if self.kind == "Component" { KustKind::Component } else { KustKind::Kustomization }
    }

    /// Whether `buildMetadata` lists `option`.
    pub fn has_build_metadata(&self, option: &str) -> bool {
        self.build_metadata.iter().any(|o| o == option)
    }

    /// Reads and checks the kustomization file of the directory `dir` of `loader`; returns the
    /// file's path (loader-relative) and its content.
    pub fn load(loader: &dyn Loader, dir: &str) -> Result<(String, Kustomization), KustomizeError> {
        let found: Vec<String> = FILE_NAMES
            .iter()
            .filter_map(|name| normalize(dir, name))
            .filter(|path| loader.exists(path) && !loader.is_dir(path))
            .collect();
        let path = match found.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(KustomizeError::NotFound {
                    file: display_dir(dir),
                    path: "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'"
                        .to_owned(),
                });
            }
            _ => {
                return Err(KustomizeError::Invalid {
                    file: display_dir(dir),
                    field: "kustomization".to_owned(),
                    message: "found multiple kustomization files".to_owned(),
                });
            }
        };
        let bytes = loader.read(&path)?;
        let text = String::from_utf8(bytes).map_err(|_| KustomizeError::Syntax {
            file: path.clone(),
            line: 0,
            column: 0,
            message: "not UTF-8 text".to_owned(),
        })?;
        let kustomization = Kustomization::parse(&path, &text)?;
        Ok((path, kustomization))
    }

    /// Parses the text of a kustomization file named `file`.
    pub fn parse(file: &str, text: &str) -> Result<Kustomization, KustomizeError> {
        let mut value = first_document(file, text)?;
        fix_before_decoding(file, &mut value)?;
        let mut k: Kustomization = decode(file, "kustomization", value)?;
        k.fix_legacy_fields();
        if k.is_empty() {
            return Err(KustomizeError::Invalid {
                file: file.to_owned(),
                field: "kustomization".to_owned(),
                message: "kustomization.yaml is empty".to_owned(),
            });
        }
        k.enforce_kind_and_version(file)?;
        Ok(k)
    }

    /// kustomize's `FixKustomization`: deprecated fields folded into their successors.
    fn fix_legacy_fields(&mut self) {
        self.resources.append(&mut self.bases);
        self.images.append(&mut self.image_tags);
        for generator in self.config_map_generator.iter_mut().chain(self.secret_generator.iter_mut()) {
            fold_env_into_envs(generator);
        }
        let legacy_charts = std::mem::take(&mut self.helm_chart_inflation_generator);
        for chart in legacy_charts {
            self.fold_legacy_chart(chart);
        }
    }

    /// A `helmChartInflationGenerator` entry: its `chartHome`/`helmHome` become `helmGlobals`
    /// (unless set), the rest a `helmCharts` entry, as kustomize's `SplitHelmParameters` does.
    fn fold_legacy_chart(&mut self, chart: Value) {
        let Value::Object(mut fields) = chart else {
            self.helm_charts.push(chart);
            return;
        };
        let chart_home = fields.remove("chartHome");
        let config_home = fields.remove("helmHome");
        if self.helm_globals.is_none() && (chart_home.is_some() || config_home.is_some()) {
            let mut globals = Map::new();
            if let Some(home) = chart_home {
                globals.insert("chartHome".to_owned(), home);
            }
            if let Some(home) = config_home {
                globals.insert("configHome".to_owned(), home);
            }
            self.helm_globals = Some(Value::Object(globals));
        }
        for (old, new) in [("chartName", "name"), ("chartVersion", "version"), ("chartRepoUrl", "repo")] {
            if let Some(v) = fields.remove(old) {
                fields.insert(new.to_owned(), v);
            }
        }
        if let Some(v) = fields.remove("chartRelease") {
            fields.insert("releaseName".to_owned(), v);
        }
        if let Some(v) = fields.remove("values") {
            fields.insert("valuesFile".to_owned(), v);
        }
        self.helm_charts.push(Value::Object(fields));
    }

    /// True when nothing but `apiVersion`/`kind` is set.
    fn is_empty(&self) -> bool {
        let mut bare = self.clone();
        bare.api_version.clear();
        bare.kind.clear();
        bare == Kustomization::default()
    }

    /// kustomize's `EnforceFields`.
    fn enforce_kind_and_version(&self, file: &str) -> Result<(), KustomizeError> {
        if !self.kind.is_empty() && self.kind != "Kustomization" && self.kind != "Component" {
            return Err(KustomizeError::Invalid {
                file: file.to_owned(),
                field: "kind".to_owned(),
                message: "kind should be Kustomization or Component".to_owned(),
            });
        }
        let required = if self.kind() == KustKind::Component { COMPONENT_VERSION } else { KUSTOMIZATION_VERSION };
        if !self.api_version.is_empty() && self.api_version != required {
            let kind = if self.kind.is_empty() { "Kustomization" } else { &self.kind };
            return Err(KustomizeError::Invalid {
                file: file.to_owned(),
                field: "apiVersion".to_owned(),
                message: format!("apiVersion for {kind} should be {required}"),
            });
        }
        Ok(())
    }
}

impl PartialEq for Kustomization {
    fn eq(&self, other: &Self) -> bool {
        // Compared only to find an empty kustomization: the JSON forms say it.
        to_json(self) == to_json(other)
    }
}

fn to_json(k: &Kustomization) -> Value {
    serde_json::json!([
        k.api_version,
        k.kind,
        k.metadata,
        k.openapi,
        k.name_prefix,
        k.name_suffix,
        k.namespace,
        k.common_labels,
        k.labels,
        k.common_annotations,
        k.patches_strategic_merge,
        k.patches_json6902,
        k.patches,
        k.images,
        k.image_tags,
        k.replacements,
        k.replicas,
        k.vars,
        k.sort_options,
        k.resources,
        k.crds,
        k.bases,
        k.components,
        k.config_map_generator,
        k.secret_generator,
        k.helm_globals,
        k.helm_charts,
        k.helm_chart_inflation_generator,
        k.generator_options,
        k.configurations,
        k.generators,
        k.transformers,
        k.validators,
        k.build_metadata,
    ])
}

/// A generator's singular `env:` is appended to its `envs:`.
fn fold_env_into_envs(generator: &mut Value) {
    let Some(fields) = generator.as_object_mut() else { return };
    let Some(env) = fields.remove("env") else { return };
    if env.as_str().is_some_and(str::is_empty) || env.is_null() {
        return;
    }
    match fields.get_mut("envs") {
        Some(Value::Array(envs)) => envs.push(env),
        _ => {
            fields.insert("envs".to_owned(), Value::Array(vec![env]));
        }
    }
}

/// kustomize's `FixKustomizationPreUnmarshalling`: `imageTags` is `images`, and a `patches` list
/// holding any plain string is the old `patchesStrategicMerge`.
fn fix_before_decoding(file: &str, value: &mut Value) -> Result<(), KustomizeError> {
    let Some(fields) = value.as_object_mut() else {
        return Err(KustomizeError::Invalid {
            file: file.to_owned(),
            field: "kustomization".to_owned(),
            message: "expected a mapping of kustomization fields".to_owned(),
        });
    };
    if let Some(tags) = fields.remove("imageTags") {
        fields.insert("images".to_owned(), tags);
    }
    if let Some(patches) = fields.get("patches") {
        let Value::Array(entries) = patches else {
            if patches.is_null() {
                return Ok(());
            }
            return Err(KustomizeError::Invalid {
                file: file.to_owned(),
                field: "patches".to_owned(),
                message: "invalid patches field: expected a list".to_owned(),
            });
        };
        if entries.iter().any(Value::is_string)
            && let Some(legacy) = fields.remove("patches")
        {
            fields.insert("patchesStrategicMerge".to_owned(), legacy);
        }
    }
    Ok(())
}

/// The first document of a kustomization file (an empty file is an empty mapping).
fn first_document(file: &str, text: &str) -> Result<Value, KustomizeError> {
    let docs = super::parse::parse_kustomization_documents(file, text)?;
    Ok(docs.into_iter().next().map_or_else(|| Value::Object(Map::new()), |d| d.value))
}

/// Decodes `value` into `T`, an error naming `file` and `field` (serde's message names the
/// nested field and what was expected).
pub fn decode<T: serde::de::DeserializeOwned>(file: &str, field: &str, value: Value) -> Result<T, KustomizeError> {
    serde_json::from_value(value).map_err(|e| KustomizeError::Invalid {
        file: file.to_owned(),
        field: field.to_owned(),
        message: format!("invalid Kustomization: {e}"),
    })
}

/// Decodes every entry of a list field.
pub fn decode_all<T: serde::de::DeserializeOwned>(
    file: &str,
    field: &str,
    values: &[Value],
) -> Result<Vec<T>, KustomizeError> {
    values.iter().enumerate().map(|(i, v)| decode(file, &format!("{field}[{i}]"), v.clone())).collect()
}

/// How a directory is named in messages (`.` for the root of the loader).
fn display_dir(dir: &str) -> String {
    if dir.is_empty() { ".".to_owned() } else { dir.to_owned() }
}

/// Reads the kustomization of a [`KustDir`]'s directory.
pub fn load_in(kd: &KustDir) -> Result<(String, Kustomization), KustomizeError> {
    Kustomization::load(kd.loader, kd.dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Kustomization, KustomizeError> {
        Kustomization::parse("k/kustomization.yaml", text)
    }

    #[test]
    fn unknown_field_is_an_error_naming_the_file_and_field() {
        let err = parse("resources: [a.yaml]\nfoo: 1\n").unwrap_err().to_string();
        assert!(err.contains("k/kustomization.yaml") && err.contains("unknown field `foo`"), "{err}");
    }

    #[test]
    fn wrong_type_is_an_error() {
        let err = parse("resources: a.yaml\n").unwrap_err().to_string();
        assert!(err.contains("invalid type: string \"a.yaml\", expected a sequence"), "{err}");
    }

    #[test]
    fn legacy_fields_are_folded() {
        let k = parse(
            "resources: [a.yaml]\nbases: [../base]\nimageTags: [{name: nginx}]\npatches: [p.yaml]\n\
             configMapGenerator: [{name: c, env: a.env}]\n",
        )
        .unwrap();
        assert_eq!(k.resources, ["a.yaml", "../base"]);
        assert_eq!(k.images.len(), 1);
        assert_eq!(k.patches_strategic_merge, ["p.yaml"]);
        assert!(k.patches.is_empty());
        assert_eq!(k.config_map_generator[0]["envs"], serde_json::json!(["a.env"]));
    }

    #[test]
    fn empty_kustomization_and_wrong_kind_are_errors() {
        assert!(parse("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n").is_err());
        assert!(parse("kind: Deployment\nresources: [a]\n").unwrap_err().to_string().contains("kind should be"));
        let err = parse("kind: Component\napiVersion: kustomize.config.k8s.io/v1beta1\nresources: [a]\n");
        assert!(err.unwrap_err().to_string().contains("should be kustomize.config.k8s.io/v1alpha1"));
        assert_eq!(parse("kind: Component\nresources: [a]\n").unwrap().kind(), KustKind::Component);
    }
}
