//! `kustomize-set-image`: sets the `images:` entries of a `kustomization.yaml` in place, as
//! `kustomize edit set image` would, but keeping the file's comments, key order and layout.
//!
//! ```yaml
//! - uses: kustomize-set-image
//!   with:
//!     path: ./src/overlays/dev          # the directory of the kustomization (or the file)
//!     images:
//!       - image: ghcr.io/org/web        # the entry's `name`
//!         tag: "{env}-{short-sha}-{timestamp}"   # default "{tag}": the Freight's version
//!         newName: registry.local/web   # optional
//!       - image: redis
//!         digest: sha256:…              # optional; a version starting sha256: is a digest too
//! ```
//!
//! `{tag}` is the Freight's version for the image (its Revision under the image name, or
//! under `newName`). Setting a tag removes the entry's `digest` and setting a digest removes
//! its `newTag`, since Kustomize lets a digest win over any tag. An image with no entry in
//! `images:` is an error: the overlay decides which images it pins.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use yaml_edit::{Mapping, ScalarValue};

use super::template::Vars;
use super::{StepContext, StepError, StepOutcome, yaml_file};

const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The `kustomize-set-image` step's config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KustomizeSetImage {
    pub path: String,
    pub images: Vec<ImageUpdate>,
}

/// One image to set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImageUpdate {
    pub image: String,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub new_name: Option<String>,
}

/// What to write for one image: `newTag` or `digest`.
enum Version {
    Tag(String),
    Digest(String),
}

impl KustomizeSetImage {
    /// Runs the step.
    pub fn run(&self, ctx: &StepContext) -> Result<StepOutcome, StepError> {
        let file = kustomization_file(&ctx.resolve("path", &self.path)?, &self.path)?;
        let shown = ctx.display(&file);
        let edited = yaml_file::read(&file, &shown)?;
        let images = edited.doc.as_mapping().and_then(|m| m.get_sequence("images")).ok_or_else(|| StepError::File {
            file: shown.clone(),
            field: "images".to_owned(),
            message: "there is no `images:` list to set images in".to_owned(),
        })?;
        let mut changes = Vec::new();
        for (index, update) in self.images.iter().enumerate() {
            let version = update.version(ctx, index)?;
            let entry = find_entry(&images, &update.image, &shown)?;
            changes.extend(apply(&entry, update, &version));
        }
        if !changes.is_empty() {
            yaml_file::write(&edited, &file, &shown)?;
        }
        Ok(StepOutcome::Edited { file: shown, changes })
    }
}

impl ImageUpdate {
    fn version(&self, ctx: &StepContext, index: usize) -> Result<Version, StepError> {
        if let Some(digest) = &self.digest {
            return check_digest(&format!("images[{index}].digest"), digest).map(Version::Digest);
        }
        let field = format!("images[{index}].tag");
        let freight =
            ctx.revisions.get(&self.image).or_else(|| self.new_name.as_ref().and_then(|n| ctx.revisions.get(n)));
        let tag = freight.cloned().ok_or_else(|| format!("the freight has no version for image {:?}", self.image));
        let value = Vars::from_context(ctx).with("tag", tag).expand(&field, self.tag.as_deref().unwrap_or("{tag}"))?;
        if value.starts_with("sha256:") {
            return check_digest(&field, &value).map(Version::Digest);
        }
        check_tag(&field, &value).map(Version::Tag)
    }
}

/// The kustomization file: `path` itself, or the one Kustomize would read in directory `path`.
fn kustomization_file(full: &Path, given: &str) -> Result<PathBuf, StepError> {
    if full.is_file() {
        return Ok(full.to_path_buf());
    }
    FILE_NAMES.iter().map(|name| full.join(name)).find(|f| f.is_file()).ok_or_else(|| StepError::Path {
        field: "path".to_owned(),
        path: given.to_owned(),
        message: format!("holds none of {}", FILE_NAMES.join(", ")),
    })
}

fn find_entry(images: &yaml_edit::Sequence, image: &str, shown: &str) -> Result<Mapping, StepError> {
    let name_of = |m: &Mapping| m.get("name").and_then(|n| n.as_scalar().map(|s| s.as_string()));
    let entries: Vec<Mapping> = images.values().filter_map(|v| v.as_mapping().cloned()).collect();
    if let Some(entry) = entries.iter().find(|m| name_of(m).as_deref() == Some(image)) {
        return Ok(entry.clone());
    }
    let names: Vec<String> = entries.iter().filter_map(name_of).collect();
    Err(StepError::File {
        file: shown.to_owned(),
        field: "images".to_owned(),
        message: format!(
            "no entry with name {image:?} (entries: {})",
            if names.is_empty() { "none".to_owned() } else { names.join(", ") }
        ),
    })
}

/// Sets one entry; the changes made, as `images[NAME].FIELD: old -> new`.
fn apply(entry: &Mapping, update: &ImageUpdate, version: &Version) -> Vec<String> {
    let mut changes = Vec::new();
    let mut set = |field: &str, value: Option<&str>| {
        let old = entry.get(field).and_then(|v| v.as_scalar().map(|s| s.as_string()));
        if old.as_deref() == value {
            return;
        }
        match value {
            Some(value) => {
                let quoted =
                    entry.get(field).and_then(|v| v.as_scalar().map(|s| s.value())).is_some_and(|t| t.starts_with('"'));
                entry.set(field, if quoted { ScalarValue::double_quoted(value) } else { ScalarValue::string(value) });
            }
            None => {
                entry.remove(field);
            }
        }
        let shown = |v: Option<&str>| v.map_or("(none)".to_owned(), str::to_owned);
        changes.push(format!("images[{}].{field}: {} -> {}", update.image, shown(old.as_deref()), shown(value)));
    };
    if let Some(name) = &update.new_name {
        set("newName", Some(name));
    }
    match version {
        Version::Tag(tag) => {
            set("newTag", Some(tag));
            set("digest", None);
        }
        Version::Digest(digest) => {
            set("digest", Some(digest));
            set("newTag", None);
        }
    }
    changes
}

/// A Docker tag: up to 128 of `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
fn check_tag(field: &str, tag: &str) -> Result<String, StepError> {
    let valid = !tag.is_empty()
        && tag.len() <= 128
        && !tag.starts_with(['.', '-'])
        && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if valid {
        return Ok(tag.to_owned());
    }
    Err(StepError::Template {
        field: field.to_owned(),
        template: tag.to_owned(),
        message: "is not a valid image tag (up to 128 letters, digits, `_`, `.`, `-`)".to_owned(),
    })
}

fn check_digest(field: &str, digest: &str) -> Result<String, StepError> {
    let hex = digest.strip_prefix("sha256:").unwrap_or("");
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Ok(digest.to_owned());
    }
    Err(StepError::Template {
        field: field.to_owned(),
        template: digest.to_owned(),
        message: "is not a digest (sha256: and 64 lowercase hex digits)".to_owned(),
    })
}
