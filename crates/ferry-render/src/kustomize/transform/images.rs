//! `images:` (kustomize's ImageTagTransformer): changes the name, tag or digest of matching
//! container images.
//!
//! As kustomize v5.5, every `image` of every element of a `containers` or `initContainers` list
//! anywhere in an object is considered (except in CustomResourceDefinitions), and then the
//! images field specs (custom ones reach images of custom resources). An image matches when its
//! name (without tag and digest) is exactly the entry's `name`: `nginx` matches `nginx:1.0` and
//! `nginx@sha256:…` but not `nginx-other` nor `docker.io/library/nginx`.

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use super::super::fieldspec::{self, Create, FieldSpec};
use super::super::{KustomizeError, ResMap};
use super::setters::node_kind;

/// One entry of `images:`.
#[derive(Debug, Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    pub name: String,
    #[serde(default)]
    pub new_name: String,
    #[serde(default)]
    pub new_tag: String,
    #[serde(default)]
    pub digest: String,
}

/// Applies each image entry, in order, to every object.
pub fn apply(res: &mut ResMap, images: &[Image], fs: &[FieldSpec], file: &str) -> Result<(), KustomizeError> {
    for image in images {
        let matcher = Matcher::new(image);
        for r in res.iter_mut() {
            let is_crd = r.obj.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition");
            if !is_crd {
                legacy_walk(&mut r.obj, &matcher).map_err(|message| KustomizeError::Invalid {
                    file: file.to_owned(),
                    field: "images".to_owned(),
                    message: format!("{}: {message}", fieldspec::describe(&r.obj)),
                })?;
            }
            for spec in fs {
                // The image transformer never creates missing image fields.
                let spec = FieldSpec { create: false, ..spec.clone() };
                fieldspec::apply(&mut r.obj, &spec, Create::Scalar, file, &mut |node| matcher.update(node))?;
            }
        }
    }
    Ok(())
}

/// An image entry ready to match: kustomize builds the pattern from the name unescaped.
struct Matcher<'a> {
    image: &'a Image,
    pattern: Option<Regex>,
}

impl<'a> Matcher<'a> {
    fn new(image: &'a Image) -> Matcher<'a> {
        let pattern =
            Regex::new(&format!(r"^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$", image.name)).ok();
        Matcher { image, pattern }
    }

    fn matches(&self, value: &str) -> bool {
        self.pattern.as_ref().is_some_and(|p| p.is_match(value))
    }

    /// Rewrites an image reference that matches.
    fn update(&self, node: &mut Value) -> Result<(), String> {
        let value = match node {
            Value::String(s) => s.clone(),
            Value::Object(_) | Value::Array(_) => {
                return Err(format!("wrong node kind: expected ScalarNode but got {}", node_kind(node)));
            }
            _ => return Ok(()),
        };
        if !self.matches(&value) {
            return Ok(());
        }
        *node = Value::String(self.rewrite(&value));
        Ok(())
    }

    fn rewrite(&self, value: &str) -> String {
        let (mut name, mut tag, mut digest) = split(value);
        let image = self.image;
        if !image.new_name.is_empty() {
            name = image.new_name.clone();
        }
        match (image.new_tag.is_empty(), image.digest.is_empty()) {
            (false, false) => (tag, digest) = (image.new_tag.clone(), image.digest.clone()),
            (false, true) => (tag, digest) = (image.new_tag.clone(), String::new()),
            (true, false) => (tag, digest) = (String::new(), image.digest.clone()),
            (true, true) => {}
        }
        if !tag.is_empty() {
            name = format!("{name}:{tag}");
        }
        if !digest.is_empty() {
            name = format!("{name}@{digest}");
        }
        name
    }
}

/// kustomize's `image.Split`: name, tag and digest; a `:` before the first `/` is a port.
pub fn split(image: &str) -> (String, String, String) {
    let offset = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[offset..];
    let at = search.find('@').map(|i| i + offset);
    let colon = search.find(':').map(|i| i + offset);
    match (colon, at) {
        (None, None) => (image.to_owned(), String::new(), String::new()),
        (c, Some(d)) if c.is_none_or(|c| d < c) => (image[..d].to_owned(), String::new(), image[d + 1..].to_owned()),
        (Some(c), Some(d)) => (image[..c].to_owned(), image[c + 1..d].to_owned(), image[d + 1..].to_owned()),
        (Some(c), None) => (image[..c].to_owned(), image[c + 1..].to_owned(), String::new()),
        (None, Some(_)) => (image.to_owned(), String::new(), String::new()),
    }
}

/// Visits every `containers`/`initContainers` list in the object (depth first, children
/// before the field itself, as kustomize's legacy filter) and updates each element's `image`.
fn legacy_walk(node: &mut Value, matcher: &Matcher) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                legacy_walk(value, matcher)?;
                if key == "containers" || key == "initContainers" {
                    update_containers(value, matcher)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(|item| legacy_walk(item, matcher)),
        _ => Ok(()),
    }
}

fn update_containers(list: &mut Value, matcher: &Matcher) -> Result<(), String> {
    let Value::Array(items) = list else { return Ok(()) };
    for item in items {
        match item {
            Value::Object(container) => {
                if let Some(image) = container.get_mut("image") {
                    matcher.update(image)?;
                }
            }
            Value::Null => {}
            other => return Err(format!("wrong node kind: expected MappingNode but got {}", node_kind(other))),
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "images_tests.rs"]
mod tests;
