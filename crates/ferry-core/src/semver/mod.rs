//! Semantic versions and Masterminds-style constraints (the syntax Kargo and Helm use), for
//! the Warehouse's tag and chart-version selection.
//!
//! - [`Version`] parses `1.2.3`, `v1.2.3-rc.1+build` (and, leniently, `1.2` / `v1`) and orders
//!   versions as semver.org does: prereleases before their release, build metadata ignored.
//! - [`Constraint`] parses `^1.2`, `~1.2.3`, `>=1.0.0 <2.0.0`, `1.x`, `1.2 - 1.4`, `a || b`
//!   and tells whether a version matches. As in Masterminds semver v3, a prerelease version
//!   only matches an `||` alternative one of whose comparators names a prerelease itself.
//!
//! Pure: no I/O, used by ferry-source's discovery.

mod constraint;
mod version;

#[cfg(test)]
mod tests;

pub use constraint::{Constraint, ParseConstraintError};
pub use version::{ParseVersionError, Version};
