//! What every generated object shares: `apiVersion: v1`, kind, name and namespace, the
//! options' labels, annotations and `immutable`, and kustomize's base64 with line breaks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::args::{GeneratorArgs, GeneratorOptions, merged_options};
use super::sources::Site;
use crate::kustomize::{KustomizeError, Resource};

/// kustomize breaks base64 values into lines of this many characters.
const BASE64_LINE: usize = 70;

/// Where errors of the entry `args` of `generator` (`configMapGenerator`/`secretGenerator`) point.
pub(super) fn site<'a>(generator: &str, args: &GeneratorArgs, file: &'a str) -> Site<'a> {
    Site { file, field: format!("{generator}[{}]", args.name) }
}

/// `apiVersion: v1`, `kind`, `metadata.name` and (when given) `metadata.namespace`.
pub(super) fn skeleton(kind: &str, args: &GeneratorArgs, site: &Site) -> Result<Map<String, Value>, KustomizeError> {
    if args.name.is_empty() {
        return Err(site.invalid("name", "a configmap must have a name"));
    }
    let mut metadata = Map::new();
    metadata.insert("name".into(), Value::String(args.name.clone()));
    if !args.namespace.is_empty() {
        metadata.insert("namespace".into(), Value::String(args.namespace.clone()));
    }
    let mut obj = Map::new();
    obj.insert("apiVersion".into(), json!("v1"));
    obj.insert("kind".into(), json!(kind));
    obj.insert("metadata".into(), Value::Object(metadata));
    Ok(obj)
}

/// Adds the options' labels, annotations and `immutable` to `obj` and wraps it as a resource
/// that remembers its behavior and whether its name gets the hash suffix.
pub(super) fn finish(
    mut obj: Map<String, Value>,
    args: &GeneratorArgs,
    global: Option<&GeneratorOptions>,
    file: &str,
) -> Resource {
    let options = merged_options(args.options.as_ref(), global);
    if let Some(Value::Object(metadata)) = obj.get_mut("metadata") {
        insert_strings(metadata, "labels", &options.labels);
        insert_strings(metadata, "annotations", &options.annotations);
    }
    if options.immutable {
        obj.insert("immutable".into(), Value::Bool(true));
    }
    let mut resource = Resource::new(Value::Object(obj), file);
    resource.needs_hash = !options.disable_name_suffix_hash;
    resource.behavior = args.behavior();
    resource
}

fn insert_strings(metadata: &mut Map<String, Value>, field: &str, map: &std::collections::BTreeMap<String, String>) {
    if !map.is_empty() {
        let values = map.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        metadata.insert(field.into(), Value::Object(values));
    }
}

/// kustomize's base64 (kyaml `encodeBase64`): standard alphabet with padding; when the text is
/// 70 characters or longer it is cut into 70-character lines, each ending in `\n`.
pub(super) fn base64_lines(bytes: &[u8]) -> String {
    let encoded = STANDARD.encode(bytes);
    if encoded.len() < BASE64_LINE {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / BASE64_LINE + 1);
    for chunk in encoded.as_bytes().chunks(BASE64_LINE) {
        // base64 output is ASCII, so every chunk is a valid string.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_breaks_lines_from_seventy_characters_on() {
        assert_eq!(base64_lines(b"abc"), "YWJj");
        // 51 bytes encode to 68 characters; 52 bytes to 72.
        assert!(!base64_lines(&[b'a'; 51]).contains('\n'));
        let exact = base64_lines(&[b'a'; 52]);
        assert_eq!(exact, "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYQ\n==\n");
        // 105 bytes encode to exactly 140 characters: two full lines.
        assert_eq!(base64_lines(&[0u8; 105]).matches('\n').count(), 2);
    }
}
