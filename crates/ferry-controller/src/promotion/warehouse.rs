//! Warehouses: each poll discovers the newest Revision of every subscription and records the
//! combination as Freight (content-addressed, so the same versions are the same Freight).
//! Polls are due every `spec.interval`; a failed poll is retried with exponential backoff
//! (10 s doubling, at most the interval), and Warehouses are polled concurrently, so a slow
//! or broken registry delays only the Warehouses that use it. `freightCreationPolicy: Manual`
//! Warehouses make Freight only when refreshed by hand.

use std::path::PathBuf;
use std::time::Duration;

use ferry_api::{FreightCreationPolicy, Subscription, Warehouse};
use ferry_core::freight::Freight;
use ferry_source::{Discovery, DiscoveryOptions};
use ferry_store::{FreightRecord, NewAudit};
use serde::Serialize;

use super::PromotionError;
use super::promoter::{Promoter, now};

/// What one poll of a Warehouse did.
#[derive(Debug, Clone, Serialize)]
pub struct PollOutcome {
    pub warehouse: String,
    /// The alias of the Freight made by this poll, when it was new.
    pub new_freight: Option<String>,
    /// The newest combination's alias (new or already known).
    pub newest: Option<String>,
    pub error: Option<String>,
}

/// The first retry after a failed poll; it doubles with each failure, up to the interval.
const FIRST_RETRY: Duration = Duration::from_secs(10);

/// Discovery for the Warehouses of a control folder: registries on the loopback interface
/// are spoken to over plain HTTP (as Docker treats them); credentials come from the Docker
/// config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`) when there is one.
pub fn discovery_for(warehouses: &[&Warehouse], state_dir: &std::path::Path) -> Discovery {
    let mut options = DiscoveryOptions::new(state_dir.join("discovery-git"));
    options.insecure_http_registries = warehouses
        .iter()
        .flat_map(|w| w.spec.subscriptions.iter())
        .filter_map(|s| match s {
            Subscription::Image(i) => Some(i.repo_url.split('/').next().unwrap_or_default().to_owned()),
            Subscription::Chart(c) => {
                c.repo_url.strip_prefix("oci://").map(|r| r.split('/').next().unwrap_or_default().to_owned())
            }
            Subscription::Git(_) => None,
        })
        .filter(|host| host.starts_with("127.0.0.1:") || host.starts_with("localhost:"))
        .collect();
    options.docker_config = docker_config();
    Discovery::new(options)
}

fn docker_config() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker")))?;
    Some(dir.join("config.json")).filter(|p| p.is_file())
}

impl Promoter {
    fn warehouses(&self) -> Vec<&Warehouse> {
        self.engine.config.warehouses.iter().map(|l| &l.value).collect()
    }

    /// Polls `name` now and makes Freight of what it finds, whatever its creation policy.
    pub async fn refresh(&self, name: &str) -> Result<PollOutcome, PromotionError> {
        let w = self.warehouses().into_iter().find(|w| w.metadata.name == name).ok_or_else(|| {
            let known: Vec<String> = self.warehouses().iter().map(|w| w.metadata.name.clone()).collect();
            PromotionError::Refused(format!("no warehouse {name:?}; warehouses: {}", known.join(", ")))
        })?;
        let failures = failures_in(&self.engine.store.warehouse_polls().await?, name);
        Ok(self.poll(w, true, failures).await)
    }

