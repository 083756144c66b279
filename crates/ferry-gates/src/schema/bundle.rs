//! The Kubernetes schemas embedded in the binary: one gzip-compressed bundle per minor version
//! (`crates/ferry-gates/schemas/`, built by `tools/schemas/build.py`), decompressed and compiled
//! the first time a version is asked for, then shared.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::Value;

use super::compile::Compiler;
use super::error::SchemaError;
use super::node::Schema;

macro_rules! bundles {
    ($($version:literal),* $(,)?) => {
        [$(($version, include_bytes!(concat!("../../schemas/k8s-v", $version, ".json.gz")).as_slice())),*]
    };
}

/// Every embedded version, oldest first, with its compressed bundle.
static BUNDLES: [(&str, &[u8]); 13] =
    bundles!["1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37",];

/// Each version's compiled definitions, filled on first use.
static COMPILED: [OnceLock<Result<Arc<Definitions>, String>>; 13] = [const { OnceLock::new() }; 13];

/// The name ObjectMeta has in every bundle; CRD schemas point their `metadata` at it.
pub const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// One Kubernetes version's definitions, compiled.
#[derive(Debug)]
pub struct Definitions {
    /// `1.32`.
    pub version: &'static str,
    schemas: Vec<Schema>,
    names: HashMap<String, usize>,
    /// `group/version/Kind` (core group empty) to the definition of that kind.
    kinds: HashMap<String, usize>,
}

impl Definitions {
    /// The definitions for `requested` ("1.32", "v1.32.0", "1.32.4").
    pub fn load(requested: &str) -> Result<Arc<Definitions>, SchemaError> {
        let index = index_of(requested).ok_or_else(|| SchemaError::UnknownVersion {
            requested: requested.to_owned(),
            available: available().join(", "),
        })?;
        let (version, bytes) = BUNDLES[index];
        COMPILED[index]
            .get_or_init(|| decode(version, bytes).map(Arc::new))
            .clone()
            .map_err(|problem| SchemaError::Bundle { version: version.to_owned(), problem })
    }

    /// The schema with index `id`.
    pub fn get(&self, id: usize) -> &Schema {
        &self.schemas[id]
    }

    /// The index of the definition called `name`.
    pub fn id_of(&self, name: &str) -> Option<usize> {
        self.names.get(name).copied()
    }

    /// The definition of `group/version/Kind`.
    pub fn kind(&self, key: &str) -> Option<usize> {
        self.kinds.get(key).copied()
    }
}

/// The embedded versions, oldest first.
pub fn available() -> Vec<&'static str> {
    BUNDLES.iter().map(|(version, _)| *version).collect()
}

/// `v1.32.0`, `1.32`, `1.32.4` → the index of 1.32.
fn index_of(requested: &str) -> Option<usize> {
    let trimmed = requested.trim().trim_start_matches(['v', 'V']);
    let mut parts = trimmed.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    if parts.next().is_some_and(|patch| patch.parse::<u32>().is_err()) || parts.next().is_some() {
        return None;
    }
    let wanted = format!("{}.{}", major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?);
    BUNDLES.iter().position(|(version, _)| *version == wanted)
}

#[derive(Deserialize)]
struct RawBundle {
    kinds: HashMap<String, String>,
    definitions: serde_json::Map<String, Value>,
}

fn decode(version: &'static str, bytes: &[u8]) -> Result<Definitions, String> {
    let mut json = Vec::with_capacity(bytes.len() * 12);
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut json).map_err(|e| format!("gzip: {e}"))?;
    let raw: RawBundle = serde_json::from_slice(&json).map_err(|e| format!("JSON: {e}"))?;
    let names: HashMap<String, usize> = raw.definitions.keys().enumerate().map(|(i, n)| (n.clone(), i)).collect();
    let resolve = |name: &str| names.get(name).copied();
    let compiler = Compiler::definitions(&resolve);
    let schemas = raw
        .definitions
        .iter()
        .map(|(name, value)| compiler.compile(value, name).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let kinds = raw
        .kinds
        .into_iter()
        .map(|(key, name)| names.get(&name).map(|id| (key, *id)).ok_or_else(|| format!("kind points at {name}")))
        .collect::<Result<HashMap<_, _>, _>>()?;
    Ok(Definitions { version, schemas, names, kinds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_spellings_select_the_minor_version() {
        for spelling in ["1.32", "v1.32", "v1.32.0", "1.32.4", " V1.32 "] {
            assert_eq!(index_of(spelling), index_of("1.32"), "{spelling}");
        }
        assert!(index_of("1.32").is_some());
        for bad in ["1.24", "1", "1.32.x", "latest", "1.32.0.1"] {
            assert_eq!(index_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_embedded_bundle_compiles_and_knows_deployments() {
        for version in available() {
            let defs = Definitions::load(version).expect("bundle compiles");
            assert!(defs.kind("apps/v1/Deployment").is_some(), "{version}");
            assert!(defs.id_of(OBJECT_META).is_some(), "{version}");
        }
    }
}
