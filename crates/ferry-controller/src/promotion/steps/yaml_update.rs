//! `yaml-update`: sets values at dotted paths in a YAML file (Helm values, any config) in
//! place, keeping comments and layout.
//!
//! ```yaml
//! - uses: yaml-update
//!   with:
//!     path: ./src/charts/web/values-dev.yaml
//!     create: false                 # default: a missing path is an error
//!     updates:
//!       - key: image.tag
//!         value: "{env}-{short-sha}"   # strings are templates; numbers and booleans as given
//!       - key: 'ingress.annotations."cert-manager.io/cluster-issuer"'
//!         value: letsencrypt
//!       - key: containers[0].replicas
//!         value: 3
//! ```
//!
//! Paths: keys separated by `.`, `[N]` for a sequence index, a key in quotes when it holds
//! `.` or brackets. With `create: true` missing keys (and mappings on the way) are added; a
//! missing sequence index never is.

use serde::Deserialize;

use super::template::Vars;
use super::yaml_path::{self, Change, Scalar};
use super::{StepContext, StepError, StepOutcome, yaml_file};

/// The `yaml-update` step's config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YamlUpdate {
    pub path: String,
    #[serde(default)]
    pub create: bool,
    pub updates: Vec<YamlValueUpdate>,
}

/// One value to set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YamlValueUpdate {
    pub key: String,
    pub value: serde_json::Value,
}

impl YamlUpdate {
    /// Runs the step.
    pub fn run(&self, ctx: &StepContext) -> Result<StepOutcome, StepError> {
        let file = ctx.resolve("path", &self.path)?;
        let shown = ctx.display(&file);
        let vars = Vars::from_context(ctx);
        let edited = yaml_file::read(&file, &shown)?;
        let mut changes = Vec::new();
        for (index, update) in self.updates.iter().enumerate() {
            let value = scalar(&vars, index, &update.value)?;
            let bad_key = |message: String| StepError::Config {
                step: "yaml-update",
                field: format!("updates[{index}].key"),
                message,
            };
            let path = yaml_path::parse(&update.key).map_err(bad_key)?;
            let change =
                yaml_path::set(&edited.doc, &path, &value, self.create).map_err(|message| StepError::File {
                    file: shown.clone(),
                    field: update.key.clone(),
                    message: if self.create { message } else { format!("{message} (set `create: true` to add it)") },
                })?;
            match change {
                Change::Unchanged => {}
                Change::Replaced { old } => changes.push(format!("{}: {old} -> {}", update.key, value.shown())),
                Change::Created => changes.push(format!("{}: (none) -> {}", update.key, value.shown())),
            }
        }
        if !changes.is_empty() {
            yaml_file::write(&edited, &file, &shown)?;
        }
        Ok(StepOutcome::Edited { file: shown, changes })
    }
}

/// The value to write: strings expanded as templates, other scalars as given.
fn scalar(vars: &Vars, index: usize, value: &serde_json::Value) -> Result<Scalar, StepError> {
    let field = format!("updates[{index}].value");
    Ok(match value {
        serde_json::Value::String(s) => Scalar::String(vars.expand(&field, s)?),
        serde_json::Value::Bool(b) => Scalar::Bool(*b),
        serde_json::Value::Null => Scalar::Null,
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Scalar::Int(i),
            None => Scalar::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        _ => {
            return Err(StepError::Config {
                step: "yaml-update",
                field,
                message: "must be a string, number, boolean or null".to_owned(),
            });
        }
    })
}
