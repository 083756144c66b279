//! `ferry app get APP`.

use ferry_controller::{AppStatus, Engine};

use crate::cli::Output;
use crate::commands::{Exit, output};

pub async fn run(engine: &Engine, name: &str, out: Output) -> anyhow::Result<Exit> {
    let status = engine.status(name, true).await?;
    match out {
        Output::Json => output::json(&status)?,
        Output::Yaml => output::yaml(&status)?,
        Output::Table | Output::Wide => print(engine, &status, out == Output::Wide)?,
    }
    Ok(Exit::Success)
}

fn print(engine: &Engine, s: &AppStatus, wide: bool) -> anyhow::Result<()> {
    let app = &engine.application(&s.name)?.value;
    let source = app.spec.all_sources().first();
    println!("Name:            {}", s.name);
    println!("Project:         {}", app.spec.project);
    println!("Cluster:         {}", s.cluster);
    println!("Namespace:       {}", s.namespace);
    if let Some(src) = source {
        println!("Repo:            {}", ferry_controller::redact_url(&src.repo_url));
        println!("Path:            {}", src.path);
        println!("Target:          {}", src.target_revision);
    }
    println!("Revision:        {}", s.revision);
    println!("Sync Status:     {}", s.sync.as_str());
    println!("Health Status:   {}", s.health);
    println!();
    let mut rows = Vec::new();
    for r in &s.resources {
        let (health, message) = r.health.as_ref().map(|h| (h.status.clone(), h.message.clone())).unwrap_or_default();
        let status =
            if r.requires_pruning { "OutOfSync (requires pruning)".to_string() } else { r.status.as_str().to_string() };
        let mut row = vec![r.group.clone(), r.kind.clone(), r.namespace.clone(), r.name.clone(), status, health];
        if wide {
            row.push(message);
        }
        rows.push(row);
    }
    let mut header = vec!["GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HEALTH"];
    if wide {
        header.push("MESSAGE");
    }
    output::table(&header, &rows);
    Ok(())
}
