//! `ferry app sync APP`: progress on stderr, the result per resource on stdout.

use std::time::Duration;

use ferry_controller::{Engine, SyncRequest};
use ferry_store::Phase;
use serde_json::json;

use crate::cli::Output;
use crate::commands::{Exit, output};

pub struct Flags {
    pub prune: bool,
    pub dry_run: bool,
    pub revision: Option<String>,
    pub timeout: u64,
    pub output: Output,
}

pub async fn run(engine: &Engine, name: &str, flags: Flags) -> anyhow::Result<Exit> {
    let req = SyncRequest {
        prune: flags.prune,
        dry_run: flags.dry_run,
        revision: flags.revision,
        step_timeout: Duration::from_secs(flags.timeout.max(1)),
        ..SyncRequest::default()
    };
    let progress = |line: &str| eprintln!("{line}");
    let report = engine.sync(name, &req, &progress).await?;
    let ok = report.outcome.phase == Phase::Succeeded;
    match flags.output {
        Output::Json => {
            output::json(&json!({"id": report.id, "revision": report.revision, "phase": report.outcome.phase,
            "message": report.outcome.message, "resources": report.outcome.resources, "status": report.status}))?
        }
        Output::Yaml => {
            output::yaml(&json!({"id": report.id, "revision": report.revision, "phase": report.outcome.phase,
            "message": report.outcome.message, "resources": report.outcome.resources}))?
        }
        Output::Table | Output::Wide => {
            println!("Revision:        {}", report.revision);
            println!("Phase:           {}", report.outcome.phase);
            println!("Message:         {}", report.outcome.message);
            println!("Sync Status:     {}", report.status.sync.as_str());
            println!("Health Status:   {}", report.status.health);
            println!();
            let rows: Vec<Vec<String>> = report
                .outcome
                .resources
                .iter()
                .map(|r| {
                    vec![
                        r.group.clone(),
                        r.kind.clone(),
                        r.namespace.clone(),
                        r.name.clone(),
                        r.status.clone(),
                        r.action.clone(),
                        r.message.clone(),
                    ]
                })
                .collect();
            output::table(&["GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "ACTION", "MESSAGE"], &rows);
        }
    }
    Ok(if ok { Exit::Success } else { Exit::Problem })
}
