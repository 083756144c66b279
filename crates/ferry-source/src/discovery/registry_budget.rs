//! One request budget per registry host: a token bucket shared by every subscription to that
//! host, so many subscriptions cannot flood one registry, and a registry that is slow (or
//! whose budget is spent) only delays the calls to it — other hosts have their own bucket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// The buckets of every host seen so far, created on first use.
#[derive(Debug)]
pub(crate) struct Budgets {
    per_second: f64,
    buckets: Mutex<HashMap<String, Arc<Mutex<Bucket>>>>,
}

/// Tokens refill continuously at `per_second` up to one second's worth; a request takes one.
/// Tokens may go negative: each caller reserves its slot and sleeps until it comes, so
/// callers are served in the order they asked.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Budgets {
    /// Budgets of `per_second` requests per host (at least one request per minute).
    pub(crate) fn new(per_second: f64) -> Self {
        let per_second = if per_second.is_finite() { per_second.max(1.0 / 60.0) } else { 1000.0 };
        Self { per_second, buckets: Mutex::default() }
    }

    /// Waits until `host`'s budget allows one more request.
    pub(crate) async fn acquire(&self, host: &str) {
        let wait = self.reserve(host);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Takes a token from `host`'s bucket; how long to wait before using it.
    fn reserve(&self, host: &str) -> Duration {
        let burst = self.per_second.max(1.0);
        let bucket = {
            let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
            buckets
                .entry(host.to_owned())
                .or_insert_with(|| Arc::new(Mutex::new(Bucket { tokens: burst, updated: Instant::now() })))
                .clone()
        };
        let mut bucket = bucket.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let refill = now.duration_since(bucket.updated).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(burst) - 1.0;
        bucket.updated = now;
        if bucket.tokens >= 0.0 { Duration::ZERO } else { Duration::from_secs_f64(-bucket.tokens / self.per_second) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_spent_host_waits_while_another_host_does_not() {
        let budgets = Budgets::new(2.0);
        let start = Instant::now();
        for _ in 0..6 {
            budgets.acquire("slow.example:5000").await;
        }
        // Two in the burst, then four more at two per second.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        let other = Instant::now();
        budgets.acquire("other.example").await;
        budgets.acquire("other.example").await;
        assert_eq!(other.elapsed(), Duration::ZERO);
    }
}
