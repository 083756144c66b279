//! Deployments: one ReplicaSet per pod template (named `<deployment>-<template hash>`,
//! owned by the Deployment), older ReplicaSets scaled to zero, and the status a real
//! deployment controller reports while the new template rolls out and once it is available
//! — or `ProgressDeadlineExceeded` when its image is `broken`.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Observed, condition, create, is_broken, keep_transitions, replicas, set_status, template_hash};
use crate::api::Cluster;
use crate::api::Settings;
use crate::object::{self, annotation};
use crate::resource::{GroupResource, ResourceType};
use crate::time::now_rfc3339;

const REVISION: &str = "deployment.kubernetes.io/revision";

pub fn reconcile(
    cluster: &Cluster,
    rt: &ResourceType,
    d: &Value,
    observed: &mut Observed,
    settings: &Settings,
) -> Option<Duration> {
    if d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let hash = template_hash(&template);
    let rs_name = format!("{}-{hash}", object::name(d));
    let want = replicas(d);
    let revision = sync_replica_sets(cluster, d, &template, &hash, &rs_name, want);
    let elapsed = observed.elapsed(d);
    let broken = is_broken(Some(&template));
    let ready = !broken && elapsed >= settings.ready_delay;
    let deadline =
        Duration::from_secs(d.pointer("/spec/progressDeadlineSeconds").and_then(Value::as_u64).unwrap_or(600));
    let timed_out = broken && elapsed >= deadline;
    let status = status(d, &rs_name, want, ready, timed_out);
    set_replica_set_status(cluster, d, &rs_name, want, ready);
    set_status(cluster, rt, d, status);
    if revision.is_some() {
        annotate_revision(cluster, rt, d, revision);
    }
    match (ready, broken, timed_out) {
        (true, _, _) | (_, _, true) => None,
        (false, true, false) => Some(deadline.saturating_sub(elapsed)),
        (false, false, _) => Some(settings.ready_delay.saturating_sub(elapsed)),
    }
}

fn rs_gr() -> GroupResource {
    GroupResource::new("apps", "replicasets")
}

fn owned_replica_sets(cluster: &Cluster, d: &Value) -> Vec<Value> {
    let uid = object::uid(d).to_string();
    cluster.store.read(|s| {
        s.list(&rs_gr(), Some(object::namespace(d)))
            .filter(|rs| object::owner_uids(rs).contains(&uid))
            .cloned()
            .collect()
    })
}

/// Ensures the current ReplicaSet exists at `want` replicas and the others are at zero.
/// Returns the revision of the current ReplicaSet.
fn sync_replica_sets(
    cluster: &Cluster,
    d: &Value,
    template: &Value,
    hash: &str,
    rs_name: &str,
    want: i64,
) -> Option<String> {
    let owned = owned_replica_sets(cluster, d);
    let max_rev = owned.iter().filter_map(|rs| annotation(rs, REVISION)?.parse::<i64>().ok()).max().unwrap_or(0);
    let current = owned.iter().find(|rs| object::name(rs) == rs_name);
    let revision = match current {
        Some(rs) => annotation(rs, REVISION).map(String::from),
        None => {
            let rev = (max_rev + 1).to_string();
            create(cluster, &rs_gr(), new_replica_set(d, template, hash, rs_name, want, &rev));
            Some(rev)
        }
    };
    for rs in owned.iter() {
        let target = if object::name(rs) == rs_name { want } else { 0 };
        if replicas(rs) != target {
            scale_replica_set(cluster, rs, target);
        }
    }
    revision
}

fn new_replica_set(d: &Value, template: &Value, hash: &str, name: &str, want: i64, revision: &str) -> Value {
    let mut template = template.clone();
    template["metadata"]["labels"]["pod-template-hash"] = json!(hash);
    let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
    selector["matchLabels"]["pod-template-hash"] = json!(hash);
    let labels = template["metadata"]["labels"].clone();
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": object::namespace(d),
            "labels": labels,
            "annotations": {REVISION: revision, "deployment.kubernetes.io/desired-replicas": want.to_string()},
            "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "Deployment", "name": object::name(d),
                "uid": object::uid(d), "controller": true, "blockOwnerDeletion": true,
            }],
        },
        "spec": {"replicas": want, "selector": selector, "template": template},
    })
}

