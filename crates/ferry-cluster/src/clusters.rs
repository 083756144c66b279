//! Clusters are the contexts of a kubeconfig (real clusters or Ferry's local ones). An
//! Application's destination names one by context `name` or by `server` URL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kube::config::{KubeConfigOptions, Kubeconfig};
use tokio::sync::Mutex;

use crate::client::ClusterClient;
use crate::error::ClusterError;

/// Argo CD's name for "the cluster Ferry runs in"; outside a cluster it means the current context.
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";

/// The contexts of a kubeconfig, and a client per context once one is needed.
#[derive(Debug)]
pub struct Clusters {
    kubeconfig: Kubeconfig,
    source: String,
    clients: Mutex<HashMap<String, Arc<ClusterClient>>>,
}

/// A kubeconfig context as Ferry shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextInfo {
    pub name: String,
    pub server: String,
    pub namespace: Option<String>,
    pub current: bool,
}

impl Clusters {
    /// Reads `path`, or `$KUBECONFIG` / `~/.kube/config` when `None`.
    pub fn load(path: Option<&Path>) -> Result<Self, ClusterError> {
        let (kubeconfig, source) = match path {
            Some(p) => (Kubeconfig::read_from(p), p.display().to_string()),
            None => (Kubeconfig::read(), std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".into())),
        };
        let kubeconfig =
            kubeconfig.map_err(|e| ClusterError::Kubeconfig { path: source.clone(), reason: e.to_string() })?;
        Ok(Clusters { kubeconfig, source, clients: Mutex::new(HashMap::new()) })
    }

    pub fn from_kubeconfig(kubeconfig: Kubeconfig) -> Self {
        Clusters { kubeconfig, source: "<in memory>".into(), clients: Mutex::new(HashMap::new()) }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn contexts(&self) -> Vec<ContextInfo> {
        let current = self.kubeconfig.current_context.as_deref();
        self.kubeconfig
            .contexts
            .iter()
            .map(|c| {
                let ctx = c.context.as_ref();
                let cluster = ctx.map(|x| x.cluster.as_str()).unwrap_or("");
                ContextInfo {
                    name: c.name.clone(),
                    server: self.server_of(cluster).unwrap_or_default(),
                    namespace: ctx.and_then(|x| x.namespace.clone()),
                    current: Some(c.name.as_str()) == current,
                }
            })
            .collect()
    }

    fn server_of(&self, cluster: &str) -> Option<String> {
        let c = self.kubeconfig.clusters.iter().find(|c| c.name == cluster)?;
        c.cluster.as_ref()?.server.clone()
    }

    fn known(&self) -> String {
        let names: Vec<String> = self.contexts().into_iter().map(|c| c.name).collect();
        if names.is_empty() { "none".into() } else { names.join(", ") }
    }

    /// The context a destination names: by context `name`, or by `server` URL.
    pub fn resolve(&self, name: Option<&str>, server: Option<&str>) -> Result<String, ClusterError> {
        let contexts = self.contexts();
        if let Some(name) = name {
            return contexts
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.name.clone())
                .ok_or_else(|| ClusterError::UnknownContext { name: name.into(), known: self.known() });
        }
        let server = server.unwrap_or(IN_CLUSTER_SERVER);
        let norm = |s: &str| s.trim_end_matches('/').to_string();
        if let Some(c) = contexts.iter().find(|c| norm(&c.server) == norm(server)) {
            return Ok(c.name.clone());
        }
        if norm(server) == IN_CLUSTER_SERVER
            && let Some(c) = contexts.iter().find(|c| c.current)
        {
            return Ok(c.name.clone());
        }
        let known: Vec<String> = contexts.iter().map(|c| format!("{}={}", c.name, c.server)).collect();
        Err(ClusterError::UnknownServer { server: server.into(), known: known.join(", ") })
    }

    /// The client for a context (created once, then shared).
    pub async fn client(&self, context: &str) -> Result<Arc<ClusterClient>, ClusterError> {
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(context) {
            return Ok(c.clone());
        }
        let options = KubeConfigOptions { context: Some(context.to_string()), ..Default::default() };
        let config = kube::Config::from_custom_kubeconfig(self.kubeconfig.clone(), &options)
            .await
            .map_err(|e| ClusterError::Client { context: context.into(), reason: e.to_string() })?;
        let client = kube::Client::try_from(config)
            .map_err(|e| ClusterError::Client { context: context.into(), reason: e.to_string() })?;
        let c = Arc::new(ClusterClient::new(context, client));
        clients.insert(context.to_string(), c.clone());
        Ok(c)
    }
}

/// The kubeconfig path Ferry uses when none is given: `$KUBECONFIG` or `~/.kube/config`.
pub fn default_kubeconfig() -> Option<PathBuf> {
    std::env::var_os("KUBECONFIG").map(PathBuf::from)
}
