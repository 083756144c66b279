//! Loading the control folder: every YAML/JSON file, every document, every error.
//!
//! Argo CD Applications and Ferry's own Warehouses and Pipelines are read together, so that a
//! Pipeline's references to Warehouses and Applications are checked (`references`).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use crate::application::{self, Application};
use crate::decode::Decoder;
use crate::error::{ConfigError, ConfigErrors};
use crate::node::Node;
use crate::notifier::{self, Notifier};
use crate::pipeline::{self, Pipeline};
use crate::warehouse::{self, Warehouse};
use crate::yaml;

/// The largest configuration file Ferry reads.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The apiVersion of Ferry's own kinds: Warehouse and Pipeline now; Project and others later.
pub const FERRY_API_VERSION: &str = "ferry.dev/v1alpha1";

/// A value read from configuration and where its document starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<T> {
    pub value: T,
    pub file: PathBuf,
    /// The 1-based line the document starts on.
    pub line: usize,
}

/// Everything the control folder declares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The Applications, in file order and then document order.
    pub applications: Vec<Loaded<Application>>,
    /// The Warehouses, in file order and then document order.
    pub warehouses: Vec<Loaded<Warehouse>>,
    /// The Pipelines, in file order and then document order.
    pub pipelines: Vec<Loaded<Pipeline>>,
    /// The Notifiers, in file order and then document order.
    pub notifiers: Vec<Loaded<Notifier>>,
    /// Files holding an Argo CD `argocd-cm` ConfigMap (read for `resource.customizations`).
    pub argocd_cm: Vec<PathBuf>,
    /// The string `data` of those ConfigMaps, later files winning (e.g. `kustomize.buildOptions`).
    pub settings: BTreeMap<String, String>,
}

/// The ConfigMap Argo CD reads its settings from; Ferry reads its resource customizations.
pub const ARGOCD_CM: &str = "argocd-cm";

impl Config {
    /// The Application named `name`.
    pub fn application(&self, name: &str) -> Option<&Loaded<Application>> {
        self.applications.iter().find(|a| a.value.metadata.name == name)
    }

    /// The Warehouse named `name`.
    pub fn warehouse(&self, name: &str) -> Option<&Loaded<Warehouse>> {
        self.warehouses.iter().find(|w| w.value.metadata.name == name)
    }

    /// The Pipeline named `name`.
    pub fn pipeline(&self, name: &str) -> Option<&Loaded<Pipeline>> {
        self.pipelines.iter().find(|p| p.value.metadata.name == name)
    }
}

/// The resources of one file, by kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub applications: Vec<Loaded<Application>>,
    pub warehouses: Vec<Loaded<Warehouse>>,
    pub pipelines: Vec<Loaded<Pipeline>>,
    pub notifiers: Vec<Loaded<Notifier>>,
}

impl Resources {
    fn extend(&mut self, other: Resources) {
        self.applications.extend(other.applications);
        self.warehouses.extend(other.warehouses);
        self.pipelines.extend(other.pipelines);
        self.notifiers.extend(other.notifiers);
    }
}

/// Reads every `*.yaml`, `*.yml` and `*.json` file under `root` (recursively, in path order,
/// skipping hidden files and directories) and returns the configuration, or every error found.
pub fn load_dir(root: &Path) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    let files = crate::walk::config_files(root, &mut errors);
    let mut resources = Resources::default();
    let mut argocd_cm = Vec::new();
    let mut settings = BTreeMap::new();
    for file in files {
        match read_file(&file) {
            Ok(text) => {
                if let Some(data) = argocd_cm_data(&text) {
                    argocd_cm.push(file.clone());
                    settings.extend(data);
                }
                match parse_resources(&text, &file) {
                    Ok(found) => resources.extend(found),
                    Err(found) => errors.extend(found.0),
                }
            }
            Err(error) => errors.push(error),
        }
    }
    let Resources { mut applications, warehouses, mut pipelines, notifiers } = resources;
    applications.extend(pipelines.iter_mut().flat_map(inline_applications));
    let config = Config { applications, warehouses, pipelines, notifiers, argocd_cm, settings };
    check_unique_names(&config.applications, "Application", |a| &a.metadata.name, &mut errors);
    check_unique_names(&config.warehouses, "Warehouse", |w| &w.metadata.name, &mut errors);
    check_unique_names(&config.pipelines, "Pipeline", |p| &p.metadata.name, &mut errors);
    check_unique_names(&config.notifiers, "Notifier", |n| &n.metadata.name, &mut errors);
    crate::references::check(&config, &mut errors);
    if errors.is_empty() { Ok(config) } else { Err(ConfigErrors(errors)) }
}

