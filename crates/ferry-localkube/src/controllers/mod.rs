//! Simulated controllers. No containers run: workloads report the status a real
//! controller would after `ready_delay` (Deployments through their ReplicaSets,
//! StatefulSets, DaemonSets), Jobs complete, PVCs bind, LoadBalancer Services get an
//! address, new namespaces get their `default` ServiceAccount. Failure injection: an image
//! tagged `broken` never becomes ready (the rollout hits its progress deadline), and a Job
//! whose pod template is annotated `localkube.ferry.dev/fail: "true"` fails.
//!
//! Controllers react to committed events and to their own timers; every write goes through
//! the same API functions as a client's, so watchers see controller changes as on a real
//! cluster.

mod daemonset;
mod deployment;
mod job;
mod namespace;
mod pvc;
mod service;
mod statefulset;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use crate::api::managed::Ownership;
use crate::api::{Cluster, write};
use crate::object;
use crate::resource::{GroupResource, ResourceType};

/// The field manager controllers write as.
pub const MANAGER: &str = "kube-controller-manager";
/// Annotation on a Job's pod template that makes the Job fail.
pub const FAIL_ANNOTATION: &str = "localkube.ferry.dev/fail";

type Key = (GroupResource, String, String);

/// Controller memory that a restart may lose: when each generation was first seen.
#[derive(Debug, Default)]
pub struct Observed {
    seen: HashMap<(String, i64), Instant>,
}

impl Observed {
    /// How long ago this object's current generation was first seen.
    pub fn elapsed(&mut self, obj: &Value) -> Duration {
        let key = (object::uid(obj).to_string(), object::generation(obj));
        self.seen.entry(key).or_insert_with(Instant::now).elapsed()
    }
}

/// Runs the controllers of a cluster until the task is dropped.
pub async fn run(cluster: Arc<Cluster>) {
    let (mut rx, initial) = cluster.store.subscribe_with(|s| {
        s.all()
            .map(|(gr, o)| (gr.clone(), object::namespace(o).to_string(), object::name(o).to_string()))
            .collect::<Vec<Key>>()
    });
    let mut observed = Observed::default();
    let mut timers: Vec<(Instant, Key)> = Vec::new();
    let mut queue: BTreeSet<Key> = initial.into_iter().collect();
    loop {
        for key in std::mem::take(&mut queue) {
            if let Some(after) = reconcile(&cluster, &key, &mut observed) {
                timers.push((Instant::now() + after, key));
            }
        }
        let next = timers.iter().map(|(t, _)| *t).min();
        let sleep = next.map_or(Duration::from_secs(3600), |t| t.saturating_duration_since(Instant::now()));
        tokio::select! {
            ev = rx.recv() => match ev {
                Ok(e) => {
                    queue.insert((e.gr.clone(), object::namespace(&e.object).into(), object::name(&e.object).into()));
                }
                Err(RecvError::Lagged(_)) => {
                    queue.extend(cluster.store.read(|s| s.all().map(|(gr, o)| (gr.clone(), object::namespace(o).to_string(), object::name(o).to_string())).collect::<Vec<_>>()));
                }
                Err(RecvError::Closed) => return,
            },
            _ = tokio::time::sleep(sleep) => {
                let now = Instant::now();
                timers.retain(|(t, key)| if *t <= now { queue.insert(key.clone()); false } else { true });
            }
        }
    }
}

