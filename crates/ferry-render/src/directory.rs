//! The plain-directory renderer (Argo CD's `directory` source type).
//!
//! Files come already read (the Git reader confines them to the repository). The renderer
//! picks the `*.yaml`, `*.yml` and `*.json` files directly in the source path — or below it
//! with `recurse` — keeps those that `include` matches and `exclude` does not (paths relative
//! to the source path, see `glob`), and reads their objects in walk order, documents in file
//! order. Sizes are capped per file and in total.

use crate::documents;
use crate::error::RenderError;
use crate::glob::Glob;
use crate::objects::{self, RenderedObject};
use crate::path;

/// The largest single file read.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// The largest total of rendered objects (measured as compact JSON, approximately).
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

const MANIFEST_EXTENSIONS: [&str; 3] = [".yaml", ".yml", ".json"];

/// A file of the Source: its repository-relative, `/`-separated path and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// `spec.source.directory` of an Application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryOptions {
    /// Also read subdirectories.
    pub recurse: bool,
    /// Only files whose relative path matches this glob.
    pub include: Option<String>,
    /// No file whose relative path matches this glob.
    pub exclude: Option<String>,
}

/// Renders the plain directory `dir` (the Application's `source.path`; `.` is the root).
pub fn render_directory(
    files: &[SourceFile],
    dir: &str,
    opts: &DirectoryOptions,
) -> Result<Vec<RenderedObject>, RenderError> {
    let dir = path::normalize_dir(dir)?;
    let selected = select(files, &dir, opts)?;
    let mut objects = Vec::new();
    let mut total = 0;
    for file in selected {
        let first = objects.len();
        render_file(file, &mut objects)?;
        total += objects[first..].iter().map(|o| objects::approximate_size(&o.object)).sum::<usize>();
        if total > MAX_OUTPUT_BYTES {
            return Err(RenderError::OutputTooLarge { file: file.path.clone(), limit: MAX_OUTPUT_BYTES });
        }
    }
    Ok(objects)
}

/// The files to read, in walk order.
fn select<'f>(files: &'f [SourceFile], dir: &str, opts: &DirectoryOptions) -> Result<Vec<&'f SourceFile>, RenderError> {
    let include = opts.include.as_deref().filter(|p| !p.is_empty()).map(Glob::new).transpose()?;
    let exclude = opts.exclude.as_deref().filter(|p| !p.is_empty()).map(Glob::new).transpose()?;
    let mut dir_exists = false;
    let mut selected = Vec::new();
    for file in files {
        path::check(&file.path)?;
        let Some(relative) = path::relative_to(&file.path, dir) else { continue };
        dir_exists = true;
        if (!opts.recurse && relative.contains('/')) || !is_manifest_name(&file.path) {
            continue;
        }
        if exclude.as_ref().is_some_and(|g| g.is_match(relative))
            || include.as_ref().is_some_and(|g| !g.is_match(relative))
        {
            continue;
        }
        if file.path.ends_with(".jsonnet") {
            return Err(RenderError::Unsupported { file: file.path.clone(), what: "Jsonnet".to_owned() });
        }
        selected.push(file);
    }
    if !dir_exists {
        return Err(RenderError::PathNotFound { dir: if dir.is_empty() { ".".to_owned() } else { dir.to_owned() } });
    }
    selected.sort_by(|a, b| path::walk_order(&a.path, &b.path));
    Ok(selected)
}

/// Argo CD reads `*.yaml`, `*.yml`, `*.json` and `*.jsonnet` (case-sensitive). Jsonnet files
/// are selected too, so that Ferry can refuse them instead of silently rendering less.
fn is_manifest_name(path: &str) -> bool {
    MANIFEST_EXTENSIONS.iter().any(|ext| path.ends_with(ext)) || path.ends_with(".jsonnet")
}

fn render_file(file: &SourceFile, out: &mut Vec<RenderedObject>) -> Result<(), RenderError> {
    if file.contents.len() > MAX_FILE_BYTES {
        let (file, size) = (file.path.clone(), file.contents.len());
        return Err(RenderError::FileTooLarge { file, size, limit: MAX_FILE_BYTES });
    }
    let text = std::str::from_utf8(&file.contents).map_err(|_| RenderError::NotText { file: file.path.clone() })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for document in documents::parse(&file.path, text)? {
        objects::collect(document, &file.path, out)?;
    }
    Ok(())
}
