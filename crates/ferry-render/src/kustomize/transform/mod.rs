//! kustomize's builtin transformers, each over a [`ResMap`](super::ResMap) and the field specs
//! the caller picks from the [`TransformerConfig`](super::config::TransformerConfig):
//! `namespace`, `prefix_suffix` (namePrefix/nameSuffix), `name_reference` (fixing references
//! to renamed objects), `labels`, `annotations`, `images`, `replicas` and `vars`.
//!
//! `setters` holds the field setters they share and `scope` the cluster-scoped kinds.

pub mod annotations;
pub mod images;
pub mod labels;
pub mod name_reference;
pub mod namespace;
pub mod prefix_suffix;
pub mod replicas;
pub mod scope;
pub mod vars;

mod setters;

#[cfg(test)]
mod oracle;
