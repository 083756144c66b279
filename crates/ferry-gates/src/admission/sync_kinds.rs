//! Which kinds of live objects the webhook replicates into `data.inventory`: given on the command
//! line as `KIND[.VERSION[.GROUP]]`, or read from a Gatekeeper `Config` resource
//! (`config.gatekeeper.sh/v1alpha1`, `spec.sync.syncOnly: [{group, version, kind}]`) as
//! Gatekeeper reads it. Resolving them against what a cluster serves is the cluster side's job.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde_json::Value;

use super::error::AdmissionError;

/// The API group of Gatekeeper's `Config` resource.
const CONFIG_GROUP: &str = "config.gatekeeper.sh";
/// The fields of a `syncOnly` entry.
const ENTRY_FIELDS: [&str; 3] = ["group", "version", "kind"];

/// A kind to replicate. A missing group means "whichever group serves this kind" (command line
/// only; in a `Config` a missing group is the core group, as in Gatekeeper); a missing version
/// means the version the cluster prefers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyncKind {
    /// `Ingress`, `Namespace`, …
    pub kind: String,
    /// `v1`, …
    pub version: Option<String>,
    /// `networking.k8s.io`, `` for the core group.
    pub group: Option<String>,
}

/// A `--sync` value that is not `KIND`, `KIND.VERSION` or `KIND.VERSION.GROUP`.
#[derive(Debug, thiserror::Error)]
#[error("`{0}`: expected KIND, KIND.VERSION (core group) or KIND.VERSION.GROUP, e.g. Ingress.v1.networking.k8s.io")]
pub struct BadSyncKind(String);

impl FromStr for SyncKind {
    type Err = BadSyncKind;

    /// `Ingress` (any group), `Namespace.v1` (the core group), `Ingress.v1.networking.k8s.io`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let bad = || BadSyncKind(value.to_owned());
        let mut parts = value.splitn(3, '.');
        let kind = parts.next().filter(|k| is_name(k)).ok_or_else(bad)?;
        let version = parts.next().map(|v| Some(v).filter(|v| is_name(v)).ok_or_else(bad)).transpose()?;
        let group = match (version, parts.next()) {
            (None, _) => None,
            (Some(_), None) => Some(String::new()),
            (Some(_), Some(group)) if group.split('.').all(is_name) => Some(group.to_owned()),
            _ => return Err(bad()),
        };
        Ok(Self { kind: kind.to_owned(), version: version.map(str::to_owned), group })
    }
}

impl fmt::Display for SyncKind {
    /// The command-line spelling: `Ingress.v1.networking.k8s.io`, `Namespace.v1`, `Ingress`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind)?;
        match (&self.version, self.group.as_deref()) {
            (Some(version), Some("")) => write!(f, ".{version}"),
            (Some(version), Some(group)) => write!(f, ".{version}.{group}"),
            (Some(version), None) => write!(f, ".{version} (any group)"),
            (None, Some("")) => f.write_str(" (core group)"),
            (None, Some(group)) => write!(f, " (group {group})"),
            (None, None) => Ok(()),
        }
    }
}

fn is_name(part: &str) -> bool {
    !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The kinds in `spec.sync.syncOnly` of every Gatekeeper `Config` in the YAML or JSON file at
/// `path` (other documents in the file are skipped).
pub fn load_sync_config(path: &Path) -> Result<Vec<SyncKind>, AdmissionError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| AdmissionError::Read { path: path.to_path_buf(), source })?;
    let documents = serde_saphyr::from_multiple::<Value>(&text).map_err(|e| {
        let at = e.location().map(|l| format!("line {}: ", l.line())).unwrap_or_default();
        let first = e.to_string().lines().next().unwrap_or_default().to_owned();
        AdmissionError::Yaml { path: path.to_path_buf(), problem: format!("{at}{first}") }
    })?;
    let field_error =
        |field: String, problem: String| AdmissionError::Field { path: path.to_path_buf(), field, problem };
    let configs: Vec<&Value> = documents.iter().filter(|d| is_config(d)).collect();
    if configs.is_empty() {
        let found: Vec<String> = documents.iter().map(|d| format!("`{}`", type_of(d))).collect();
        let problem = format!("expected a Gatekeeper Config ({CONFIG_GROUP}/v1alpha1), found {}", found.join(", "));
        return Err(field_error("kind".into(), problem));
    }
    let mut kinds = Vec::new();
    for config in configs {
        for kind in sync_only(config).map_err(|(field, problem)| field_error(field, problem))? {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    Ok(kinds)
}

fn is_config(document: &Value) -> bool {
    let api_version = document.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    document.get("kind").and_then(Value::as_str) == Some("Config")
        && api_version.split_once('/').is_some_and(|(group, _)| group == CONFIG_GROUP)
}

fn type_of(document: &Value) -> String {
    let field = |name| document.get(name).and_then(Value::as_str).unwrap_or("none");
    format!("{} {}", field("apiVersion"), field("kind"))
}

/// The entries of `spec.sync.syncOnly`, or the field that is wrong and why.
fn sync_only(config: &Value) -> Result<Vec<SyncKind>, (String, String)> {
    let list = config.pointer("/spec/sync/syncOnly").ok_or_else(|| {
        ("spec.sync.syncOnly".to_owned(), "missing: list the kinds to sync as {group, version, kind}".to_owned())
    })?;
    let entries = list.as_array().ok_or_else(|| ("spec.sync.syncOnly".to_owned(), "expected a list".to_owned()))?;
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| sync_entry(entry).map_err(|(f, p)| (format!("spec.sync.syncOnly[{i}]{f}"), p)))
        .collect()
}

