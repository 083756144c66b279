//! `ferry approve FREIGHT --stage STAGE --as USER` and `ferry reject …`.

use ferry_controller::promotion::{DecisionRequest, PromotionError};
use ferry_store::Decision;

use crate::cli::DecisionArgs;
use crate::commands::{Exit, Globals};

pub async fn run(globals: &Globals, args: &DecisionArgs, decision: Decision) -> anyhow::Result<Exit> {
    let promoter = super::promoter(globals).await?;
    let req = DecisionRequest {
        pipeline: args.pipeline.clone(),
        stage: args.stage.clone(),
        freight: args.freight.clone(),
        user: args.user.clone(),
        groups: args.groups.clone(),
        decision,
        comment: args.comment.clone(),
    };
    match promoter.decide(&req).await {
        Ok(done) => {
            let verb = if decision == Decision::Approved { "approval" } else { "rejection" };
            if done.counted {
                println!(
                    "{verb} of {} for {} by {} recorded: {}",
                    done.freight_alias, args.stage, args.user, done.verdict
                );
            } else {
                println!(
                    "{} had already decided about {} for {}; the earlier decision stands (counted once): {}",
                    args.user, done.freight_alias, args.stage, done.verdict
                );
            }
            Ok(Exit::Success)
        }
        Err(e @ PromotionError::Refused(_)) => {
            eprintln!("refused: {e}");
            Ok(Exit::Problem)
        }
        Err(e) => Err(e.into()),
    }
}
