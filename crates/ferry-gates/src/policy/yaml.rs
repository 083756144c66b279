//! Reading YAML (or JSON) files into JSON values, one value per document.

use std::path::Path;

use serde_json::Value;

use super::error::PolicyError;

/// The non-empty documents of `text`; `origin` names the text in errors.
pub fn documents(origin: &str, text: &str) -> Result<Vec<Value>, PolicyError> {
    let docs = serde_saphyr::from_multiple::<Value>(text).map_err(|e| {
        let at = e.location().map(|l| format!("line {}: ", l.line())).unwrap_or_default();
        let first = e.to_string().lines().next().unwrap_or_default().to_owned();
        PolicyError::Yaml { origin: origin.to_owned(), problem: format!("{at}{first}") }
    })?;
    Ok(docs.into_iter().filter(|doc| !doc.is_null()).collect())
}

/// The non-empty documents of the file at `path`.
pub fn read_documents(path: &Path) -> Result<Vec<Value>, PolicyError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| PolicyError::Read { path: path.to_path_buf(), source })?;
    documents(&path.display().to_string(), &text)
}

/// The one document of the file at `path`, or an error naming the file when it holds none or several.
pub fn read_single(path: &Path) -> Result<Value, PolicyError> {
    let mut docs = read_documents(path)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        n => Err(PolicyError::Yaml {
            origin: path.display().to_string(),
            problem: format!("expected exactly one document, found {n}"),
        }),
    }
}

/// The string at `pointer` (a JSON pointer) in `value`, if it is a string.
pub fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}