/// Reconciles one object; returns when to look at it again.
fn reconcile(cluster: &Cluster, key: &Key, observed: &mut Observed) -> Option<Duration> {
    let (gr, ns, name) = key;
    let found = cluster.store.read(|s| Some((s.get(gr, ns, name)?.clone(), s.registry.storage_type(gr)?)));
    let (obj, rt) = found?;
    if rt.crd.is_some() || object::is_deleting(&obj) {
        return None;
    }
    let settings = &cluster.settings;
    match (gr.group.as_str(), gr.resource.as_str()) {
        ("apps", "deployments") => deployment::reconcile(cluster, &rt, &obj, observed, settings),
        ("apps", "statefulsets") => statefulset::reconcile(cluster, &rt, &obj, observed, settings),
        ("apps", "daemonsets") => daemonset::reconcile(cluster, &rt, &obj, observed, settings),
        ("batch", "jobs") => job::reconcile(cluster, &rt, &obj, observed, settings),
        ("", "persistentvolumeclaims") => pvc::reconcile(cluster, &rt, &obj),
        ("", "services") => service::reconcile(cluster, &rt, &obj),
        ("", "namespaces") => namespace::reconcile(cluster, &obj),
        _ => None,
    }
}

/// Writes a new status for `obj` (a no-op when it is unchanged).
pub fn set_status(cluster: &Cluster, rt: &ResourceType, obj: &Value, status: Value) {
    let result = cluster.store.write(|s| {
        let Some(old) = s.get(&rt.group_resource(), object::namespace(obj), object::name(obj)).cloned() else {
            return Ok(());
        };
        if object::uid(&old) != object::uid(obj) || old.get("status") == Some(&status) {
            return Ok(());
        }
        let mut new = old.clone();
        new["status"] = status;
        write::commit(s, rt, &old, new, Ownership::Subresource(MANAGER.into(), "status"), false, Some("status"))
            .map(|_| ())
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, "simulated controller could not write status");
    }
}

/// Creates an object as a controller (already exists is fine).
pub fn create(cluster: &Cluster, gr: &GroupResource, obj: Value) {
    let result = cluster.store.write(|s| {
        let Some(rt) = s.registry.storage_type(gr) else { return Ok(Value::Null) };
        if s.get(gr, object::namespace(&obj), object::name(&obj)).is_some() {
            return Ok(Value::Null);
        }
        write::insert(s, &rt, obj, Ownership::Update(MANAGER.into()), false)
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, "simulated controller could not create an object");
    }
}

/// Whether any container of a pod template uses an image tagged `broken`.
pub fn is_broken(template: Option<&Value>) -> bool {
    let containers = template.and_then(|t| t.pointer("/spec/containers")).and_then(Value::as_array);
    containers.into_iter().flatten().any(|c| {
        let image = c.get("image").and_then(Value::as_str).unwrap_or("");
        let last = image.rsplit('/').next().unwrap_or(image);
        last.split_once(':').is_some_and(|(_, tag)| tag == "broken")
    })
}

/// A condition object as controllers write them.
pub fn condition(ty: &str, status: bool, reason: &str, message: &str, now: &str) -> Value {
    serde_json::json!({
        "type": ty,
        "status": if status { "True" } else { "False" },
        "lastUpdateTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    })
}

/// Keeps `lastTransitionTime` of conditions whose status did not change.
pub fn keep_transitions(old: Option<&Value>, conditions: &mut [Value]) {
    let old = old.and_then(|s| s.get("conditions")).and_then(Value::as_array);
    for c in conditions.iter_mut() {
        let prev = old.into_iter().flatten().find(|o| o.get("type") == c.get("type"));
        if let Some(prev) = prev
            && prev.get("status") == c.get("status")
        {
            c["lastTransitionTime"] = prev["lastTransitionTime"].clone();
            if prev.get("reason") == c.get("reason") {
                c["lastUpdateTime"] = prev.get("lastUpdateTime").cloned().unwrap_or(Value::Null);
            }
        }
    }
}

/// `spec.replicas`, defaulting to 1.
pub fn replicas(obj: &Value) -> i64 {
    obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1)
}

/// A short stable hash of a pod template, like Kubernetes' `pod-template-hash`.
pub fn template_hash(template: &Value) -> String {
    let text = serde_json::to_string(template).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut n = u64::from(h);
    let mut out = String::new();
    while n > 0 {
        out.push(ALPHABET[(n % ALPHABET.len() as u64) as usize] as char);
        n /= ALPHABET.len() as u64;
    }
    out
}
