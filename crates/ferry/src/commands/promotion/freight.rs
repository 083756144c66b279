//! `ferry freight list|get`.

use std::collections::BTreeMap;

use ferry_controller::promotion::{self, Promoter};
use ferry_core::freight::Revision;
use ferry_core::promotion::PipelineState;
use ferry_store::FreightRecord;
use serde_json::json;

use crate::cli::{FreightCommand, Output};
use crate::commands::{Exit, Globals, output};

pub async fn run(globals: &Globals, cmd: &FreightCommand) -> anyhow::Result<Exit> {
    let promoter = super::promoter(globals).await?;
    match cmd {
        FreightCommand::List { warehouse, output: out } => list(&promoter, warehouse.as_deref(), *out).await,
        FreightCommand::Get { freight, output: out } => get(&promoter, freight, *out).await,
    }
}

/// Every Pipeline's state, read once per command.
async fn states(promoter: &Promoter) -> anyhow::Result<Vec<(String, PipelineState)>> {
    let mut out = Vec::new();
    for p in &promoter.engine.config.pipelines {
        let name = p.value.metadata.name.clone();
        let state = promotion::pipeline_state(&promoter.engine.store, &name).await?;
        out.push((name, state));
    }
    Ok(out)
}

/// Per Stage (`pipeline/stage`): `current`, `verified` or `failed`.
fn where_is(states: &[(String, PipelineState)], freight: &str) -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    for (pipeline, state) in states {
        for (stage, record) in &state.stages {
            let key = format!("{pipeline}/{stage}");
            if record.current.as_deref() == Some(freight) {
                out.insert(key, if record.verified.contains_key(freight) { "current, verified" } else { "current" });
            } else if record.verified.contains_key(freight) {
                out.insert(key, "verified");
            } else if record.failed.contains(freight) {
                out.insert(key, "failed");
            }
        }
    }
    out
}

async fn list(promoter: &Promoter, warehouse: Option<&str>, out: Output) -> anyhow::Result<Exit> {
    let all = promoter.engine.store.freight_list(warehouse, 200).await?;
    let states = states(promoter).await?;
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for f in &all {
        let stages = where_is(&states, &f.id);
        let shown: Vec<String> = stages.iter().map(|(s, what)| format!("{s} ({what})")).collect();
        rows.push(vec![
            f.alias.clone(),
            f.id[..12].to_owned(),
            f.warehouse.clone(),
            output::timestamp(f.created_at),
            versions(f).join(" "),
            shown.join(", "),
        ]);
        items.push(json!({"freight": f, "stages": stages}));
    }
    match out {
        Output::Json => output::json(&items)?,
        Output::Yaml => output::yaml(&items)?,
        Output::Table | Output::Wide => {
            output::table(&["ALIAS", "ID", "WAREHOUSE", "CREATED", "VERSIONS", "STAGES"], &rows)
        }
    }
    Ok(Exit::Success)
}

async fn get(promoter: &Promoter, name: &str, out: Output) -> anyhow::Result<Exit> {
    let f = promoter.freight(name).await?;
    let stages = where_is(&states(promoter).await?, &f.id);
    let mut approvals = BTreeMap::new();
    for s in promoter.stages() {
        if s.stage.approvals.is_some() {
            let verdict = promoter.approval_verdict(s, &f).await?;
            approvals.insert(s.subject(), verdict.to_string());
        }
    }
    match out {
        Output::Json => output::json(&json!({"freight": f, "stages": stages, "approvals": approvals}))?,
        Output::Yaml => output::yaml(&json!({"freight": f, "stages": stages, "approvals": approvals}))?,
        Output::Table | Output::Wide => {
            println!("Alias:       {}", f.alias);
            println!("ID:          {}", f.id);
            println!("Warehouse:   {}", f.warehouse);
            println!("Created:     {}", output::timestamp(f.created_at));
            println!("Versions:");
            for line in full_versions(&f) {
                println!("  {line}");
            }
            println!("Stages:");
            for (s, what) in &stages {
                println!("  {s}: {what}");
            }
            for (s, verdict) in &approvals {
                println!("Approvals for {s}: {verdict}");
            }
        }
    }
    Ok(Exit::Success)
}

fn revisions(f: &FreightRecord) -> Vec<Revision> {
    promotion::revisions(f).unwrap_or_default()
}

fn versions(f: &FreightRecord) -> Vec<String> {
    revisions(f).iter().map(Revision::short).collect()
}

fn full_versions(f: &FreightRecord) -> Vec<String> {
    revisions(f)
        .iter()
        .map(|r| match r {
            Revision::Git { repo_url, commit } => format!("git {repo_url} @ {commit}"),
            Revision::Image { repo_url, digest, tag } => {
                format!("image {repo_url}:{} @ {digest}", tag.as_deref().unwrap_or("-"))
            }
            Revision::Chart { repo_url, name, version } => format!("chart {repo_url} {name} {version}"),
        })
        .collect()
}
