//! `secretGenerator`: a Secret whose values are all base64 encoded into `data` (always
//! present, `{}` when empty), with `type` defaulting to `Opaque`.

use serde_json::{Map, Value};

use super::args::{GeneratorArgs, GeneratorOptions};
use super::{object, sources};
use crate::kustomize::{KustDir, KustomizeError, Resource};

/// The Secret of one `secretGenerator` entry, with `global` (the kustomization's
/// `generatorOptions`) merged under its own options.
pub fn secret(
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    kd: &KustDir,
) -> Result<Resource, KustomizeError> {
    let site = object::site("secretGenerator", args, kd.file);
    let mut obj = object::skeleton("Secret", args, &site)?;
    let secret_type = if args.secret_type.is_empty() { "Opaque" } else { args.secret_type.as_str() };
    obj.insert("type".into(), Value::String(secret_type.to_owned()));
    let data: Map<String, Value> = sources::load(args, kd, &site)?
        .into_iter()
        .map(|(key, bytes)| (key, Value::String(object::base64_lines(&bytes))))
        .collect();
    obj.insert("data".into(), Value::Object(data));
    Ok(object::finish(obj, args, global, kd.file))
}
