//! An Application's status as `ferry app get` shows it: sync status (does the cluster match
//! Git?), health (worst of its resources), and the same per resource.

use ferry_core::diff::ResourceDiff;
use ferry_core::health::{Health, HealthStatus};
use ferry_core::plan::ResourceKey;
use serde::Serialize;

/// Whether live state matches Git.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SyncStatus {
    Synced,
    OutOfSync,
    Unknown,
}

impl SyncStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncStatus::Synced => "Synced",
            SyncStatus::OutOfSync => "OutOfSync",
            SyncStatus::Unknown => "Unknown",
        }
    }
}

/// One resource of an Application.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceStatus {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub status: SyncStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthView>,
    /// Live, owned by the Application, no longer in Git.
    pub requires_pruning: bool,
    #[serde(skip)]
    pub key: ResourceKey,
    #[serde(skip)]
    pub diff: Option<ResourceDiff>,
}

/// Health on the wire.
#[derive(Debug, Clone, Serialize)]
pub struct HealthView {
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl From<&Health> for HealthView {
    fn from(h: &Health) -> Self {
        HealthView { status: h.status.as_str().to_string(), message: h.message.clone() }
    }
}

/// An Application's status.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub name: String,
    pub cluster: String,
    pub namespace: String,
    pub revision: String,
    pub sync: SyncStatus,
    pub health: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    pub resources: Vec<ResourceStatus>,
}

impl AppStatus {
    pub fn health_status(&self) -> HealthStatus {
        self.health.parse().unwrap_or(HealthStatus::Unknown)
    }

    pub fn out_of_sync(&self) -> impl Iterator<Item = &ResourceStatus> {
        self.resources.iter().filter(|r| r.status == SyncStatus::OutOfSync)
    }
}
