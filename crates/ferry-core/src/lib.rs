//! Ferry's sans-IO core: everything here computes from values and never performs I/O or
//! awaits. Other crates feed it data and carry out what it decides.

pub mod analysis;
pub mod cluster_scoped;
pub mod diff;
pub mod field_set;
pub mod freight;
pub mod health;
pub mod managed_fields;
pub mod pipeline;
pub mod plan;
pub mod promotion;
pub mod schema;
pub mod semver;
pub mod strategic_merge;
pub mod tracking;
