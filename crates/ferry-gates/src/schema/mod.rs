//! Schema validation: Kubernetes objects checked against the OpenAPI schemas of a chosen
//! Kubernetes version (1.25–1.37, embedded and compressed) and of the CustomResourceDefinitions
//! in the set, as `kubeconform` does; strict mode flags unknown fields.
//!
//! The validator is our own, for the JSON-Schema subset Kubernetes uses (`type`, `properties`,
//! `additionalProperties`, `items`, `$ref`, `enum`, `required`, `format`, the combinators,
//! numeric, length and size bounds, `multipleOf`, `pattern`, `uniqueItems`, `nullable` and the
//! `x-kubernetes-*` extensions, list types included). Other keywords are ignored; CEL rules
//! (`x-kubernetes-validations`) are not evaluated.
//!
//! - `bundle`: the embedded schemas, decompressed per version on first use.
//! - `compile`, `node`, `format`: JSON Schema into typed [`node::Schema`]s.
//! - `crd`: CRD versions into schemas.
//! - `walk`, `bounds`, `alternatives`: one object against one schema.
//! - `validator`: the public entry point; `violation`: what it reports.

mod alternatives;
mod bounds;
mod bundle;
mod compile;
mod crd;
mod error;
mod format;
mod node;
mod validator;
mod violation;
mod walk;

pub use error::{CompileError, SchemaError};
pub use validator::{SchemaOptions, SchemaValidator};
pub use violation::{SchemaProblem, SchemaViolation};
