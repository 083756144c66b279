//! Files of a kustomization, confined to its root.
//!
//! Paths are `/`-separated and relative to the directory of the kustomization being built
//! (`dir`). With [`LoadRestrictor::RootOnly`] (the default, as in kustomize) a path may not
//! leave the root of the top-level kustomization, by `..`, by being absolute or through a
//! symlink; with [`LoadRestrictor::None`] it may.

use std::path::{Path, PathBuf};

use crate::directory::SourceFile;

use super::error::KustomizeError;

/// kustomize's `--load-restrictor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadRestrictor {
    #[default]
    RootOnly,
    None,
}

/// Reads the files of a kustomization tree.
pub trait Loader {
    /// The bytes of a file; `path` is already joined and normalised (see [`normalize`]).
    fn read(&self, path: &str) -> Result<Vec<u8>, KustomizeError>;
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &str) -> bool;
    /// Whether `path` exists (file or directory).
    fn exists(&self, path: &str) -> bool;
}

/// Joins `rel` onto `dir` and normalises `.` and `..`; `None` when the result leaves the root.
pub fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') { Vec::new() } else { dir.split('/').collect() };
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    parts.retain(|p| !p.is_empty() && *p != ".");
    Some(parts.join("/"))
}

/// Files on disk under `root`; symlinks are followed only when their target stays inside the
/// root (unless the restrictor is `None`).
#[derive(Debug, Clone)]
pub struct FsLoader {
    pub root: PathBuf,
    pub restrictor: LoadRestrictor,
}

impl FsLoader {
    fn resolve(&self, path: &str) -> Result<PathBuf, KustomizeError> {
        let full = self.root.join(path);
        if self.restrictor == LoadRestrictor::None {
            return Ok(full);
        }
        let root = self.root.canonicalize().map_err(|e| io_error(&self.root, &e))?;
        match full.canonicalize() {
            Ok(real) if real.starts_with(&root) => Ok(real),
            Ok(_) => Err(KustomizeError::Restricted {
                file: path.to_owned(),
                path: path.to_owned(),
                root: root.display().to_string(),
            }),
            Err(_) => Err(KustomizeError::NotFound { file: path.to_owned(), path: path.to_owned() }),
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> KustomizeError {
    KustomizeError::Io { path: path.display().to_string(), message: e.to_string() }
}

impl Loader for FsLoader {
    fn read(&self, path: &str) -> Result<Vec<u8>, KustomizeError> {
        let real = self.resolve(path)?;
        std::fs::read(&real).map_err(|e| io_error(Path::new(path), &e))
    }
    fn is_dir(&self, path: &str) -> bool {
        self.resolve(path).is_ok_and(|p| p.is_dir())
    }
    fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_ok_and(|p| p.exists())
    }
}

/// Files already read (from a Git tree, which confines symlinks itself).
#[derive(Debug, Clone, Copy)]
pub struct MemLoader<'a> {
    pub files: &'a [SourceFile],
}

impl Loader for MemLoader<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, KustomizeError> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.clone())
            .ok_or_else(|| KustomizeError::NotFound { file: path.to_owned(), path: path.to_owned() })
    }
    fn is_dir(&self, path: &str) -> bool {
        let prefix = if path.is_empty() { String::new() } else { format!("{path}/") };
        self.files.iter().any(|f| f.path.starts_with(&prefix))
    }
    fn exists(&self, path: &str) -> bool {
        self.files.iter().any(|f| f.path == path) || self.is_dir(path)
    }
}

/// The directory of one kustomization being built: reads its files under its restrictor.
#[derive(Clone, Copy)]
pub struct KustDir<'a> {
    pub loader: &'a dyn Loader,
    /// The kustomization's directory, normalised, relative to the loader's root.
    pub dir: &'a str,
    /// The kustomization file (for error messages).
    pub file: &'a str,
    pub restrictor: LoadRestrictor,
}

impl std::fmt::Debug for KustDir<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KustDir").field("dir", &self.dir).field("file", &self.file).finish()
    }
}

impl KustDir<'_> {
    /// Joins `rel` onto the kustomization's directory, refusing paths that leave it when the
    /// restrictor is `RootOnly`.
    pub fn resolve(&self, rel: &str) -> Result<String, KustomizeError> {
        let restricted = || KustomizeError::Restricted {
            file: self.file.to_owned(),
            path: rel.to_owned(),
            root: self.dir.to_owned(),
        };
        let path = normalize(self.dir, rel).ok_or_else(restricted)?;
        let inside = self.dir.is_empty() || path == self.dir || path.starts_with(&format!("{}/", self.dir));
        if self.restrictor == LoadRestrictor::RootOnly && (!inside || rel.starts_with('/')) {
            return Err(restricted());
        }
        Ok(path)
    }

    /// The normalised path and the bytes of the file `rel` of this kustomization.
    pub fn read(&self, rel: &str) -> Result<(String, Vec<u8>), KustomizeError> {
        let path = self.resolve(rel)?;
        let bytes = self.loader.read(&path)?;
        Ok((path, bytes))
    }
}
