//! Loading health scripts from an argocd-cm ConfigMap, in both of Argo CD's forms:
//!
//! ```yaml
//! data:
//!   # the older form: one YAML document in a string, keyed by `group/Kind` (`Kind` alone for
//!   # the core group)
//!   resource.customizations: |
//!     cert-manager.io/Certificate:
//!       health.lua: |
//!         hs = {} ...
//!   # the newer form: one key per kind, `<group>_<Kind>` (or `<Kind>`)
//!   resource.customizations.health.cert-manager.io_Certificate: |
//!     hs = {} ...
//! ```
//!
//! Keys may use the wildcards `*` and `?` (`*.crossplane.io/*`). As in Argo CD the newer form
//! overrides the older one for the same key. The text may be the whole ConfigMap or just its
//! `data` mapping, in YAML or JSON. Other customizations (actions, ignoreDifferences, …) are
//! not health checks and are skipped.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::LoadError;
use crate::pattern::GroupKindPattern;
use crate::script::Script;
use crate::scripts::HealthScripts;

/// The argocd-cm key holding the older, single-document form.
pub const CUSTOMIZATIONS_KEY: &str = "resource.customizations";
/// The prefix of the newer per-kind keys.
pub const HEALTH_KEY_PREFIX: &str = "resource.customizations.health.";
/// The field naming the script inside an entry of the older form.
const HEALTH_LUA_FIELD: &str = "health.lua";

impl HealthScripts {
    /// The health scripts of an argocd-cm ConfigMap (or its `data`); `file` names it in errors
    /// and in the scripts' origins.
    pub fn load_argocd_cm(text: &str, file: &Path) -> Result<Self, LoadError> {
        let document: Value = serde_saphyr::from_str(text)
            .map_err(|source| LoadError::Yaml { file: file.to_owned(), source: Box::new(source) })?;
        let data =
            data_of(&document).ok_or_else(|| invalid(file, "(document)", "expected a ConfigMap or a mapping"))?;
        let mut scripts = HealthScripts::new();
        if let Some(customizations) = data.get(CUSTOMIZATIONS_KEY) {
            scripts.merge(load_customizations(customizations, file)?);
        }
        for (key, value) in data {
            if let Some(group_kind) = key.strip_prefix(HEALTH_KEY_PREFIX) {
                let pattern =
                    split_key(group_kind).ok_or_else(|| invalid(file, key, "expected <group>_<Kind> or <Kind>"))?;
                let source = value.as_str().ok_or_else(|| invalid(file, key, "expected a Lua script as a string"))?;
                scripts.insert(pattern, Script::new(source, format!("{} ({key})", file.display())));
            }
        }
        Ok(scripts)
    }
}

/// The ConfigMap's `data`, or the document itself when it is already the data mapping.
fn data_of(document: &Value) -> Option<&Map<String, Value>> {
    let mapping = document.as_object()?;
    let is_config_map = mapping.get("kind").and_then(Value::as_str) == Some("ConfigMap");
    match mapping.get("data") {
        Some(Value::Object(data)) if is_config_map || mapping.contains_key("apiVersion") => Some(data),
        _ if is_config_map => None,
        _ => Some(mapping),
    }
}

/// The older form: a YAML string (or, leniently, a mapping) of `group/Kind: {health.lua: …}`.
fn load_customizations(value: &Value, file: &Path) -> Result<HealthScripts, LoadError> {
    let parsed;
    let entries = match value {
        Value::String(text) => {
            parsed = serde_saphyr::from_str::<Value>(text).map_err(|source| LoadError::FieldYaml {
                file: file.to_owned(),
                field: CUSTOMIZATIONS_KEY.to_owned(),
                source: Box::new(source),
            })?;
            &parsed
        }
        other => other,
    };
    let mut scripts = HealthScripts::new();
    let Some(entries) = entries.as_object() else {
        return match entries {
            Value::Null => Ok(scripts),
            _ => Err(invalid(file, CUSTOMIZATIONS_KEY, "expected a mapping of group/Kind to customizations")),
        };
    };
    for (key, entry) in entries {
        let field = format!("{CUSTOMIZATIONS_KEY}: {key}");
        match entry.get(HEALTH_LUA_FIELD) {
            None | Some(Value::Null) => {}
            Some(Value::String(source)) => {
                let origin = format!("{} ({field})", file.display());
                scripts.insert(GroupKindPattern::parse_key(key), Script::new(source.as_str(), origin));
            }
            Some(_) => return Err(invalid(file, &format!("{field}: {HEALTH_LUA_FIELD}"), "expected a string")),
        }
    }
    Ok(scripts)
}

