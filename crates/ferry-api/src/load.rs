//! Loading the control folder: every YAML/JSON file, every document, every error.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use crate::application::{self, Application};
use crate::decode::Decoder;
use crate::error::{ConfigError, ConfigErrors};
use crate::node::Node;
use crate::yaml;

/// The largest configuration file Ferry reads.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The apiVersion of Ferry's own kinds (Pipeline, Warehouse, Project, …), reserved for later.
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
}

/// Reads every `*.yaml`, `*.yml` and `*.json` file under `root` (recursively, in path order,
/// skipping hidden files and directories) and returns the configuration, or every error found.
pub fn load_dir(root: &Path) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    let files = crate::walk::config_files(root, &mut errors);
    let mut applications = Vec::new();
    let mut argocd_cm = Vec::new();
    let mut settings = BTreeMap::new();
    for file in files {
        match read_file(&file) {
            Ok(text) => {
                if let Some(data) = argocd_cm_data(&text) {
                    argocd_cm.push(file.clone());
                    settings.extend(data);
                }
                collect(parse_str(&text, &file), &mut applications, &mut errors)
            }
            Err(error) => errors.push(error),
        }
    }
    check_unique_names(&applications, &mut errors);
    if errors.is_empty() { Ok(Config { applications, argocd_cm, settings }) } else { Err(ConfigErrors(errors)) }
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

fn collect(
    result: Result<Vec<Loaded<Application>>, ConfigErrors>,
    applications: &mut Vec<Loaded<Application>>,
    errors: &mut Vec<ConfigError>,
) {
    match result {
        Ok(found) => applications.extend(found),
        Err(found) => errors.extend(found.0),
    }
}

fn read_file(file: &Path) -> Result<String, ConfigError> {
    let read_error = |source| ConfigError::Read { file: file.to_owned(), source };
    let size = fs::metadata(file).map_err(read_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ConfigError::TooLarge { file: file.to_owned(), size, limit: MAX_FILE_BYTES });
    }
    fs::read_to_string(file).map_err(read_error)
}

/// Parses the documents of one file (`file` is only used in errors and in [`Loaded`]).
pub fn parse_str(text: &str, file: &Path) -> Result<Vec<Loaded<Application>>, ConfigErrors> {
    let documents = yaml::parse_documents(text, file).map_err(|e| ConfigErrors(vec![e]))?;
    let mut d = Decoder::new(file);
    let applications: Vec<_> = documents.iter().filter_map(|doc| decode_document(&mut d, doc)).collect();
    let errors = d.into_errors();
    if errors.is_empty() { Ok(applications) } else { Err(ConfigErrors(errors)) }
}

/// Decodes one document by its apiVersion and kind.
fn decode_document(d: &mut Decoder, doc: &Node) -> Option<Loaded<Application>> {
    d.fields(doc, "")?;
    let api_version = type_field(d, doc, "apiVersion")?;
    let kind = type_field(d, doc, "kind")?;
    let (file, line) = (d.file().to_owned(), doc.line);
    if api_version == application::API_VERSION && kind == application::KIND {
        return application::decode(d, doc).map(|value| Loaded { value, file, line });
    }
    if is_argocd_cm(doc) {
        return None;
    }
    let error = if api_version == FERRY_API_VERSION {
        ConfigError::UnsupportedKind { file, line, api_version, kind }
    } else {
        ConfigError::UnknownKind { file, line, api_version, kind }
    };
    d.push(error);
    None
}

fn type_field(d: &mut Decoder, doc: &Node, key: &str) -> Option<String> {
    match doc.get(key) {
        None => {
            d.missing(doc.line, key, "`apiVersion: argoproj.io/v1alpha1` and `kind: Application`");
            None
        }
        Some(node) => d.string(node, key),
    }
}

/// Application names are how the CLI and API find them, so they are unique.
fn check_unique_names(applications: &[Loaded<Application>], errors: &mut Vec<ConfigError>) {
    let mut seen: HashMap<&str, &Loaded<Application>> = HashMap::new();
    for app in applications {
        let name = app.value.metadata.name.as_str();
        if let Some(first) = seen.get(name) {
            errors.push(ConfigError::DuplicateName {
                name: name.to_owned(),
                file: app.file.clone(),
                line: app.line,
                first_file: first.file.clone(),
                first_line: first.line,
            });
        } else {
            seen.insert(name, app);
        }
    }
}
