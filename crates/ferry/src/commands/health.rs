//! `ferry health eval FILE`: one object's health, from a custom Lua check for its kind when
//! one is given (Argo CD's contract), else from the built-in rules.

use std::path::Path;

use anyhow::Context;
use ferry_lua::HealthScripts;
use ferry_render::{DirectoryOptions, SourceFile, render_directory};
use serde_json::json;

use super::{Exit, output};
use crate::cli::{HealthCommand, Output};

pub fn run(cmd: HealthCommand) -> anyhow::Result<Exit> {
    let HealthCommand::Eval { file, customizations, output: out } = cmd;
    let scripts = match &customizations {
        None => HealthScripts::new(),
        Some(p) if p.is_dir() => HealthScripts::load_dir(p)?,
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            HealthScripts::load_argocd_cm(&text, p)?
        }
    };
    let obj = read_object(&file)?;
    let health = ferry_controller::compare::health_of(Some(&obj), &scripts);
    let value = match &health {
        Some(h) => json!({"status": h.status.as_str(), "message": h.message}),
        None => {
            json!({"status": null, "message": format!("no health check for {}", obj["kind"].as_str().unwrap_or("?"))})
        }
    };
    match out {
        Output::Json => output::json(&value)?,
        Output::Yaml => output::yaml(&value)?,
        Output::Table | Output::Wide => output::table(
            &["STATUS", "MESSAGE"],
            &[vec![
                value["status"].as_str().unwrap_or("-").to_string(),
                value["message"].as_str().unwrap_or("").to_string(),
            ]],
        ),
    }
    Ok(Exit::Success)
}

/// The one object in a YAML/JSON file, read with the same checks as manifests in Git.
fn read_object(file: &Path) -> anyhow::Result<serde_json::Value> {
    let contents = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("object.yaml").to_string();
    let name = if name.ends_with(".json") || name.ends_with(".yml") || name.ends_with(".yaml") {
        name
    } else {
        format!("{name}.yaml")
    };
    let files = [SourceFile { path: name, contents }];
    let mut objects = render_directory(&files, ".", &DirectoryOptions::default())
        .with_context(|| format!("reading the object in {}", file.display()))?;
    match objects.len() {
        1 => Ok(objects.remove(0).object),
        n => anyhow::bail!("{} holds {n} objects; give exactly one", file.display()),
    }
}
