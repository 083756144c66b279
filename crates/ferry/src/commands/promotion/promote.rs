//! `ferry promote FREIGHT --to STAGE` and `ferry rollback STAGE [--to FREIGHT]`.

use ferry_controller::promotion::{PromoteRequest, PromotionError};
use ferry_store::{PromotionPhase, PromotionRecord};

use crate::cli::{Output, PromoteArgs, RollbackArgs};
use crate::commands::{Exit, Globals, output};

pub async fn promote(globals: &Globals, args: &PromoteArgs) -> anyhow::Result<Exit> {
    let promoter = super::promoter(globals).await?;
    let req = PromoteRequest {
        pipeline: args.pipeline.clone(),
        stage: args.stage.clone(),
        freight: args.freight.clone(),
        requested_by: args.user.clone(),
        override_window: args.override_window.clone(),
    };
    finish(&promoter, promoter.promote(&req).await, args.output).await
}

pub async fn rollback(globals: &Globals, args: &RollbackArgs) -> anyhow::Result<Exit> {
    let promoter = super::promoter(globals).await?;
    let result = promoter.rollback(args.pipeline.as_deref(), &args.stage, args.to.as_deref(), &args.user).await;
    finish(&promoter, result, args.output).await
}

/// Prints the promotion (and a rollback it caused); refusals are problems, not errors.
async fn finish(
    promoter: &ferry_controller::promotion::Promoter,
    result: Result<PromotionRecord, PromotionError>,
    out: Output,
) -> anyhow::Result<Exit> {
    let rec = match result {
        Ok(rec) => rec,
        Err(e @ (PromotionError::Blocked { .. } | PromotionError::Busy { .. } | PromotionError::Refused(_))) => {
            eprintln!("refused: {e}");
            return Ok(Exit::Problem);
        }
        Err(e) => return Err(e.into()),
    };
    let later = promoter.engine.store.promotions(&rec.pipeline, &rec.stage, 1).await?;
    let rollback = later.into_iter().find(|p| p.id > rec.id);
    match out {
        Output::Json => output::json(&serde_json::json!({"promotion": rec, "rollback": rollback}))?,
        Output::Yaml => output::yaml(&serde_json::json!({"promotion": rec, "rollback": rollback}))?,
        Output::Table | Output::Wide => {
            print_record(&rec);
            if let Some(r) = &rollback {
                println!();
                println!("Rolled back:");
                print_record(r);
            }
        }
    }
    Ok(if rec.phase == PromotionPhase::Succeeded { Exit::Success } else { Exit::Problem })
}

fn print_record(rec: &PromotionRecord) {
    println!("Promotion:   #{} ({})", rec.id, rec.kind);
    println!("Stage:       {}/{}", rec.pipeline, rec.stage);
    println!("Freight:     {}", &rec.freight_id[..12]);
    println!("Phase:       {}", rec.phase);
    println!("Commit:      {}", rec.commit_sha.as_deref().unwrap_or("-"));
    println!("Message:     {}", rec.message);
}
