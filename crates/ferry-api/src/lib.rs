//! Ferry's configuration: Argo CD `Application` resources read from a control folder.
//!
//! [`load_dir`] reads every YAML/JSON file of the folder and returns the [`Config`], or every
//! mistake found, each naming file, line and field ([`ConfigError`]). Fields that Argo CD
//! defines but Ferry does not support yet are errors, never silently ignored.
//!
//! Reading goes in two steps: text → located documents (`yaml`, `node`, with a parsing budget
//! against alias bombs), then documents → typed resources (`decode` and one module per type).

mod application;
mod decode;
mod destination;
mod duration;
mod error;
mod helm_source;
mod ignore_difference;
mod kustomize_source;
mod load;
mod node;
mod source;
mod sync_policy;
mod walk;
mod yaml;

pub use application::{
    API_VERSION, Application, ApplicationSpec, DEFAULT_NAMESPACE, DEFAULT_PROJECT, DEFAULT_REVISION_HISTORY_LIMIT,
    Info, KIND, Metadata,
};
pub use destination::Destination;
pub use error::{ConfigError, ConfigErrors};
pub use helm_source::{HelmFileParameter, HelmOptions, HelmParameter};
pub use ignore_difference::IgnoreDifference;
pub use kustomize_source::{KustomizeOptions, ReplicaOverride};
pub use load::{ARGOCD_CM, Config, FERRY_API_VERSION, Loaded, MAX_FILE_BYTES, load_dir, parse_str};
pub use source::{DEFAULT_TARGET_REVISION, Directory, Source};
pub use sync_policy::{Automated, Backoff, Retry, SyncPolicy};
