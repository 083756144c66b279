//! `ferry app wait APP [--sync] [--health]`: polls until the Application is Synced and/or
//! Healthy (both when neither flag is given); exit 1 on timeout.

use std::time::{Duration, Instant};

use ferry_controller::{Engine, SyncStatus};

use crate::commands::Exit;

pub async fn run(engine: &Engine, name: &str, sync: bool, health: bool, timeout: u64) -> anyhow::Result<Exit> {
    let (want_sync, want_health) = if !sync && !health { (true, true) } else { (sync, health) };
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let mut last = String::new();
    loop {
        let s = engine.status(name, true).await?;
        let now = format!("{} / {}", s.sync.as_str(), s.health);
        if now != last {
            eprintln!("{name}: {now}");
            last = now;
        }
        let sync_ok = !want_sync || s.sync == SyncStatus::Synced;
        let health_ok = !want_health || s.health == "Healthy";
        if sync_ok && health_ok {
            return Ok(Exit::Success);
        }
        if Instant::now() >= deadline {
            eprintln!("timed out after {timeout}s waiting for {name} ({last})");
            return Ok(Exit::Problem);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
