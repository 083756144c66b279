//! `ferry stage list|get`.

use ferry_controller::promotion::{self, Promoter, StageRef};
use ferry_core::promotion::Next;
use serde_json::json;

use crate::cli::{Output, StageCommand};
use crate::commands::{Exit, Globals, output};

pub async fn run(globals: &Globals, cmd: &StageCommand) -> anyhow::Result<Exit> {
    let promoter = super::promoter(globals).await?;
    match cmd {
        StageCommand::List { output: out } => list(&promoter, *out).await,
        StageCommand::Get { stage, pipeline, output: out } => {
            let s = promoter.stage(pipeline.as_deref(), stage)?;
            get(&promoter, s, *out).await
        }
    }
}

/// The alias of the Freight `s` runs, with whether it is verified there.
async fn current(promoter: &Promoter, s: StageRef<'_>) -> anyhow::Result<(String, bool)> {
    let state = promotion::pipeline_state(&promoter.engine.store, &s.pipeline.metadata.name).await?;
    let record = state.stage(&s.stage.name);
    let Some(id) = record.current else { return Ok(("-".to_owned(), false)) };
    let alias = promoter.engine.store.freight(&id).await?.map_or(id.clone(), |f| f.alias);
    Ok((alias, record.verified.contains_key(&id)))
}

async fn next_text(promoter: &Promoter, s: StageRef<'_>) -> anyhow::Result<String> {
    let next = promoter.next_for(s).await?;
    Ok(match next {
        Next::Promote { freight, reason } => format!("promote {} ({reason})", alias(promoter, &freight).await?),
        Next::Wait { freight, reason } => format!("{} waits: {reason}", alias(promoter, &freight).await?),
        Next::Idle { reason } => reason,
    })
}

async fn alias(promoter: &Promoter, id: &str) -> anyhow::Result<String> {
    Ok(promoter.engine.store.freight(id).await?.map_or_else(|| id.to_owned(), |f| f.alias))
}

async fn list(promoter: &Promoter, out: Output) -> anyhow::Result<Exit> {
    let mut rows = Vec::new();
    let mut items = Vec::new();
    for s in promoter.stages() {
        let (freight, verified) = current(promoter, s).await?;
        let next = next_text(promoter, s).await?;
        rows.push(vec![
            s.pipeline.metadata.name.clone(),
            s.stage.name.clone(),
            freight.clone(),
            if verified { "yes".into() } else { "no".into() },
            next.clone(),
        ]);
        items.push(json!({"pipeline": s.pipeline.metadata.name, "stage": s.stage.name, "freight": freight,
            "verified": verified, "next": next}));
    }
    match out {
        Output::Json => output::json(&items)?,
        Output::Yaml => output::yaml(&items)?,
        Output::Table | Output::Wide => output::table(&["PIPELINE", "STAGE", "FREIGHT", "VERIFIED", "NEXT"], &rows),
    }
    Ok(Exit::Success)
}

async fn get(promoter: &Promoter, s: StageRef<'_>, out: Output) -> anyhow::Result<Exit> {
    let (freight, verified) = current(promoter, s).await?;
    let next = next_text(promoter, s).await?;
    let promotions = promoter.engine.store.promotions(&s.pipeline.metadata.name, &s.stage.name, 20).await?;
    match out {
        Output::Json => output::json(&json!({"pipeline": s.pipeline.metadata.name, "stage": s.stage,
            "freight": freight, "verified": verified, "next": next, "promotions": promotions}))?,
        Output::Yaml => output::yaml(&json!({"pipeline": s.pipeline.metadata.name, "stage": s.stage,
            "freight": freight, "verified": verified, "next": next, "promotions": promotions}))?,
        Output::Table | Output::Wide => {
            println!("Stage:        {}", s.subject());
            println!("Freight:      {freight}{}", if verified { " (verified)" } else { "" });
            println!("Next:         {next}");
            println!("Promotions:");
            let mut rows = Vec::new();
            for p in &promotions {
                rows.push(vec![
                    format!("#{}", p.id),
                    p.kind.to_string(),
                    alias(promoter, &p.freight_id).await?,
                    p.phase.to_string(),
                    p.requested_by.clone(),
                    output::timestamp(p.created_at),
                    p.commit_sha.as_deref().map_or("-".to_owned(), |c| c[..7.min(c.len())].to_owned()),
                    p.message.clone(),
                ]);
            }
            output::table(&["ID", "KIND", "FREIGHT", "PHASE", "BY", "AT", "COMMIT", "MESSAGE"], &rows);
        }
    }
    Ok(Exit::Success)
}
