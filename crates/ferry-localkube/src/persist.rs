//! `--state FILE`: the clusters' objects saved as JSON after changes (debounced, written to
//! a temporary file and renamed, so a crash never leaves half a file) and loaded at start,
//! keeping uids and resourceVersions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::Cluster;
use crate::resource::GroupResource;

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("cannot read state file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("state file {path} is not valid local cluster state (line {line}, column {column}): {message}")]
    Parse { path: PathBuf, line: usize, column: usize, message: String },
    #[error("cannot write state file {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredObject {
    group: String,
    resource: String,
    object: Value,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredCluster {
    resource_version: u64,
    objects: Vec<StoredObject>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    format: u32,
    clusters: BTreeMap<String, StoredCluster>,
}

/// Per cluster name: its resourceVersion and its objects.
pub type Saved = BTreeMap<String, (u64, Vec<(GroupResource, Value)>)>;

/// Loads a state file; a missing file is an empty state.
pub fn load(path: &Path) -> Result<Saved, PersistError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(source) => return Err(PersistError::Read { path: path.into(), source }),
    };
    let file: StateFile = serde_json::from_str(&text).map_err(|e| PersistError::Parse {
        path: path.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    Ok(file
        .clusters
        .into_iter()
        .map(|(name, c)| {
            let objects = c
                .objects
                .into_iter()
                .map(|o| (GroupResource { group: o.group, resource: o.resource }, o.object))
                .collect();
            (name, (c.resource_version, objects))
        })
        .collect())
}

/// Writes every cluster's objects atomically.
pub fn save(path: &Path, clusters: &[Arc<Cluster>]) -> Result<(), PersistError> {
    let mut file = StateFile { format: 1, clusters: BTreeMap::new() };
    for c in clusters {
        let stored = c.store.read(|s| StoredCluster {
            resource_version: s.rv,
            objects: s
                .all()
                .map(|(gr, o)| StoredObject {
                    group: gr.group.clone(),
                    resource: gr.resource.clone(),
                    object: o.clone(),
                })
                .collect(),
        });
        file.clusters.insert(c.name.clone(), stored);
    }
    let bytes = serde_json::to_vec(&file).unwrap_or_default();
    let tmp = path.with_extension("tmp");
    let write = |p: &Path| std::fs::write(p, &bytes).and_then(|_| std::fs::rename(p, path));
    write(&tmp).map_err(|source| PersistError::Write { path: path.into(), source })
}

/// Saves after each burst of changes until the task is dropped.
pub async fn run(path: PathBuf, clusters: Vec<Arc<Cluster>>) {
    let versions = |cs: &[Arc<Cluster>]| cs.iter().map(|c| c.store.read(|s| s.rv)).collect::<Vec<_>>();
    let mut written = versions(&clusters);
    loop {
        if versions(&clusters) == written {
            let waits = clusters.iter().map(|c| Box::pin(c.store.changed()));
            futures::future::select_all(waits).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        written = versions(&clusters);
        if let Err(e) = save(&path, &clusters) {
            tracing::error!(error = %e, "could not persist local cluster state");
        }
    }
}