/// One `{group, version, kind}` entry; a missing group is the core group, as in Gatekeeper.
fn sync_entry(entry: &Value) -> Result<SyncKind, (String, String)> {
    let map =
        entry.as_object().ok_or_else(|| (String::new(), "expected a map of group, version and kind".to_owned()))?;
    if let Some(unknown) = map.keys().find(|k| !ENTRY_FIELDS.contains(&k.as_str())) {
        return Err((format!(".{unknown}"), "unknown field (expected group, version, kind)".to_owned()));
    }
    let text = |name: &str| match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err((format!(".{name}"), format!("expected a string, found {other}"))),
    };
    let kind = text("kind")?.filter(|k| !k.is_empty()).ok_or_else(|| (".kind".to_owned(), "missing".to_owned()))?;
    let version = text("version")?.filter(|v| !v.is_empty());
    Ok(SyncKind { kind, version, group: Some(text("group")?.unwrap_or_default()) })
}

#[cfg(test)]
mod tests {
    use super::{SyncKind, load_sync_config};

    fn kind(kind: &str, version: Option<&str>, group: Option<&str>) -> SyncKind {
        SyncKind { kind: kind.into(), version: version.map(Into::into), group: group.map(Into::into) }
    }

    #[test]
    fn command_line_kinds_parse_and_print_back() {
        for (text, parsed) in [
            ("Ingress", kind("Ingress", None, None)),
            ("Namespace.v1", kind("Namespace", Some("v1"), Some(""))),
            ("Ingress.v1.networking.k8s.io", kind("Ingress", Some("v1"), Some("networking.k8s.io"))),
        ] {
            assert_eq!(text.parse::<SyncKind>().unwrap(), parsed);
            assert_eq!(parsed.to_string(), text);
        }
        for bad in ["", ".v1", "Ingress.", "Ingress.v1.", "Ingress.v1.networking..io", "Ing ress"] {
            let error = bad.parse::<SyncKind>().unwrap_err().to_string();
            assert!(error.contains(&format!("`{bad}`")) && error.contains("KIND.VERSION.GROUP"), "{error}");
        }
    }

    #[test]
    fn a_gatekeeper_config_gives_its_sync_only_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: gatekeeper-system}\n---\n\
             apiVersion: config.gatekeeper.sh/v1alpha1\nkind: Config\nmetadata: {name: config}\nspec:\n  sync:\n    \
             syncOnly:\n      - {group: \"\", version: v1, kind: Namespace}\n      \
             - {group: networking.k8s.io, version: v1, kind: Ingress}\n      - {version: v1, kind: Namespace}\n",
        )
        .unwrap();
        let kinds = load_sync_config(&path).unwrap();
        assert_eq!(
            kinds,
            [kind("Namespace", Some("v1"), Some("")), kind("Ingress", Some("v1"), Some("networking.k8s.io"))]
        );
    }

    #[test]
    fn config_mistakes_name_the_file_and_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        let config = |sync: &str| {
            format!("apiVersion: config.gatekeeper.sh/v1alpha1\nkind: Config\nmetadata: {{name: config}}\n{sync}")
        };
        for (text, field) in [
            (config("spec: {}\n"), "field `spec.sync.syncOnly`: missing"),
            (config("spec: {sync: {syncOnly: {kind: Pod}}}\n"), "field `spec.sync.syncOnly`: expected a list"),
            (config("spec: {sync: {syncOnly: [{version: v1}]}}\n"), "field `spec.sync.syncOnly[0].kind`: missing"),
            (config("spec: {sync: {syncOnly: [{kind: Pod, versions: v1}]}}\n"), "`spec.sync.syncOnly[0].versions`"),
            (config("spec: {sync: {syncOnly: [{kind: [Pod]}]}}\n"), "`spec.sync.syncOnly[0].kind`: expected a string"),
            ("apiVersion: v1\nkind: ConfigMap\n".to_owned(), "field `kind`: expected a Gatekeeper Config"),
            ("kind: [\n".to_owned(), "not valid YAML: line"),
        ] {
            std::fs::write(&path, text).unwrap();
            let error = load_sync_config(&path).unwrap_err().to_string();
            assert!(error.contains("config.yaml") && error.contains(field), "{field}: {error}");
        }
        let missing = dir.path().join("absent.yaml");
        let error = load_sync_config(&missing).unwrap_err().to_string();
        assert!(error.contains("absent.yaml") && error.contains("cannot read"), "{error}");
    }
}
