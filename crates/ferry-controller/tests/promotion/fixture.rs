//! What the promotion tests share: one local cluster `dev` with its kubeconfig in a test's
//! directory, and the engine opened on that directory's `control/` folder.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ferry_controller::promotion::Promoter;
use ferry_controller::{Engine, EngineOptions};
use ferry_localkube::{ClusterSpec, LocalKube, ServeOptions, Settings};

/// The local cluster `dev`, its kubeconfig at `dir/kubeconfig`.
pub async fn cluster(dir: &Path) -> LocalKube {
    LocalKube::start(ServeOptions {
        clusters: vec![ClusterSpec { name: "dev".into(), port: None }],
        kubeconfig: dir.join("kubeconfig"),
        state: None,
        settings: Settings { ready_delay: Duration::from_millis(50) },
    })
    .await
    .unwrap()
}

/// The engine on `dir/control`, keeping its state in `dir/state`.
pub async fn engine(dir: &Path) -> Engine {
    Engine::open(EngineOptions {
        config_dir: dir.join("control"),
        state_dir: dir.join("state"),
        kubeconfig: Some(dir.join("kubeconfig")),
    })
    .await
    .unwrap()
}

/// The promotion engine on `dir` (see [`engine`]).
pub async fn promoter(dir: &Path) -> Promoter {
    Promoter::new(Arc::new(engine(dir).await))
}
