//! `ferry app list`.

use ferry_controller::Engine;
use serde_json::json;

use crate::cli::Output;
use crate::commands::{Exit, output};

pub async fn run(engine: &Engine, out: Output) -> anyhow::Result<Exit> {
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for app in engine.applications() {
        let name = app.metadata.name.clone();
        let (sync, health, message) = match engine.status(&name, true).await {
            Ok(s) => (s.sync.as_str().to_string(), s.health.clone(), String::new()),
            Err(e) => ("Unknown".to_string(), "Unknown".to_string(), e.to_string()),
        };
        let source = app.spec.all_sources().first().cloned();
        let policy = if app.spec.sync_policy.as_ref().and_then(|p| p.automated.as_ref()).is_some_and(|a| a.is_enabled())
        {
            "Auto"
        } else {
            "Manual"
        };
        let dest = &app.spec.destination;
        let cluster = dest.name.clone().or_else(|| dest.server.clone()).unwrap_or_default();
        let (repo, path, target) = source.map(|s| (s.repo_url, s.path, s.target_revision)).unwrap_or_default();
        items.push(json!({"name": name, "cluster": cluster, "namespace": dest.namespace, "project": app.spec.project,
            "sync": sync, "health": health, "syncPolicy": policy, "repo": repo, "path": path, "targetRevision": target,
            "message": message}));
        let mut row = vec![
            name,
            cluster,
            dest.namespace.clone().unwrap_or_default(),
            app.spec.project.clone(),
            sync,
            health,
            policy.into(),
        ];
        if out == Output::Wide {
            row.extend([repo, path, target]);
        }
        rows.push(row);
    }
    match out {
        Output::Json => output::json(&items)?,
        Output::Yaml => output::yaml(&items)?,
        Output::Wide => output::table(
            &["NAME", "CLUSTER", "NAMESPACE", "PROJECT", "STATUS", "HEALTH", "SYNCPOLICY", "REPO", "PATH", "TARGET"],
            &rows,
        ),
        Output::Table => {
            output::table(&["NAME", "CLUSTER", "NAMESPACE", "PROJECT", "STATUS", "HEALTH", "SYNCPOLICY"], &rows)
        }
    }
    Ok(Exit::Success)
}
