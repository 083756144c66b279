//! `resources:` and `components:`: files of objects and nested kustomizations.
//!
//! A resource entry is a remote base (fetched only when the build allows it), a directory (a
//! nested kustomization, built on its own and then added) or a file of objects (`List` kinds
//! flattened, their items after the file's other objects as kustomize queues them). A component
//! entry is a directory with `kind: Component`, applied to what was accumulated so far.

use serde_json::Value;

use super::{Accumulator, Builder};
use crate::kustomize::error::KustomizeError;
use crate::kustomize::kustomization::{KustKind, Kustomization};
use crate::kustomize::loader::{FsLoader, KustDir, Loader, is_within, normalize};
use crate::kustomize::parse::parse_documents;
use crate::kustomize::remote;
use crate::kustomize::resource::{ResMap, Resource};

impl Builder<'_> {
    /// Adds every entry of `resources:` to `acc`.
    pub(crate) fn accumulate_resources(
        &mut self,
        kd: &KustDir,
        entries: &[String],
        acc: &mut Accumulator,
    ) -> Result<(), KustomizeError> {
        let file = kd.describe(kd.file);
        for entry in entries {
            if remote::is_remote(entry) {
                let nested =
                    self.with_remote(kd, entry, |b, sub| b.nested(sub, entry, KustKind::Kustomization, None))?;
                acc.absorb(nested, &file)?;
                continue;
            }
            let path = normalize(kd.dir, entry).ok_or_else(|| KustomizeError::Restricted {
                file: file.clone(),
                path: entry.clone(),
                root: kd.describe(kd.dir),
            })?;
            if kd.loader.is_dir(&path) {
                self.check_not_ancestor(kd, &path, entry)?;
                let sub = KustDir { loader: kd.loader, dir: &path, file: "", restrictor: kd.restrictor };
                let nested = self.nested(&sub, entry, KustKind::Kustomization, None)?;
                acc.absorb(nested, &file)?;
            } else {
                let objects = self.read_objects(kd, entry)?;
                acc.append_all(objects, &file)?;
            }
        }
        Ok(())
    }

    /// Applies every entry of `components:` to `acc`, in order.
    pub(super) fn accumulate_components(
        &mut self,
        kd: &KustDir,
        entries: &[String],
        mut acc: Accumulator,
    ) -> Result<Accumulator, KustomizeError> {
        let file = kd.describe(kd.file);
        for entry in entries {
            if remote::is_remote(entry) {
                let taken = std::mem::take(&mut acc);
                acc = self.with_remote(kd, entry, |b, sub| b.nested(sub, entry, KustKind::Component, Some(taken)))?;
                continue;
            }
            let path = normalize(kd.dir, entry).filter(|p| kd.loader.is_dir(p)).ok_or_else(|| {
                KustomizeError::NotFound { file: file.clone(), path: format!("component {entry:?} (not a directory)") }
            })?;
            self.check_not_ancestor(kd, &path, entry)?;
            let sub = KustDir { loader: kd.loader, dir: &path, file: "", restrictor: kd.restrictor };
            let taken = std::mem::take(&mut acc);
            acc = self.nested(&sub, entry, KustKind::Component, Some(taken))?;
        }
        Ok(acc)
    }

    /// Builds the kustomization in `sub.dir`: on its own (`into` is `None`, a resource) or onto
    /// `into` (a component). The kind must match what the entry is used as.
    fn nested(
        &mut self,
        sub: &KustDir,
        entry: &str,
        expected: KustKind,
        into: Option<Accumulator>,
    ) -> Result<Accumulator, KustomizeError> {
        let (file, k) = Kustomization::load(sub.loader, sub.dir)?;
        let kd = KustDir { file: &file, ..*sub };
        let where_ = kd.describe(kd.dir);
        match (expected, k.kind()) {
            (KustKind::Component, KustKind::Kustomization) => {
                return Err(self.invalid_kind(&kd, format!("expected kind 'Component' for path '{where_}'")));
            }
            (KustKind::Kustomization, KustKind::Component) => {
                return Err(self.invalid_kind(&kd, format!("expected kind != 'Component' for path '{where_}'")));
            }
            _ => {}
        }
        let origin = self.current_origin().append(entry);
        self.origin.push(origin);
        let result = match into {
            None => self.accumulate_root(&kd, &k),
            Some(acc) => self.accumulate_component(&kd, &k, acc),
        };
        self.origin.pop();
        result
    }

    fn invalid_kind(&self, kd: &KustDir, message: String) -> KustomizeError {
        KustomizeError::Invalid { file: kd.describe(kd.file), field: "kind".to_owned(), message }
    }

    /// kustomize refuses a base that is the kustomization's own directory or one above it.
    fn check_not_ancestor(&self, kd: &KustDir, path: &str, entry: &str) -> Result<(), KustomizeError> {
        if is_within(kd.dir, path) {
            return Err(KustomizeError::Cycle {
                file: kd.describe(kd.file),
                chain: format!(
                    "candidate root {entry:?} ({}) contains visited root {}",
                    kd.describe(path),
                    kd.describe(kd.dir)
                ),
            });
        }
        Ok(())
    }

    /// Fetches a remote base and runs `then` on its kustomization directory.
    fn with_remote<T>(
        &mut self,
        kd: &KustDir,
        entry: &str,
        then: impl FnOnce(&mut Self, &KustDir) -> Result<T, KustomizeError>,
    ) -> Result<T, KustomizeError> {
        let file = kd.describe(kd.file);
        let checkout = remote::fetch(self.opts.remote, entry, &file)?;
        let loader = FsLoader::new(checkout.dir.clone());
        let sub = KustDir { loader: &loader, dir: &checkout.sub_path, file: "", restrictor: kd.restrictor };
        if !loader.is_dir(&checkout.sub_path) {
            return Err(KustomizeError::NotFound {
                file,
                path: format!("{entry} (no such directory in the repository)"),
            });
        }
        then(self, &sub)
    }

    /// The objects of the file `entry`.
    fn read_objects(&self, kd: &KustDir, entry: &str) -> Result<ResMap, KustomizeError> {
        let (path, bytes) = kd.read(entry)?;
        let shown = kd.describe(&path);
        let text = String::from_utf8(bytes).map_err(|_| KustomizeError::Syntax {
            file: shown.clone(),
            line: 0,
            column: 0,
            message: "not UTF-8 text".to_owned(),
        })?;
        let docs = parse_documents(&shown, &text)?;
        let objects = flatten_lists(&shown, docs.into_iter().map(|d| d.value).collect())?;
        objects
            .into_iter()
            .map(|obj| {
                check_object(&shown, &obj)?;
                let mut r = Resource::new(obj, shown.clone());
                self.annotate_file(&mut r, entry);
                Ok(r)
            })
            .collect()
    }
}

