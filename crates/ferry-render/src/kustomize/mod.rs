//! Native Kustomize: `kustomization.yaml` rendered in process with the output of kustomize v5.5
//! (the version inside `kubectl kustomize`), byte for byte.
//!
//! Layout (one concept per file):
//! - `resource`: [`Resource`] and [`ResId`], the unit every step works on, and [`ResMap`].
//! - `loader`: the [`Loader`] trait (files of a kustomization root, confined by the load
//!   restrictor) with a file-system and an in-memory implementation.
//! - `error`: [`KustomizeError`].
//! - the kustomization file, accumulation of resources/components, transformers (field specs,
//!   name prefix/suffix and name references, labels, annotations, images, replicas, namespace),
//!   generators and their hash suffix, patches, replacements and vars, ordering and the emitter
//!   that prints exactly what kustomize prints.

mod error;
mod loader;
mod resource;

pub mod generate;

pub mod config;
pub mod fieldspec;
pub mod transform;
pub mod patch;
pub mod replacements;
mod fieldpath;

pub mod emit;
pub mod parse;

pub use error::KustomizeError;
pub use loader::{FsLoader, KustDir, LoadRestrictor, Loader, MemLoader};
pub use resource::{ResId, ResMap, Resource};
