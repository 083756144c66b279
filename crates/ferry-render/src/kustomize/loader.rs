//! Files of a kustomization, confined to its root.
//!
//! Paths are `/`-separated and relative to the root of a [`Loader`]. Each kustomization is a
//! [`KustDir`]: with [`LoadRestrictor::RootOnly`] (the default, as in kustomize) the *files* it
//! reads may not leave its own directory, by `..`, by being absolute or through a symlink; with
//! [`LoadRestrictor::None`] they may. Kustomization *directories* (bases, components) may be
//! anywhere the loader reaches, as in kustomize: an [`FsLoader`] rooted at `/` reaches the
//! whole file system (a directory given on the command line with `../base`), a [`MemLoader`]
//! holding a Git tree is confined to the repository, which is a hard limit.

use std::path::{Path, PathBuf};

use crate::directory::{MAX_FILE_BYTES, SourceFile};

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
    /// `path` with symlinks resolved (loader-relative); loaders without symlinks return it as is.
    fn real_path(&self, path: &str) -> Result<String, KustomizeError> {
        Ok(path.to_owned())
    }
    /// A name for the loader's root in messages and cycle checks (a checkout of a remote base
    /// has its own).
    fn describe(&self, path: &str) -> String {
        path.to_owned()
    }
}

/// Joins `rel` onto `dir` and normalises `.` and `..`; `None` when the result leaves the root.
pub fn normalize(dir: &str, rel: &str) -> Option<String> {
    crate::path::join(dir, rel)
}

/// Files on disk under `root` (no path of the loader leaves it, symlinks included; `/` for a
/// directory given on the command line).
#[derive(Debug, Clone)]
pub struct FsLoader {
    pub root: PathBuf,
    /// `RootOnly`: no path leaves `root`, symlinks included; `None`: paths are taken as they are.
    pub restrictor: LoadRestrictor,
}

impl FsLoader {
    /// A loader confined to `root`.
    pub fn new(root: impl Into<PathBuf>) -> FsLoader {
        FsLoader { root: root.into(), restrictor: LoadRestrictor::RootOnly }
    }

    /// A loader for the file system and the loader-relative form of `dir` (a directory given
    /// on the command line, relative to the current directory or absolute).
    pub fn for_directory(dir: &Path) -> Result<(FsLoader, String), KustomizeError> {
        let real = dir.canonicalize().map_err(|e| io_error(dir, &e))?;
        let rel = real.to_string_lossy().trim_start_matches('/').to_owned();
        Ok((FsLoader::new("/"), rel))
    }

