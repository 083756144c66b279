//! Serving one or more clusters from one process: a listener on 127.0.0.1 per cluster,
//! its simulated controllers, optional persistence, and the kubeconfig written once every
//! cluster is ready to answer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::api::{Cluster, Settings};
use crate::persist::{self, PersistError};
use crate::{bootstrap, controllers, http, kubeconfig};

/// One cluster to serve: its name and, optionally, a fixed port.
#[derive(Debug, Clone)]
pub struct ClusterSpec {
    pub name: String,
    pub port: Option<u16>,
}

impl std::str::FromStr for ClusterSpec {
    type Err = String;

    /// `NAME` or `NAME=PORT`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, port) = match s.split_once('=') {
            Some((n, p)) => (
                n,
                Some(
                    p.parse::<u16>()
                        .map_err(|_| format!("invalid port {p:?} in --cluster {s:?}: expected NAME or NAME=PORT"))?,
                ),
            ),
            None => (s, None),
        };
        if !crate::api::validate::is_dns1123_label(name) {
            return Err(format!(
                "invalid cluster name {name:?}: use lower-case letters, digits and '-' (it becomes a kubeconfig context name)"
            ));
        }
        Ok(ClusterSpec { name: name.to_string(), port })
    }
}

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub clusters: Vec<ClusterSpec>,
    pub kubeconfig: PathBuf,
    pub state: Option<PathBuf>,
    pub settings: Settings,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cluster {name:?} is named twice")]
    Duplicate { name: String },
    #[error("cannot listen on 127.0.0.1:{port} for cluster {name:?}: {source}")]
    Bind { name: String, port: u16, source: std::io::Error },
    #[error("cannot write kubeconfig {path}: {source}")]
    Kubeconfig { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    State(#[from] PersistError),
}

/// Running clusters; dropping the handle stops them (call [`LocalKube::shutdown`] to save).
#[derive(Debug)]
pub struct LocalKube {
    pub clusters: Vec<(Arc<Cluster>, SocketAddr)>,
    pub kubeconfig: PathBuf,
    state: Option<PathBuf>,
    tasks: Vec<JoinHandle<()>>,
}

impl LocalKube {
    /// Binds, restores or bootstraps, starts controllers, then writes the kubeconfig.
    pub async fn start(opts: ServeOptions) -> Result<LocalKube, ServeError> {
        let specs = if opts.clusters.is_empty() {
            vec![ClusterSpec { name: "local".into(), port: None }]
        } else {
            opts.clusters.clone()
        };
        for (i, s) in specs.iter().enumerate() {
            if specs[..i].iter().any(|o| o.name == s.name) {
                return Err(ServeError::Duplicate { name: s.name.clone() });
            }
        }
        let mut saved = match &opts.state {
            Some(p) => persist::load(p)?,
            None => Default::default(),
        };
        let mut clusters = Vec::new();
        let mut tasks = Vec::new();
        for spec in &specs {
            let port = spec.port.unwrap_or(0);
            let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|source| ServeError::Bind {
                name: spec.name.clone(),
                port,
                source,
            })?;
            let addr =
                listener.local_addr().map_err(|source| ServeError::Bind { name: spec.name.clone(), port, source })?;
            let cluster = Arc::new(Cluster::new(&spec.name, opts.settings.clone()));
            if let Some((rv, objects)) = saved.remove(&spec.name) {
                restore(&cluster, rv, objects);
            }
            bootstrap::bootstrap(&cluster);
            let app = http::router(cluster.clone(), addr.to_string());
            tasks.push(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(error = %e, "local cluster server stopped");
                }
            }));
            tasks.push(tokio::spawn(controllers::run(cluster.clone())));
            clusters.push((cluster, addr));
        }
        if let Some(path) = &opts.state {
            tasks.push(tokio::spawn(persist::run(path.clone(), clusters.iter().map(|(c, _)| c.clone()).collect())));
        }
        let named: Vec<(String, SocketAddr)> = clusters.iter().map(|(c, a)| (c.name.clone(), *a)).collect();
        kubeconfig::write(&opts.kubeconfig, &named)
            .map_err(|source| ServeError::Kubeconfig { path: opts.kubeconfig.clone(), source })?;
        Ok(LocalKube { clusters, kubeconfig: opts.kubeconfig, state: opts.state, tasks })
    }

    /// Stops serving and saves the state file, if any.
    pub fn shutdown(self) -> Result<(), PersistError> {
        for t in &self.tasks {
            t.abort();
        }
        match &self.state {
            Some(path) => persist::save(path, &self.clusters.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>()),
            None => Ok(()),
        }
    }
}

impl Drop for LocalKube {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn restore(cluster: &Cluster, rv: u64, objects: Vec<(crate::resource::GroupResource, serde_json::Value)>) {
    cluster.store.write(|s| {
        for (gr, obj) in &objects {
            if gr.group == "apiextensions.k8s.io"
                && gr.resource == "customresourcedefinitions"
                && let Err(e) = s.registry.add_crd(obj)
            {
                tracing::warn!(error = %e, "stored CRD no longer valid; its kind is not served");
            }
        }
        s.restore(rv, objects);
    });
}