/// The Applications written in a Pipeline's Stages (`source` + `destination`), named
/// `PIPELINE-STAGE`, each added to its Stage's `applications`.
fn inline_applications(pipeline: &mut Loaded<Pipeline>) -> Vec<Loaded<Application>> {
    let name = pipeline.value.metadata.name.clone();
    let mut out = Vec::new();
    for stage in &mut pipeline.value.spec.stages {
        let Some(inline) = stage.inline_application.clone() else { continue };
        let app_name = format!("{name}-{}", stage.name);
        stage.applications.push(crate::reference::Reference { name: app_name.clone(), line: stage.line });
        let labels = [("ferry.dev/pipeline", name.clone()), ("ferry.dev/stage", stage.name.clone())];
        let value = Application {
            metadata: application::Metadata {
                name: app_name,
                namespace: application::DEFAULT_NAMESPACE.to_owned(),
                labels: labels.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                annotations: BTreeMap::new(),
                finalizers: Vec::new(),
            },
            spec: application::ApplicationSpec {
                project: application::DEFAULT_PROJECT.to_owned(),
                source: Some(inline.source),
                sources: Vec::new(),
                destination: inline.destination,
                sync_policy: inline.sync_policy,
                ignore_differences: Vec::new(),
                revision_history_limit: None,
                info: Vec::new(),
            },
        };
        out.push(Loaded { value, file: pipeline.file.clone(), line: stage.line });
    }
    out
}

/// Whether a file's documents include the `argocd-cm` ConfigMap.
/// The string values of `data` when the text holds an `argocd-cm` ConfigMap.
fn argocd_cm_data(text: &str) -> Option<BTreeMap<String, String>> {
    let documents = yaml::parse_documents(text, Path::new("")).ok()?;
    let cm = documents.iter().find(|d| is_argocd_cm(d))?;
    let mut data = BTreeMap::new();
    if let Some(crate::node::NodeKind::Map(entries)) = cm.get("data").map(|n| &n.kind) {
        for entry in entries {
            if let crate::node::NodeKind::String(v) = &entry.value.kind {
                data.insert(entry.key.clone(), v.clone());
            }
        }
    }
    Some(data)
}

fn is_argocd_cm(doc: &Node) -> bool {
    let text = |n: Option<&Node>| match n.map(|n| &n.kind) {
        Some(crate::node::NodeKind::String(s)) => Some(s.clone()),
        _ => None,
    };
    text(doc.get("apiVersion")).as_deref() == Some("v1")
        && text(doc.get("kind")).as_deref() == Some("ConfigMap")
        && text(doc.get("metadata").and_then(|m| m.get("name"))).as_deref() == Some(ARGOCD_CM)
}

fn read_file(file: &Path) -> Result<String, ConfigError> {
    let read_error = |source| ConfigError::Read { file: file.to_owned(), source };
    let size = fs::metadata(file).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ConfigError::TooLarge { file: file.to_owned(), size, limit: MAX_FILE_BYTES });
    }
    fs::read_to_string(file).map_err(read_error)
}

/// Parses the documents of one file and returns its Applications; its Warehouses and
/// Pipelines are checked too (see [`parse_resources`]). `file` is only used in errors and in
/// [`Loaded`].
pub fn parse_str(text: &str, file: &Path) -> Result<Vec<Loaded<Application>>, ConfigErrors> {
    parse_resources(text, file).map(|r| r.applications)
}

