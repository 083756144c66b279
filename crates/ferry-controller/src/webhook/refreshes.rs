//! Warehouses a webhook asked to refresh, waiting for the promotion loop, which wakes at once.

use std::collections::BTreeSet;
use std::sync::Mutex;

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Refreshes {
    warehouses: Mutex<BTreeSet<String>>,
    wake: Notify,
}

impl Refreshes {
    /// Asks for `names` to be polled now; a name already waiting is asked once.
    pub fn request(&self, names: impl IntoIterator<Item = String>) {
        let mut waiting = self.warehouses.lock().unwrap_or_else(|e| e.into_inner());
        let before = waiting.len();
        waiting.extend(names);
        if waiting.len() > before {
            self.wake.notify_one();
        }
    }

    /// The Warehouses asked for since the last call.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.warehouses.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect()
    }

    /// Resolves when a refresh is asked for (or was asked for since the last `take`).
    pub async fn requested(&self) {
        self.wake.notified().await;
    }
}
