//! `configMapGenerator`: a ConfigMap whose UTF-8 values go to `data` and whose other values
//! (binary files) go, base64 encoded, to `binaryData`.

use serde_json::{Map, Value};

use super::args::{GeneratorArgs, GeneratorOptions};
use super::{object, sources};
use crate::kustomize::{KustDir, KustomizeError, Resource};

/// The ConfigMap of one `configMapGenerator` entry, with `global` (the kustomization's
/// `generatorOptions`) merged under its own options.
pub fn config_map(
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    kd: &KustDir,
) -> Result<Resource, KustomizeError> {
    let site = object::site("configMapGenerator", args, kd.file);
    let mut obj = object::skeleton("ConfigMap", args, &site)?;
    let mut data = Map::new();
    let mut binary = Map::new();
    for (key, bytes) in sources::load(args, kd, &site)? {
        match String::from_utf8(bytes) {
            Ok(text) => data.insert(key, Value::String(text)),
            Err(e) => binary.insert(key, Value::String(object::base64_lines(e.as_bytes()))),
        };
    }
    if !data.is_empty() {
        obj.insert("data".into(), Value::Object(data));
    }
    if !binary.is_empty() {
        obj.insert("binaryData".into(), Value::Object(binary));
    }
    Ok(object::finish(obj, args, global, kd.file))
}