/// Parses the documents of one file into Applications, Warehouses and Pipelines. References
/// between resources are only checked by [`load_dir`], which sees them all.
pub fn parse_resources(text: &str, file: &Path) -> Result<Resources, ConfigErrors> {
    let documents = yaml::parse_documents(text, file).map_err(|e| ConfigErrors(vec![e]))?;
    let mut d = Decoder::new(file);
    let mut resources = Resources::default();
    for doc in &documents {
        decode_document(&mut d, doc, &mut resources);
    }
    let errors = d.into_errors();
    if errors.is_empty() { Ok(resources) } else { Err(ConfigErrors(errors)) }
}

/// Decodes one document by its apiVersion and kind into `resources`.
fn decode_document(d: &mut Decoder, doc: &Node, resources: &mut Resources) {
    if d.fields(doc, "").is_none() {
        return;
    }
    let (Some(api_version), Some(kind)) = (type_field(d, doc, "apiVersion"), type_field(d, doc, "kind")) else {
        return;
    };
    let (file, line) = (d.file().to_owned(), doc.line);
    match (api_version.as_str(), kind.as_str()) {
        (application::API_VERSION, application::KIND) => {
            resources.applications.extend(application::decode(d, doc).map(|value| Loaded {
                value,
                file: file.clone(),
                line,
            }));
        }
        (FERRY_API_VERSION, warehouse::WAREHOUSE_KIND) => {
            resources.warehouses.extend(warehouse::decode(d, doc).map(|value| Loaded {
                value,
                file: file.clone(),
                line,
            }));
        }
        (FERRY_API_VERSION, pipeline::PIPELINE_KIND) => {
            resources.pipelines.extend(pipeline::decode(d, doc).map(|value| Loaded {
                value,
                file: file.clone(),
                line,
            }));
        }
        (FERRY_API_VERSION, notifier::NOTIFIER_KIND) => {
            resources.notifiers.extend(notifier::decode(d, doc).map(|value| Loaded {
                value,
                file: file.clone(),
                line,
            }));
        }
        _ if is_argocd_cm(doc) => {}
        // Policies and thresholds kept beside the Pipelines, read by a Stage's gates
        // (`gates.policy.path`, `gates.vulnerabilities.policy`), not configuration.
        (v, _) if is_gate_document(v) => {}
        (FERRY_API_VERSION, "VulnerabilityPolicy") => {}
        (FERRY_API_VERSION, _) => d.push(ConfigError::UnsupportedKind { file, line, api_version, kind }),
        _ => d.push(ConfigError::UnknownKind { file, line, api_version, kind }),
    }
}

/// Gatekeeper ConstraintTemplates and Constraints.
fn is_gate_document(api_version: &str) -> bool {
    ["templates.gatekeeper.sh/", "constraints.gatekeeper.sh/"].iter().any(|g| api_version.starts_with(g))
}

fn type_field(d: &mut Decoder, doc: &Node, key: &str) -> Option<String> {
    match doc.get(key) {
        None => {
            d.missing(
                doc.line,
                key,
                "`apiVersion` and `kind`, e.g. `argoproj.io/v1alpha1` `Application` or `ferry.dev/v1alpha1` `Pipeline`",
            );
            None
        }
        Some(node) => d.string(node, key),
    }
}

/// Names are how the CLI and API find resources, so they are unique per kind.
fn check_unique_names<T>(
    resources: &[Loaded<T>],
    kind: &'static str,
    name_of: impl Fn(&T) -> &String,
    errors: &mut Vec<ConfigError>,
) {
    let mut seen: HashMap<&str, &Loaded<T>> = HashMap::new();
    for resource in resources {
        let name = name_of(&resource.value).as_str();
        if let Some(first) = seen.get(name) {
            errors.push(ConfigError::DuplicateName {
                kind,
                name: name.to_owned(),
                file: resource.file.clone(),
                line: resource.line,
                first_file: first.file.clone(),
                first_line: first.line,
            });
        } else {
            seen.insert(name, resource);
        }
    }
}
