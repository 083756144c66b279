//! The static part of the inventory the webhook gives policies as `data.inventory`: the objects
//! in the YAML and JSON files of a directory, read once at start (`kind: List` files contribute
//! their items).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::AdmissionError;
use crate::policy::Inventory;

/// The inventory of every object in the `.yaml`, `.yml` and `.json` files under `dir`.
pub fn load_inventory(dir: &Path) -> Result<Inventory, AdmissionError> {
    Ok(Inventory::from_objects(&load_objects(dir)?))
}

/// Every object in the `.yaml`, `.yml` and `.json` files under `dir`, in file name order: what
/// [`load_inventory`] holds, for an inventory that adds other objects to them.
pub fn load_objects(dir: &Path) -> Result<Vec<Value>, AdmissionError> {
    let mut objects = Vec::new();
    for path in object_files(dir)? {
        for document in read_documents(&path)? {
            push_object(document, &mut objects);
        }
    }
    Ok(objects)
}

/// Adds `document`, or its items when it is a `List` (`v1` `List`, `PodList`, …).
fn push_object(document: Value, objects: &mut Vec<Value>) {
    let is_list = document.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"));
    match (is_list, document.get("items")) {
        (true, Some(Value::Array(items))) => objects.extend(items.iter().cloned()),
        _ => objects.push(document),
    }
}

fn read_documents(path: &Path) -> Result<Vec<Value>, AdmissionError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| AdmissionError::Read { path: path.to_path_buf(), source })?;
    let documents = serde_saphyr::from_multiple::<Value>(&text).map_err(|e| {
        let at = e.location().map(|l| format!("line {}: ", l.line())).unwrap_or_default();
        let first = e.to_string().lines().next().unwrap_or_default().to_owned();
        AdmissionError::Yaml { path: path.to_path_buf(), problem: format!("{at}{first}") }
    })?;
    Ok(documents.into_iter().filter(|d| !d.is_null()).collect())
}

/// The object files under `dir`, recursively, in name order.
fn object_files(dir: &Path) -> Result<Vec<PathBuf>, AdmissionError> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let read_error = |source| AdmissionError::Read { path: current.clone(), source };
        for entry in std::fs::read_dir(&current).map_err(read_error)? {
            let path = entry.map_err(read_error)?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::load_inventory;

    #[test]
    fn list_items_become_inventory_objects() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/admission/inventory");
        let inventory = load_inventory(&dir).unwrap();
        assert_eq!(inventory.namespace("prod").unwrap()["metadata"]["labels"]["env"], "prod");
        assert!(inventory.namespace("dev").is_some());
    }

    #[test]
    fn bad_yaml_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.yaml"), "kind: Namespace\nmetadata: [\n").unwrap();
        let error = load_inventory(dir.path()).unwrap_err().to_string();
        assert!(error.contains("broken.yaml") && error.contains("line"), "{error}");
    }
}
