//! DaemonSets: the local cluster has one simulated node, so one pod is desired.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Observed, is_broken, set_status};
use crate::api::{Cluster, Settings};
use crate::object;
use crate::resource::ResourceType;

pub fn reconcile(
    cluster: &Cluster,
    rt: &ResourceType,
    ds: &Value,
    observed: &mut Observed,
    settings: &Settings,
) -> Option<Duration> {
    let template = ds.pointer("/spec/template");
    let elapsed = observed.elapsed(ds);
    let ready = !is_broken(template) && elapsed >= settings.ready_delay;
    let n = i64::from(ready);
    let status = json!({
        "observedGeneration": object::generation(ds),
        "desiredNumberScheduled": 1,
        "currentNumberScheduled": 1,
        "numberMisscheduled": 0,
        "numberReady": n,
        "updatedNumberScheduled": n,
        "numberAvailable": n,
        "numberUnavailable": 1 - n,
    });
    set_status(cluster, rt, ds, status);
    (!ready && !is_broken(template)).then(|| settings.ready_delay.saturating_sub(elapsed))
}