    /// Polls the Warehouses `names` now (a webhook saw a push), concurrently; each makes
    /// Freight as its `freightCreationPolicy` says. Unknown names are skipped.
    pub async fn poll_now(&self, names: &[String]) -> Vec<PollOutcome> {
        let polls = match self.engine.store.warehouse_polls().await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read warehouse polls");
                return Vec::new();
            }
        };
        let auto = |w: &Warehouse| w.spec.freight_creation_policy == FreightCreationPolicy::Automatic;
        let asked: Vec<&Warehouse> =
            self.warehouses().into_iter().filter(|w| names.contains(&w.metadata.name)).collect();
        let polls = &polls;
        futures::future::join_all(
            asked.into_iter().map(|w| self.poll(w, auto(w), failures_in(polls, &w.metadata.name))),
        )
        .await
    }

    /// Polls every Warehouse whose poll is due, concurrently.
    pub async fn poll_due(&self) -> Result<Vec<PollOutcome>, PromotionError> {
        let polls = self.engine.store.warehouse_polls().await?;
        let at = now();
        let due: Vec<&Warehouse> = self
            .warehouses()
            .into_iter()
            .filter(|w| polls.iter().find(|p| p.warehouse == w.metadata.name).is_none_or(|p| p.next_poll <= at))
            .collect();
        let auto = |w: &Warehouse| w.spec.freight_creation_policy == FreightCreationPolicy::Automatic;
        let polls = &polls;
        Ok(futures::future::join_all(
            due.into_iter().map(|w| self.poll(w, auto(w), failures_in(polls, &w.metadata.name))),
        )
        .await)
    }

    /// Polls `w`; `failures`: its polls failed in a row so far (for the backoff).
    async fn poll(&self, w: &Warehouse, create: bool, failures: u32) -> PollOutcome {
        let name = w.metadata.name.clone();
        let result = self.discover(w).await;
        let at = now();
        let interval = w.spec.interval;
        let (outcome, next, error) = match result {
            Ok(found) => {
                let newest = Some(found.0.alias.clone());
                let new = if create { self.record_freight(&found).await } else { Ok(false) };
                match new {
                    Ok(made) => {
                        let new_freight = made.then(|| found.0.alias.clone());
                        (PollOutcome { warehouse: name.clone(), new_freight, newest, error: None }, interval, None)
                    }
                    Err(e) => (self.failed(&name, e.to_string()), backoff(failures, interval), Some(e.to_string())),
                }
            }
            Err(e) => (self.failed(&name, e.clone()), backoff(failures, interval), Some(e)),
        };
        let next_poll = at + i64::try_from(next.as_secs()).unwrap_or(i64::MAX / 2);
        let message = outcome.newest.as_deref().map_or(String::new(), |a| format!("newest freight {a}"));
        if let Err(e) = self.engine.store.record_poll(&name, at, next_poll, error.as_deref(), &message).await {
            tracing::warn!(warehouse = %name, error = %e, "cannot record the poll");
        }
        if let Some(e) = &error {
            tracing::warn!(warehouse = %name, error = %e, retry_in = ?next, "warehouse poll failed");
        }
        outcome
    }

    fn failed(&self, name: &str, error: String) -> PollOutcome {
        PollOutcome { warehouse: name.to_owned(), new_freight: None, newest: None, error: Some(error) }
    }

    /// The Freight of the newest Revision of every subscription.
    async fn discover(&self, w: &Warehouse) -> Result<(Freight, Vec<String>), String> {
        let found = futures::future::join_all(w.spec.subscriptions.iter().map(|s| self.discovery.discover(s))).await;
        let mut revisions = Vec::new();
        let mut authors = Vec::new();
        for (s, result) in w.spec.subscriptions.iter().zip(found) {
            let list = result
                .map_err(|e| format!("{} subscription {}: {e}", s.kind(), ferry_source::redact_url(s.repo_url())))?;
            let newest = list.into_iter().next().ok_or_else(|| {
                format!("{} subscription {} found nothing to deploy", s.kind(), ferry_source::redact_url(s.repo_url()))
            })?;
            authors.extend(newest.author);
            revisions.push(newest.revision);
        }
        Ok((Freight::new(&w.metadata.name, revisions, now()), authors))
    }

    /// Records Freight; `true` when it is new.
    async fn record_freight(&self, (freight, authors): &(Freight, Vec<String>)) -> Result<bool, PromotionError> {
        let record = FreightRecord {
            id: freight.id.hex(),
            alias: freight.alias.clone(),
            warehouse: freight.origin.clone(),
            revisions: serde_json::to_value(&freight.revisions).unwrap_or_default(),
            authors: authors.clone(),
            created_at: freight.created,
        };
        let new = self.engine.store.insert_freight(&record).await?;
        if new {
            let subject = format!("warehouse/{}", freight.origin);
            let versions: Vec<String> = freight.revisions.iter().map(|r| r.canonical()).collect();
            let detail = serde_json::json!({"freight": freight.alias, "id": record.id, "versions": versions});
            let entry =
                NewAudit { at: freight.created, actor: "ferry", action: "freight.created", subject: &subject, detail };
            self.engine.store.audit(&entry).await?;
            self.say(&format!("warehouse {}: new freight {}", freight.origin, freight.alias));
        }
        Ok(new)
    }
}

/// How many polls of `warehouse` failed in a row.
fn failures_in(polls: &[ferry_store::WarehousePoll], warehouse: &str) -> u32 {
    polls.iter().find(|p| p.warehouse == warehouse).map_or(0, |p| u32::try_from(p.failures).unwrap_or(u32::MAX))
}

/// 10 s, 20 s, 40 s, … after failures in a row, never more than the interval.
fn backoff(failures: u32, interval: Duration) -> Duration {
    FIRST_RETRY.saturating_mul(1u32 << failures.min(16)).min(interval)
}
