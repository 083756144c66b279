//! One cluster: server-side apply, get and delete of arbitrary objects given as JSON.

use std::sync::Arc;

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams, PropagationPolicy};
use serde_json::Value;
use tokio::sync::RwLock;

use crate::error::ClusterError;
use crate::resources::{Resources, Served};

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    pub field_manager: String,
    pub force: bool,
    pub dry_run: bool,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions { field_manager: "ferry".into(), force: true, dry_run: false }
    }
}

/// How dependents go when an object is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Foreground,
    Background,
    Orphan,
}

pub struct ClusterClient {
    pub context: String,
    client: kube::Client,
    resources: RwLock<Option<Arc<Resources>>>,
}

fn str_at<'a>(obj: &'a Value, ptr: &str) -> Option<&'a str> {
    obj.pointer(ptr).and_then(Value::as_str)
}

/// `kind Ingress in group networking.k8s.io at version v1`, for messages.
fn wanted(group: Option<&str>, version: Option<&str>, kind: &str) -> String {
    let group = match group {
        None => " in any group".to_owned(),
        Some("") => " in the core group".to_owned(),
        Some(g) => format!(" in group {g}"),
    };
    let version = version.map(|v| format!(" at version {v}")).unwrap_or_default();
    format!("kind {kind}{group}{version}")
}

/// `apps/Deployment ns/name` for messages.
pub fn describe(obj: &Value) -> String {
    let kind = str_at(obj, "/kind").unwrap_or("?");
    let ns = str_at(obj, "/metadata/namespace").map(|n| format!("{n}/")).unwrap_or_default();
    format!("{kind} {ns}{}", str_at(obj, "/metadata/name").unwrap_or("?"))
}

impl std::fmt::Debug for ClusterClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterClient").field("context", &self.context).finish()
    }
}

impl ClusterClient {
    pub fn new(context: &str, client: kube::Client) -> Self {
        ClusterClient { context: context.into(), client, resources: RwLock::new(None) }
    }

    pub fn kube(&self) -> kube::Client {
        self.client.clone()
    }

    /// The served kinds, discovered on first use.
    pub async fn resources(&self) -> Result<Arc<Resources>, ClusterError> {
        if let Some(r) = self.resources.read().await.as_ref() {
            return Ok(r.clone());
        }
        self.refresh().await
    }

    pub async fn refresh(&self) -> Result<Arc<Resources>, ClusterError> {
        let r = Arc::new(Resources::discover(&self.context, self.client.clone()).await?);
        *self.resources.write().await = Some(r.clone());
        Ok(r)
    }

    /// The served kind of `api_version`/`kind`, refreshing discovery once if it is unknown.
    pub async fn served(&self, api_version: &str, kind: &str) -> Result<Served, ClusterError> {
        if let Some(s) = self.resources().await?.get(api_version, kind) {
            return Ok(s.clone());
        }
        match self.refresh().await?.get(api_version, kind) {
            Some(s) => Ok(s.clone()),
            None => Err(ClusterError::UnknownKind {
                context: self.context.clone(),
                api_version: api_version.into(),
                kind: kind.into(),
            }),
        }
    }

    /// The one served kind named `kind` in `group` (any group when `None`, `` for the core
    /// group) at `version` (the recommended one when `None`), refreshing discovery once if
    /// there is none; it must be listable and watchable.
    pub async fn find_kind(
        &self,
        group: Option<&str>,
        version: Option<&str>,
        kind: &str,
    ) -> Result<Served, ClusterError> {
        let mut found: Vec<Served> =
            self.resources().await?.matching(group, version, kind).into_iter().cloned().collect();
        if found.is_empty() {
            found = self.refresh().await?.matching(group, version, kind).into_iter().cloned().collect();
        }
        let context = self.context.clone();
        match found.as_slice() {
            [] => Err(ClusterError::KindNotServed { context, wanted: wanted(group, version, kind) }),
            [one] if !one.watchable => Err(ClusterError::NotWatchable { context, kind: kind.into() }),
            [one] => Ok(one.clone()),
            many => {
                let groups: Vec<String> = many
                    .iter()
                    .map(|s| {
                        let r = &s.resource;
                        let group = if r.group.is_empty() { String::new() } else { format!(".{}", r.group) };
                        format!("{}.{}{group}", r.kind, r.version)
                    })
                    .collect();
                Err(ClusterError::AmbiguousKind { context, kind: kind.into(), groups: groups.join(", ") })
            }
        }
    }

