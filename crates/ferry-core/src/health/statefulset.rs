//! StatefulSet health: generation observed, pods ready, then the update strategy
//! (partitioned rolling update, OnDelete, or revisions converged).

use serde_json::Value;

use super::fields::{int, opt_int, string};
use super::{Health, HealthError};

pub(super) fn assess(obj: &Value) -> Result<Health, HealthError> {
    let observed = int(obj, "status.observedGeneration")?;
    if observed == 0 || int(obj, "metadata.generation")? > observed {
        return Ok(Health::progressing("Waiting for statefulset spec update to be observed..."));
    }
    let replicas = opt_int(obj, "spec.replicas")?;
    let ready = int(obj, "status.readyReplicas")?;
    let updated = int(obj, "status.updatedReplicas")?;
    if let Some(wanted) = replicas.filter(|w| ready < *w) {
        return Ok(Health::progressing(format!("Waiting for {} pods to be ready...", wanted - ready)));
    }
    let strategy = string(obj, "spec.updateStrategy.type")?;
    let rolling = obj.pointer("/spec/updateStrategy/rollingUpdate").is_some_and(|r| !r.is_null());
    if strategy == "RollingUpdate" && rolling {
        let partition = opt_int(obj, "spec.updateStrategy.rollingUpdate.partition")?;
        if let (Some(wanted), Some(partition)) = (replicas, partition)
            && updated < wanted - partition
        {
            let target = wanted - partition;
            return Ok(Health::progressing(format!(
                "Waiting for partitioned roll out to finish: {updated} out of {target} new pods have been updated..."
            )));
        }
        return Ok(Health::new(
            super::HealthStatus::Healthy,
            format!("partitioned roll out complete: {updated} new pods have been updated..."),
        ));
    }
    if strategy == "OnDelete" {
        return Ok(Health::new(super::HealthStatus::Healthy, format!("statefulset has {ready} ready pods")));
    }
    let update_revision = string(obj, "status.updateRevision")?;
    let current_revision = string(obj, "status.currentRevision")?;
    if update_revision != current_revision {
        return Ok(Health::progressing(format!(
            "waiting for statefulset rolling update to complete {updated} pods at revision {update_revision}..."
        )));
    }
    let current = int(obj, "status.currentReplicas")?;
    Ok(Health::new(
        super::HealthStatus::Healthy,
        format!("statefulset rolling update complete {current} pods at revision {current_revision}..."),
    ))
}
