//! The promotion loop of `ferry controller` and `ferry up`: resume what a stop interrupted,
//! then every tick poll the Warehouses that are due, run the promotions due now, and send the
//! notifications due (retries after backoff).

use std::time::Duration;

use super::promoter::Promoter;

/// How often the loop looks for due polls and promotions when not told otherwise.
pub const DEFAULT_TICK: Duration = Duration::from_secs(5);

/// Runs until `shutdown` resolves; a promotion in progress then stops where it is and is
/// resumed at the next start.
pub async fn run(promoter: Promoter, tick: Duration, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    tokio::select! {
        _ = &mut shutdown => {}
        () = work(promoter, tick) => {}
    }
}

async fn work(promoter: Promoter, tick: Duration) {
    if let Err(e) = promoter.resume().await {
        tracing::error!(error = %e, "cannot resume interrupted promotions");
    }
    loop {
        if let Err(e) = promoter.poll_due().await {
            tracing::warn!(error = %e, "warehouse polls");
        }
        if let Err(e) = promoter.tick().await {
            tracing::warn!(error = %e, "promotion pass");
        }
        promoter.deliver_notifications().await;
        tokio::time::sleep(tick).await;
    }
}