    async fn api_for(&self, obj: &Value) -> Result<(Api<DynamicObject>, String), ClusterError> {
        let api_version = str_at(obj, "/apiVersion").ok_or(ClusterError::Malformed { field: "apiVersion" })?;
        let kind = str_at(obj, "/kind").ok_or(ClusterError::Malformed { field: "kind" })?;
        let name = str_at(obj, "/metadata/name").ok_or(ClusterError::Malformed { field: "metadata.name" })?;
        let served = self.served(api_version, kind).await?;
        let api = if served.namespaced {
            let ns = str_at(obj, "/metadata/namespace").unwrap_or("default");
            Api::namespaced_with(self.client.clone(), ns, &served.resource)
        } else {
            Api::all_with(self.client.clone(), &served.resource)
        };
        Ok((api, name.to_string()))
    }

    /// Server-side apply; returns the object as the server stored it (or would, on dry run).
    pub async fn apply(&self, obj: &Value, opts: &ApplyOptions) -> Result<Value, ClusterError> {
        let (api, name) = self.api_for(obj).await?;
        let mut params = PatchParams::apply(&opts.field_manager);
        params.force = opts.force;
        params.dry_run = opts.dry_run;
        let applied = api
            .patch(&name, &params, &Patch::Apply(obj))
            .await
            .map_err(|e| ClusterError::from_kube(&self.context, "apply", &describe(obj), e))?;
        serde_json::to_value(applied).map_err(|_| ClusterError::Malformed { field: "response" })
    }

    /// Replaces the object as a whole (create when missing), as `kubectl replace` does: the
    /// `Replace=true` sync option, for objects server-side apply cannot express.
    pub async fn replace(&self, obj: &Value, opts: &ApplyOptions) -> Result<Value, ClusterError> {
        let (api, name) = self.api_for(obj).await?;
        let params = PostParams { dry_run: opts.dry_run, field_manager: Some(opts.field_manager.clone()) };
        let fail = |e| ClusterError::from_kube(&self.context, "replace", &describe(obj), e);
        let mut desired: DynamicObject =
            serde_json::from_value(obj.clone()).map_err(|_| ClusterError::Malformed { field: "object" })?;
        let stored = match api.get_opt(&name).await.map_err(fail)? {
            None => api.create(&params, &desired).await.map_err(fail)?,
            Some(live) => {
                desired.metadata.resource_version = live.metadata.resource_version;
                api.replace(&name, &params, &desired).await.map_err(fail)?
            }
        };
        serde_json::to_value(stored).map_err(|_| ClusterError::Malformed { field: "response" })
    }

    /// The live object, or `None` when it does not exist.
    pub async fn get(&self, obj: &Value) -> Result<Option<Value>, ClusterError> {
        let (api, name) = self.api_for(obj).await?;
        match api.get_opt(&name).await {
            Ok(found) => Ok(found.and_then(|o| serde_json::to_value(o).ok())),
            Err(e) => Err(ClusterError::from_kube(&self.context, "get", &describe(obj), e)),
        }
    }

    /// Deletes an object; an object already gone is not an error.
    pub async fn delete(&self, obj: &Value, propagation: Propagation) -> Result<(), ClusterError> {
        let (api, name) = self.api_for(obj).await?;
        let params = DeleteParams {
            propagation_policy: Some(match propagation {
                Propagation::Foreground => PropagationPolicy::Foreground,
                Propagation::Background => PropagationPolicy::Background,
                Propagation::Orphan => PropagationPolicy::Orphan,
            }),
            ..Default::default()
        };
        match api.delete(&name, &params).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(ClusterError::from_kube(&self.context, "delete", &describe(obj), e)),
        }
    }
}
