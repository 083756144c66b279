//! The engine: everything a sync needs, opened once — the control folder's Applications,
//! the Git cache, the clusters of the kubeconfig with a live cache each, and the state store.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ferry_api::{Application, Config, Loaded};
use ferry_cluster::{ClusterClient, Clusters, LiveCache};
use ferry_core::tracking::MANAGED_LABEL;
use ferry_source::GitCache;
use ferry_store::Store;
use tokio::sync::Mutex;

use crate::error::EngineError;
use crate::render::RenderSettings;

/// Where the engine keeps its state and finds its configuration.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The control folder holding Application manifests.
    pub config_dir: PathBuf,
    /// Runtime state: Git cache, database.
    pub state_dir: PathBuf,
    /// `None`: `$KUBECONFIG` or `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
}

pub struct Engine {
    pub options: EngineOptions,
    pub config: Config,
    pub git: Arc<GitCache>,
    pub clusters: Clusters,
    pub store: Store,
    /// Custom Lua health checks from `resource_customizations/` in the control folder.
    pub health_scripts: Arc<ferry_lua::HealthScripts>,
    /// Kustomize/Helm settings from the control folder's `argocd-cm`.
    pub render_settings: Arc<RenderSettings>,
    /// Applications to refresh now (a webhook saw a push to their repository); the sync
    /// controller's task for each listens.
    pub refresh: tokio::sync::broadcast::Sender<String>,
    caches: Mutex<HashMap<String, Arc<LiveCache>>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("options", &self.options).finish()
    }
}

/// The folder of custom health checks in a control folder (Argo CD's layout:
/// `<group>/<Kind>/health.lua`).
pub const CUSTOMIZATIONS_DIR: &str = "resource_customizations";

/// Rendering settings from `argocd-cm` (`kustomize.buildOptions`, remote bases).
pub(crate) fn render_settings(config: &Config, state_dir: &Path) -> Result<RenderSettings, EngineError> {
    let mut settings = RenderSettings::from_argocd_cm(&config.settings)
        .map_err(|message| EngineError::Refused { app: "*".into(), message: format!("argocd-cm: {message}") })?;
    settings.remote_dir = state_dir.join("kustomize-remote");
    let keys = ferry_render::sops::AgeKeys::from_env()
        .map_err(|e| EngineError::Refused { app: "*".into(), message: format!("SOPS age keys: {e}") })?;
    settings.age_keys = (!keys.is_empty()).then(|| Arc::new(keys));
    Ok(settings)
}

/// Custom health checks: an `argocd-cm` ConfigMap's `resource.customizations` in the control
/// folder, overridden by scripts in `resource_customizations/`.
fn load_health_scripts(config_dir: &Path, argocd_cm: &[PathBuf]) -> Result<ferry_lua::HealthScripts, EngineError> {
    let fail = |e: &dyn std::fmt::Display| EngineError::Refused {
        app: "*".into(),
        message: format!("custom health checks: {e}"),
    };
    let mut scripts = ferry_lua::HealthScripts::new();
    for file in argocd_cm {
        let text = std::fs::read_to_string(file).map_err(|e| fail(&format!("{}: {e}", file.display())))?;
        scripts.merge(ferry_lua::HealthScripts::load_argocd_cm(&text, file).map_err(|e| fail(&e))?);
    }
    let dir = config_dir.join(CUSTOMIZATIONS_DIR);
    if dir.is_dir() {
        scripts.merge(ferry_lua::HealthScripts::load_dir(&dir).map_err(|e| fail(&e))?);
    }
    Ok(scripts)
}

/// A control repository given as a URL (`file://`, `http(s)://`, `git://`), optionally with
/// `#REVISION`; a plain path is a folder.
fn control_repo_url(config: &Path) -> Option<String> {
    let text = config.to_str()?;
    text.contains("://").then(|| text.to_string())
}

impl Engine {
    pub async fn open(mut options: EngineOptions) -> Result<Self, EngineError> {
        ferry_source::install_crypto_provider();
        std::fs::create_dir_all(&options.state_dir).map_err(|e| EngineError::Refused {
            app: "*".into(),
            message: format!("cannot create state directory {}: {e}", options.state_dir.display()),
        })?;
        let git = Arc::new(GitCache::new(&options.state_dir.join("git")));
        if let Some(url) = control_repo_url(&options.config_dir) {
            options.config_dir = crate::control_repo::checkout(&git, &url, &options.state_dir).await?;
        }
        let config = ferry_api::load_dir(&options.config_dir)?;
        let health_scripts = Arc::new(load_health_scripts(&options.config_dir, &config.argocd_cm)?);
        let clusters = Clusters::load(options.kubeconfig.as_deref())
            .map_err(|source| EngineError::Cluster { app: "*".into(), source: source.into() })?;
        let render_settings = Arc::new(render_settings(&config, &options.state_dir)?);
        let store = Store::open(&options.state_dir.join("ferry.db")).await?;
        Ok(Engine {
            options,
            config,
            git,
            clusters,
            store,
            health_scripts,
            render_settings,
            refresh: tokio::sync::broadcast::channel(256).0,
            caches: Mutex::new(HashMap::new()),
        })
    }

    /// Re-reads the control folder (new, changed or removed Applications).
    pub fn reload(&mut self) -> Result<(), EngineError> {
        let config = ferry_api::load_dir(&self.options.config_dir)?;
        self.render_settings = Arc::new(render_settings(&config, &self.options.state_dir)?);
        self.config = config;
        Ok(())
    }

    pub fn applications(&self) -> impl Iterator<Item = &Application> {
        self.config.applications.iter().map(|l| &l.value)
    }

    pub fn application(&self, name: &str) -> Result<&Loaded<Application>, EngineError> {
        self.config.application(name).ok_or_else(|| EngineError::UnknownApplication {
            name: name.into(),
            config: self.options.config_dir.display().to_string(),
            known: {
                let names: Vec<&str> = self.applications().map(|a| a.metadata.name.as_str()).collect();
                if names.is_empty() { "none".into() } else { names.join(", ") }
            },
        })
    }

    /// The cluster an Application deploys to.
    pub async fn cluster_of(&self, app: &Application) -> Result<Arc<ClusterClient>, EngineError> {
        let d = &app.spec.destination;
        let err = |source: ferry_cluster::ClusterError| EngineError::Cluster {
            app: app.metadata.name.clone(),
            source: source.into(),
        };
        let context = self.clusters.resolve(d.name.as_deref(), d.server.as_deref()).map_err(err)?;
        self.clusters.client(&context).await.map_err(err)
    }

    /// The live cache of a cluster: every object Ferry manages there, kept by watches.
    pub async fn cache(&self, client: &Arc<ClusterClient>) -> Result<Arc<LiveCache>, ferry_cluster::ClusterError> {
        let mut caches = self.caches.lock().await;
        if let Some(c) = caches.get(&client.context) {
            return Ok(c.clone());
        }
        let cache = LiveCache::start(client.clone(), MANAGED_LABEL, ferry_core::tracking::owner_of).await?;
        if !cache.wait_synced(Duration::from_secs(60)).await {
            tracing::warn!(cluster = %client.context, "live cache not synced after 60s; continuing");
        }
        caches.insert(client.context.clone(), cache.clone());
        Ok(cache)
    }

    pub fn config_dir(&self) -> &Path {
        &self.options.config_dir
    }
}