    /// The canonical on-disk path of `path`, refused when it leaves the loader's root.
    fn resolve(&self, path: &str) -> Result<PathBuf, KustomizeError> {
        let root = self.root.canonicalize().map_err(|e| io_error(&self.root, &e))?;
        let full = root.join(path);
        if self.restrictor == LoadRestrictor::None {
            return full
                .canonicalize()
                .map_err(|_| KustomizeError::NotFound { file: self.describe(path), path: self.describe(path) });
        }
        match full.canonicalize() {
            Ok(real) if real.starts_with(&root) => Ok(real),
            Ok(_) => Err(KustomizeError::Restricted {
                file: self.describe(path),
                path: path.to_owned(),
                root: root.display().to_string(),
            }),
            Err(_) => Err(KustomizeError::NotFound { file: self.describe(path), path: self.describe(path) }),
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> KustomizeError {
    KustomizeError::Io { path: path.display().to_string(), message: e.to_string() }
}

/// Refuses contents over [`MAX_FILE_BYTES`].
fn check_size(path: &str, size: u64) -> Result<(), KustomizeError> {
    if usize::try_from(size).map_or(true, |n| n > MAX_FILE_BYTES) {
        return Err(KustomizeError::TooLarge { file: path.to_owned(), limit: MAX_FILE_BYTES });
    }
    Ok(())
}

impl Loader for FsLoader {
    fn read(&self, path: &str) -> Result<Vec<u8>, KustomizeError> {
        let real = self.resolve(path)?;
        let meta = std::fs::metadata(&real).map_err(|e| io_error(&real, &e))?;
        check_size(&self.describe(path), meta.len())?;
        std::fs::read(&real).map_err(|e| io_error(&real, &e))
    }
    fn is_dir(&self, path: &str) -> bool {
        self.resolve(path).is_ok_and(|p| p.is_dir())
    }
    fn exists(&self, path: &str) -> bool {
        self.resolve(path).is_ok_and(|p| p.exists())
    }
    fn real_path(&self, path: &str) -> Result<String, KustomizeError> {
        let root = self.root.canonicalize().map_err(|e| io_error(&self.root, &e))?;
        let real = self.resolve(path)?;
        let rel = real.strip_prefix(&root).unwrap_or(&real);
        Ok(rel.to_string_lossy().into_owned())
    }
    fn describe(&self, path: &str) -> String {
        self.root.join(path).display().to_string()
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
            .ok_or_else(|| KustomizeError::NotFound { file: path.to_owned(), path: path.to_owned() })
            .and_then(|f| {
                check_size(path, u64::try_from(f.contents.len()).unwrap_or(u64::MAX))?;
                Ok(f.contents.clone())
            })
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
    fn restricted(&self, rel: &str) -> KustomizeError {
        KustomizeError::Restricted {
            file: self.loader.describe(self.file),
            path: rel.to_owned(),
            root: self.loader.describe(self.dir),
        }
    }

    /// Joins `rel` onto the kustomization's directory, refusing paths that leave it when the
    /// restrictor is `RootOnly` (and paths that leave the loader's root always).
    pub fn resolve(&self, rel: &str) -> Result<String, KustomizeError> {
        let path = normalize(self.dir, rel).ok_or_else(|| self.restricted(rel))?;
        if self.restrictor == LoadRestrictor::RootOnly && !is_within(&path, self.dir) {
            return Err(self.restricted(rel));
        }
        Ok(path)
    }

    /// The normalised path and the bytes of the file `rel` of this kustomization; under
    /// `RootOnly` a symlink must also resolve to a file inside the kustomization's directory.
    pub fn read(&self, rel: &str) -> Result<(String, Vec<u8>), KustomizeError> {
        let path = self.resolve(rel)?;
        if self.restrictor == LoadRestrictor::RootOnly && self.loader.exists(&path) {
            let real = self.loader.real_path(&path)?;
            let real_dir = self.loader.real_path(self.dir)?;
            if !is_within(&real, &real_dir) {
                return Err(self.restricted(rel));
            }
        }
        if !self.loader.exists(&path) {
            return Err(KustomizeError::NotFound {
                file: self.loader.describe(self.file),
                path: self.loader.describe(&path),
            });
        }
        let bytes = self.loader.read(&path)?;
        Ok((path, bytes))
    }

    /// The kustomization directory in messages.
    pub fn describe(&self, path: &str) -> String {
        self.loader.describe(path)
    }
}

/// Whether the loader-relative `path` is `dir` or below it.
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalize_joins_and_refuses_leaving_the_root() {
        assert_eq!(normalize("a/b", "c/./d"), Some("a/b/c/d".to_owned()));
        assert_eq!(normalize("a/b", "../c"), Some("a/c".to_owned()));
        assert_eq!(normalize("a", ".."), Some(String::new()));
        assert_eq!(normalize("", "x/../y"), Some("y".to_owned()));
        assert_eq!(normalize("a", "/x/y"), Some("x/y".to_owned()));
        // `..` above the loader's root is refused, from the root itself too.
        assert_eq!(normalize("", "../x"), None);
        assert_eq!(normalize("", ".."), None);
        assert_eq!(normalize("a", "../../x"), None);
        assert_eq!(normalize("/", "../x"), None);
        assert_eq!(normalize("", "/../x"), None);
    }
}
