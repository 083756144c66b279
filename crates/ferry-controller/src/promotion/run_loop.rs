//! The promotion loop of `ferry controller` and `ferry up`: resume what a stop interrupted,
//! then every tick poll the Warehouses that are due, run the promotions due now, and send the
//! notifications due (retries after backoff).

use std::sync::Arc;
use std::time::Duration;

use super::promoter::Promoter;
use crate::webhook::Refreshes;

/// How often the loop looks for due polls and promotions when not told otherwise.
pub const DEFAULT_TICK: Duration = Duration::from_secs(5);

/// Runs until `shutdown` resolves; a promotion in progress then stops where it is and is
/// resumed at the next start.
pub async fn run(promoter: Promoter, tick: Duration, shutdown: impl std::future::Future<Output = ()>) {
    run_with(promoter, tick, Arc::new(Refreshes::default()), shutdown).await;
}

/// [`run`], also polling at once the Warehouses a webhook asks for through `refreshes`.
pub async fn run_with(
    promoter: Promoter,
    tick: Duration,
    refreshes: Arc<Refreshes>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    tokio::select! {
        _ = &mut shutdown => {}
        () = work(promoter, tick, refreshes) => {}
    }
}

async fn work(promoter: Promoter, tick: Duration, refreshes: Arc<Refreshes>) {
    if let Err(e) = promoter.resume().await {
        tracing::error!(error = %e, "cannot resume interrupted promotions");
    }
    loop {
        let asked = refreshes.take();
        if !asked.is_empty() {
            promoter.poll_now(&asked).await;
        }
        if let Err(e) = promoter.poll_due().await {
            tracing::warn!(error = %e, "warehouse polls");
        }
        if let Err(e) = promoter.tick().await {
            tracing::warn!(error = %e, "promotion pass");
        }
        promoter.deliver_notifications().await;
        tokio::select! {
            () = tokio::time::sleep(tick) => {}
            () = refreshes.requested() => {}
        }
    }
}