/// Replaces every `...List` object holding `items` by its items, queued after the rest.
pub(crate) fn flatten_lists(file: &str, docs: Vec<Value>) -> Result<Vec<Value>, KustomizeError> {
    let mut queue: std::collections::VecDeque<Value> = docs.into();
    let mut out = Vec::new();
    while let Some(doc) = queue.pop_front() {
        let is_list = doc.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"));
        let items = if is_list { doc.get("items") } else { None };
        match items {
            None => out.push(doc),
            Some(Value::Null) => {}
            Some(Value::Array(items)) => queue.extend(items.iter().cloned()),
            Some(_) => {
                let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default();
                return Err(KustomizeError::Invalid {
                    file: file.to_owned(),
                    field: format!("{kind}/items"),
                    message: "expected an array".to_owned(),
                });
            }
        }
    }
    Ok(out)
}

/// kustomize's checks of an object read from a file: a mapping with a kind and a name.
pub(crate) fn check_object(file: &str, obj: &Value) -> Result<(), KustomizeError> {
    let invalid = |field: &str, message: &str| KustomizeError::Invalid {
        file: file.to_owned(),
        field: field.to_owned(),
        message: message.to_owned(),
    };
    if !obj.is_object() {
        return Err(invalid("metadata", "missing Resource metadata"));
    }
    if obj.get("kind").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(invalid("kind", "missing kind in object"));
    }
    let name = obj.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str);
    if name.is_none_or(str::is_empty) {
        return Err(invalid("metadata.name", "missing metadata.name in object"));
    }
    Ok(())
}
