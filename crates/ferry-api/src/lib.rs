//! Ferry's configuration read from a control folder: Argo CD `Application` resources and
//! Ferry's own `ferry.dev/v1alpha1` `Warehouse` and `Pipeline`.
//!
//! [`load_dir`] reads every YAML/JSON file of the folder and returns the [`Config`], or every
//! mistake found, each naming file, line and field ([`ConfigError`]). Fields that Argo CD
//! defines but Ferry does not support yet are errors, never silently ignored; so are unknown
//! fields, with a "did you mean" when a known one is close.
//!
//! Reading goes in two steps: text → located documents (`yaml`, `node`, with a parsing budget
//! against alias bombs), then documents → typed resources (`decode` and one module per type).

mod accepts;
mod application;
mod approvals;
mod chart_subscription;
mod cron;
mod decode;
mod destination;
mod duration;
mod error;
mod git_subscription;
mod helm_source;
mod http_probe;
mod ignore_difference;
mod image_subscription;
mod kustomize_source;
mod load;
mod node;
mod notifier;
mod object_meta;
mod pipeline;
mod pipeline_check;
mod prometheus_query;
mod reference;
mod references;
mod semver_constraint;
mod source;
mod stage;
mod stage_gates;
pub mod steps;
mod subscription;
mod sync_policy;
mod verification;
mod walk;
mod warehouse;
mod window;
mod yaml;

pub use accepts::{Accepts, Require};
pub use application::{
    API_VERSION, Application, ApplicationSpec, DEFAULT_NAMESPACE, DEFAULT_PROJECT, DEFAULT_REVISION_HISTORY_LIMIT,
    Info, KIND, Metadata,
};
pub use approvals::{Approvals, Approvers};
pub use chart_subscription::ChartSubscription;
pub use cron::CronSchedule;
pub use destination::Destination;
pub use error::{ConfigError, ConfigErrors};
pub use git_subscription::{CommitSelectionStrategy, GitSubscription};
pub use helm_source::{HelmFileParameter, HelmOptions, HelmParameter};
pub use http_probe::{DEFAULT_PROBE_TIMEOUT, HttpProbe};
pub use ignore_difference::IgnoreDifference;
pub use image_subscription::{ImageSelectionStrategy, ImageSubscription};
pub use kustomize_source::{KustomizeOptions, ReplicaOverride};
pub use load::{
    ARGOCD_CM, Config, FERRY_API_VERSION, Loaded, MAX_FILE_BYTES, Resources, load_dir, parse_resources, parse_str,
};
pub use notifier::{NOTIFIER_KIND, Notifier, NotifierSpec, NotifyEvent, PAGERDUTY_EVENTS_URL, SecretSource, Service};
pub use object_meta::ObjectMeta;
pub use pipeline::{PIPELINE_KIND, Pipeline, PipelineSpec};
pub use prometheus_query::{DEFAULT_CONSECUTIVE_ERROR_LIMIT, PrometheusQuery};
pub use reference::Reference;
pub use source::{DEFAULT_TARGET_REVISION, Directory, Source};
pub use stage::{Stage, StageKind};
pub use stage_gates::{DEFAULT_REPORT_ARTIFACT_TYPES, PolicyGate, SchemaGate, StageGates, VulnerabilityGate};
pub use steps::{PromotionStep, StepAction};
pub use subscription::{DEFAULT_DISCOVERY_LIMIT, MAX_DISCOVERY_LIMIT, Subscription};
pub use sync_policy::{Automated, Backoff, Retry, SyncPolicy};
pub use verification::{CommandCheck, DEFAULT_COMMAND_TIMEOUT, JobCheck, Rollback, Verification};
pub use warehouse::{DEFAULT_INTERVAL, FreightCreationPolicy, WAREHOUSE_KIND, Warehouse, WarehouseSpec};
pub use window::{Schedule, TimeOfDay, Weekday, Window, WindowKind};
