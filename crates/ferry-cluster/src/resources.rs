//! Discovery: which REST resource serves an `apiVersion`/`kind`, and its scope. Refreshed
//! when a kind is missing, so CRDs applied earlier in the same sync are found.

use std::collections::{HashMap, HashSet};

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
    /// `(group, version, kind)` of the version discovery recommends for each group/kind.
    preferred: HashSet<(String, String, String)>,
}

impl Resources {
    pub async fn discover(context: &str, client: kube::Client) -> Result<Self, ClusterError> {
        let discovery = Discovery::new(client).run().await.map_err(|e| ClusterError::Unreachable {
            context: context.into(),
            reason: format!("discovery failed: {e}"),
        })?;
        let mut kinds = HashMap::new();
        let mut preferred = HashSet::new();
        for group in discovery.groups() {
            for (ar, caps) in group.resources_by_stability() {
                preferred.insert((ar.group.clone(), ar.version.clone(), ar.kind.clone()));
                insert(&mut kinds, ar, &caps);
            }
            // Every version, not only the preferred one: manifests may name any served version.
            for version in group.versions() {
                for (ar, caps) in group.versioned_resources(version) {
                    insert(&mut kinds, ar, &caps);
                }
            }
        }
        Ok(Resources { kinds, preferred })
    }

    pub fn get(&self, api_version: &str, kind: &str) -> Option<&Served> {
        let (group, version) = split(api_version);
        self.kinds.get(&(group.to_string(), version.to_string(), kind.to_string()))
    }

    /// The served kinds named `kind` (exactly, else ignoring ASCII case), in `group` when given
    /// (`` is the core group), at `version` when given, else at the version discovery
    /// recommends; sorted by group.
    pub fn matching(&self, group: Option<&str>, version: Option<&str>, kind: &str) -> Vec<&Served> {
        let wanted = |served: &&Served, same_kind: fn(&str, &str) -> bool| {
            let r = &served.resource;
            same_kind(&r.kind, kind)
                && group.is_none_or(|g| r.group == g)
                && match version {
                    Some(v) => r.version == v,
                    None => self.preferred.contains(&(r.group.clone(), r.version.clone(), r.kind.clone())),
                }
        };
        let mut found: Vec<&Served> = self.kinds.values().filter(|s| wanted(s, |a, b| a == b)).collect();
        if found.is_empty() {
            found = self.kinds.values().filter(|s| wanted(s, str::eq_ignore_ascii_case)).collect();
        }
        found.sort_by(|a, b| (&a.resource.group, &a.resource.kind).cmp(&(&b.resource.group, &b.resource.kind)));
        found
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
