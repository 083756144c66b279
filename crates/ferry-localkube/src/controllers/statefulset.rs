//! StatefulSets: status as the StatefulSet controller reports it, ready after the delay
//! unless the image is `broken`.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Observed, is_broken, replicas, set_status, template_hash};
use crate::api::{Cluster, Settings};
use crate::object;
use crate::resource::ResourceType;

pub fn reconcile(
    cluster: &Cluster,
    rt: &ResourceType,
    sts: &Value,
    observed: &mut Observed,
    settings: &Settings,
) -> Option<Duration> {
    let template = sts.pointer("/spec/template");
    let revision = format!("{}-{}", object::name(sts), template_hash(template.unwrap_or(&Value::Null)));
    let elapsed = observed.elapsed(sts);
    let ready = !is_broken(template) && elapsed >= settings.ready_delay;
    let want = replicas(sts);
    let old = sts.get("status");
    let prev_rev = old.and_then(|s| s.get("currentRevision")).and_then(Value::as_str).unwrap_or(&revision).to_string();
    let status = if ready {
        json!({
            "observedGeneration": object::generation(sts), "replicas": want, "readyReplicas": want,
            "currentReplicas": want, "updatedReplicas": want, "availableReplicas": want,
            "currentRevision": revision, "updateRevision": revision, "collisionCount": 0,
        })
    } else {
        json!({
            "observedGeneration": object::generation(sts), "replicas": want, "readyReplicas": 0,
            "currentReplicas": want, "updatedReplicas": 0, "availableReplicas": 0,
            "currentRevision": prev_rev, "updateRevision": revision, "collisionCount": 0,
        })
    };
    set_status(cluster, rt, sts, status);
    (!ready && !is_broken(template)).then(|| settings.ready_delay.saturating_sub(elapsed))
}
