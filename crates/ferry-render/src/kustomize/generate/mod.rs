//! `configMapGenerator` and `secretGenerator`: ConfigMaps and Secrets made from literals, files
//! and dotenv files, combined with what the bases produced (behavior create/merge/replace), and
//! named with kustomize's content-hash suffix at the end of the build.
//!
//! Layout:
//! - `args`: the generator entries and `generatorOptions` as a kustomization spells them.
//! - `sources`: key/value pairs from `literals`, `files`, `envs`/`env`.
//! - `object`: the skeleton every generated object shares (metadata, options, base64 lines).
//! - `configmap`, `secret`: one generated kind each.
//! - `behavior`: adding a generated object to the resources, or merging/replacing one.
//! - `hash`: kustomize's name hash and the final renaming.
//!
//! Behaviour follows `kubectl kustomize` v5.5 (the oracle the tests run), which differs from
//! kustomize's current sources in places: keys are not validated, a dotenv line without `=`
//! has an empty value, and the name hash ignores the object's name.

mod args;
mod behavior;
mod configmap;
mod hash;
mod object;
mod secret;
mod sources;

pub use args::{GeneratorArgs, GeneratorOptions};
pub use behavior::add_or_merge;
pub use configmap::config_map;
pub use hash::{apply_hash_suffixes, name_hash};
pub use secret::secret;

#[cfg(test)]
mod tests;
