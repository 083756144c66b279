//! `ferry warehouse list|refresh`.

use serde_json::json;

use crate::cli::{Output, WarehouseCommand};
use crate::commands::{Exit, Globals, output};

pub async fn run(globals: &Globals, cmd: &WarehouseCommand) -> anyhow::Result<Exit> {
    let promoter = super::promoter(globals).await?;
    match cmd {
        WarehouseCommand::List { output: out } => {
            let polls = promoter.engine.store.warehouse_polls().await?;
            let mut rows = Vec::new();
            let mut items = Vec::new();
            for l in &promoter.engine.config.warehouses {
                let w = &l.value;
                let subs: Vec<String> = w
                    .spec
                    .subscriptions
                    .iter()
                    .map(|s| format!("{} {}", s.kind(), ferry_source::redact_url(s.repo_url())))
                    .collect();
                let poll = polls.iter().find(|p| p.warehouse == w.metadata.name);
                let last = poll.map_or("never".to_owned(), |p| output::timestamp(p.polled_at));
                let state = match poll {
                    Some(p) if p.failures > 0 => format!("failing ({}x): {}", p.failures, p.message),
                    Some(p) => p.message.clone(),
                    None => String::new(),
                };
                rows.push(vec![w.metadata.name.clone(), subs.join(", "), last, state.clone()]);
                items.push(json!({"name": w.metadata.name, "subscriptions": subs, "poll": poll}));
            }
            match out {
                Output::Json => output::json(&items)?,
                Output::Yaml => output::yaml(&items)?,
                Output::Table | Output::Wide => output::table(&["NAME", "SUBSCRIPTIONS", "LAST POLL", "STATE"], &rows),
            }
            Ok(Exit::Success)
        }
        WarehouseCommand::Refresh { warehouse } => {
            let outcome = promoter.refresh(warehouse).await?;
            match (&outcome.error, &outcome.new_freight, &outcome.newest) {
                (Some(e), _, _) => {
                    eprintln!("{warehouse}: {e}");
                    return Ok(Exit::Problem);
                }
                (None, Some(new), _) => println!("{warehouse}: new freight {new}"),
                (None, None, Some(newest)) => println!("{warehouse}: nothing new; newest freight {newest}"),
                (None, None, None) => println!("{warehouse}: nothing found"),
            }
            Ok(Exit::Success)
        }
    }
}