fn scale_replica_set(cluster: &Cluster, rs: &Value, target: i64) {
    let _ = cluster.store.write(|s| {
        let Some(rt) = s.registry.storage_type(&rs_gr()) else { return Ok(Value::Null) };
        let Some(old) = s.get(&rs_gr(), object::namespace(rs), object::name(rs)).cloned() else {
            return Ok(Value::Null);
        };
        let mut new = old.clone();
        new["spec"]["replicas"] = json!(target);
        crate::api::write::commit(
            s,
            &rt,
            &old,
            new,
            crate::api::managed::Ownership::Update(super::MANAGER.into()),
            false,
            None,
        )
    });
}

fn set_replica_set_status(cluster: &Cluster, d: &Value, rs_name: &str, want: i64, ready: bool) {
    let Some(rt) = cluster.store.read(|s| s.registry.storage_type(&rs_gr())) else { return };
    for rs in owned_replica_sets(cluster, d) {
        let current = object::name(&rs) == rs_name;
        let n = if current { want } else { 0 };
        let up = if current && ready { want } else { 0 };
        let status = json!({
            "replicas": n,
            "fullyLabeledReplicas": n,
            "readyReplicas": up,
            "availableReplicas": up,
            "observedGeneration": object::generation(&rs),
        });
        set_status(cluster, &rt, &rs, status);
    }
}

fn status(d: &Value, rs_name: &str, want: i64, ready: bool, timed_out: bool) -> Value {
    let old = d.get("status");
    let prev = |k: &str| old.and_then(|s| s.get(k)).and_then(Value::as_i64).unwrap_or(0);
    let (updated, available) = if ready || want == 0 { (want, want) } else { (0, prev("availableReplicas").min(want)) };
    let now = now_rfc3339();
    let available_cond = if available >= want {
        condition("Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.", &now)
    } else {
        condition(
            "Available",
            false,
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            &now,
        )
    };
    let progressing = if ready || want == 0 {
        condition(
            "Progressing",
            true,
            "NewReplicaSetAvailable",
            &format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
            &now,
        )
    } else if timed_out {
        condition(
            "Progressing",
            false,
            "ProgressDeadlineExceeded",
            &format!("ReplicaSet \"{rs_name}\" has timed out progressing."),
            &now,
        )
    } else {
        condition("Progressing", true, "ReplicaSetUpdated", &format!("ReplicaSet \"{rs_name}\" is progressing."), &now)
    };
    let mut conditions = vec![available_cond, progressing];
    keep_transitions(old, &mut conditions);
    let mut status = json!({
        "observedGeneration": object::generation(d),
        "replicas": if ready || want == 0 { want } else { prev("replicas").max(updated) },
        "updatedReplicas": updated,
        "readyReplicas": available,
        "availableReplicas": available,
        "conditions": conditions,
    });
    if want > available {
        status["unavailableReplicas"] = json!(want - available);
    }
    if available == 0 {
        status.as_object_mut().map(|m| m.remove("readyReplicas"));
        status.as_object_mut().map(|m| m.remove("availableReplicas"));
    }
    status
}

fn annotate_revision(cluster: &Cluster, rt: &ResourceType, d: &Value, revision: Option<String>) {
    let Some(revision) = revision else { return };
    if annotation(d, REVISION) == Some(revision.as_str()) {
        return;
    }
    let _ = cluster.store.write(|s| {
        let Some(old) = s.get(&rt.group_resource(), object::namespace(d), object::name(d)).cloned() else {
            return Ok(Value::Null);
        };
        let mut new = old.clone();
        new["metadata"]["annotations"][REVISION] = json!(revision);
        crate::api::write::commit(
            s,
            rt,
            &old,
            new,
            crate::api::managed::Ownership::Update(super::MANAGER.into()),
            false,
            None,
        )
    });
}
