//! Discovery: which REST resource serves an `apiVersion`/`kind`, and its scope. Refreshed
//! when a kind is missing, so CRDs applied earlier in the same sync are found.

use std::collections::HashMap;

use kube::core::GroupVersionKind;
use kube::discovery::{ApiCapabilities, ApiResource, Discovery, Scope, verbs};

use crate::error::ClusterError;

/// A served kind.
#[derive(Debug, Clone)]
pub struct Served {
    pub resource: ApiResource,
    pub namespaced: bool,
    /// Whether it can be listed and watched (what the live cache needs).
    pub watchable: bool,
}

/// The kinds one cluster serves.
#[derive(Debug, Default, Clone)]
pub struct Resources {
    kinds: HashMap<(String, String, String), Served>,
}

impl Resources {
    pub async fn discover(context: &str, client: kube::Client) -> Result<Self, ClusterError> {
        let discovery = Discovery::new(client).run().await.map_err(|e| ClusterError::Unreachable {
            context: context.into(),
            reason: format!("discovery failed: {e}"),
        })?;
        let mut kinds = HashMap::new();
        for group in discovery.groups() {
            for (ar, caps) in group.resources_by_stability() {
                insert(&mut kinds, ar, &caps);
            }
            // Every version, not only the preferred one: manifests may name any served version.
            for version in group.versions() {
                for (ar, caps) in group.versioned_resources(version) {
                    insert(&mut kinds, ar, &caps);
                }
            }
        }
        Ok(Resources { kinds })
    }

    pub fn get(&self, api_version: &str, kind: &str) -> Option<&Served> {
        let (group, version) = split(api_version);
        self.kinds.get(&(group.to_string(), version.to_string(), kind.to_string()))
    }

    /// Every listable and watchable kind, one version per group/kind (the preferred one).
    pub fn watchable(&self) -> Vec<Served> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<Served> = Vec::new();
        let mut all: Vec<&Served> = self.kinds.values().filter(|s| s.watchable).collect();
        all.sort_by(|a, b| (&a.resource.group, &a.resource.kind).cmp(&(&b.resource.group, &b.resource.kind)));
        for s in all {
            if seen.insert((s.resource.group.clone(), s.resource.kind.clone())) {
                out.push(s.clone());
            }
        }
        out
    }
}

fn insert(kinds: &mut HashMap<(String, String, String), Served>, ar: ApiResource, caps: &ApiCapabilities) {
    if ar.plural.contains('/') {
        return;
    }
    let key = (ar.group.clone(), ar.version.clone(), ar.kind.clone());
    let watchable = caps.supports_operation(verbs::LIST) && caps.supports_operation(verbs::WATCH);
    kinds.entry(key).or_insert(Served { namespaced: caps.scope == Scope::Namespaced, watchable, resource: ar });
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (``, `v1`).
pub fn split(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// The GVK of an object.
pub fn gvk_of(api_version: &str, kind: &str) -> GroupVersionKind {
    let (g, v) = split(api_version);
    GroupVersionKind::gvk(g, v, kind)
}
