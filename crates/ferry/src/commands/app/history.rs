//! `ferry app history`, `rollback` and `manifests`.

use ferry_controller::Engine;
use ferry_store::Phase;

use crate::cli::Output;
use crate::commands::{Exit, output};

pub async fn history(engine: &Engine, name: &str, out: Output) -> anyhow::Result<Exit> {
    let records = engine.history(name).await?;
    match out {
        Output::Json => output::json(&records)?,
        Output::Yaml => output::yaml(&records)?,
        Output::Table | Output::Wide => {
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    let short: Vec<String> = r.revision.split(',').map(|x| x.chars().take(12).collect()).collect();
                    vec![
                        r.id.to_string(),
                        output::timestamp(r.started_at),
                        short.join(","),
                        r.trigger.to_string(),
                        r.phase.to_string(),
                        r.message.clone(),
                    ]
                })
                .collect();
            output::table(&["ID", "DATE", "REVISION", "TRIGGER", "PHASE", "MESSAGE"], &rows);
        }
    }
    Ok(Exit::Success)
}

pub async fn rollback(engine: &Engine, name: &str, id: i64, force: bool) -> anyhow::Result<Exit> {
    let progress = |line: &str| eprintln!("{line}");
    let report = engine.rollback(name, id, force, &progress).await?;
    println!(
        "Rolled back {name} to revision {} (sync {id}): {} — {}",
        report.revision, report.outcome.phase, report.outcome.message
    );
    Ok(if report.outcome.phase == Phase::Succeeded { Exit::Success } else { Exit::Problem })
}

pub async fn manifests(engine: &Engine, name: &str, revision: Option<String>) -> anyhow::Result<Exit> {
    let desired = engine.manifests(name, revision).await?;
    for d in &desired.objects {
        println!("---");
        print!("{}", ferry_core::diff::to_yaml(&ferry_core::diff::redacted(&d.object)));
    }
    Ok(Exit::Success)
}