/// Argo CD's `<group>_<Kind>` key suffix (`<Kind>` alone for the core group).
fn split_key(group_kind: &str) -> Option<GroupKindPattern> {
    match group_kind.split('_').collect::<Vec<_>>().as_slice() {
        [kind] if !kind.is_empty() => Some(GroupKindPattern::new("", *kind)),
        [group, kind] if !kind.is_empty() => Some(GroupKindPattern::new(*group, *kind)),
        _ => None,
    }
}

fn invalid(file: &Path, field: &str, message: &str) -> LoadError {
    LoadError::Invalid { file: file.to_owned(), field: field.to_owned(), message: message.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG_MAP: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
data:
  resource.customizations: |
    cert-manager.io/Certificate:
      health.lua: |
        return {status = "Healthy", message = "old form"}
    apps/Deployment:
      ignoreDifferences: |
        jsonPointers: [/spec/replicas]
    ConfigMap:
      health.lua: return {status = "Healthy"}
  resource.customizations.health.cert-manager.io_Certificate: |
    return {status = "Healthy", message = "new form"}
  resource.customizations.health.*.crossplane.io_*: |
    return {status = "Progressing"}
  resource.customizations.health.Secret: return {status = "Healthy"}
  resource.customizations.ignoreDifferences.apps_Deployment: "jsonPointers: []"
  url: https://argocd.example.com
"#;

    fn cm() -> HealthScripts {
        HealthScripts::load_argocd_cm(CONFIG_MAP, Path::new("argocd-cm.yaml")).unwrap()
    }

    #[test]
    fn the_newer_form_overrides_the_older() {
        let script = cm().for_kind("cert-manager.io", "Certificate").unwrap().clone();
        assert!(script.source().contains("new form"));
        assert_eq!(script.origin(), "argocd-cm.yaml (resource.customizations.health.cert-manager.io_Certificate)");
    }

    #[test]
    fn both_forms_cover_core_kinds_and_wildcards() {
        let scripts = cm();
        assert_eq!(scripts.len(), 4);
        assert!(scripts.for_kind("", "ConfigMap").is_some());
        assert!(scripts.for_kind("", "Secret").is_some());
        assert!(scripts.for_kind("pkg.crossplane.io", "Provider").is_some());
        assert!(scripts.for_kind("apps", "Deployment").is_none());
    }

    #[test]
    fn the_data_mapping_alone_and_json_are_accepted() {
        let data = r#"{"resource.customizations.health.argoproj.io_Rollout": "return {status = 'Healthy'}"}"#;
        let scripts = HealthScripts::load_argocd_cm(data, Path::new("cm.json")).unwrap();
        assert!(scripts.for_kind("argoproj.io", "Rollout").is_some());
    }

    #[test]
    fn errors_name_the_file_and_field() {
        let bad_yaml = HealthScripts::load_argocd_cm("data: [unclosed", Path::new("argocd-cm.yaml")).unwrap_err();
        assert!(bad_yaml.to_string().starts_with("argocd-cm.yaml: invalid YAML"), "{bad_yaml}");

        let nested = "resource.customizations: |\n  a/B: [unclosed\n";
        let error = HealthScripts::load_argocd_cm(nested, Path::new("cm.yaml")).unwrap_err();
        assert!(error.to_string().starts_with("cm.yaml: resource.customizations: invalid YAML"), "{error}");

        let bad_key = "resource.customizations.health.a_b_C: return {}";
        let error = HealthScripts::load_argocd_cm(bad_key, Path::new("cm.yaml")).unwrap_err();
        assert!(error.to_string().contains("resource.customizations.health.a_b_C"), "{error}");

        let not_text = "resource.customizations.health.a_B: {status: Healthy}";
        let error = HealthScripts::load_argocd_cm(not_text, Path::new("cm.yaml")).unwrap_err();
        assert!(error.to_string().contains("expected a Lua script"), "{error}");
    }
}
