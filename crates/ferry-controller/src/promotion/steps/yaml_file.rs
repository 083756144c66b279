//! Reading and writing the one YAML document of a file losslessly (`yaml-edit`), for the
//! steps that edit files in place.

use std::path::Path;
use std::str::FromStr;

use yaml_edit::{Document, YamlFile};

use super::StepError;

/// A parsed file: the whole file (written back as is, but for edits) and its document.
#[derive(Debug)]
pub struct Edited {
    file: YamlFile,
    pub doc: Document,
}

/// Reads `path` (`shown` in messages) and parses it, refusing files with several documents
/// (an edit must not guess which one is meant).
pub fn read(path: &Path, shown: &str) -> Result<Edited, StepError> {
    let text = std::fs::read_to_string(path).map_err(|source| StepError::Io { file: shown.to_owned(), source })?;
    let invalid = |message: String| StepError::File { file: shown.to_owned(), field: "(file)".to_owned(), message };
    let file = YamlFile::from_str(&text).map_err(|e| invalid(format!("not valid YAML: {e}")))?;
    let mut docs = file.documents();
    let doc = docs.next().ok_or_else(|| invalid("holds no YAML document".to_owned()))?;
    if docs.next().is_some() {
        return Err(invalid("holds several YAML documents; only single-document files are edited".to_owned()));
    }
    Ok(Edited { file, doc })
}

/// Writes the (edited) file back to `path`.
pub fn write(edited: &Edited, path: &Path, shown: &str) -> Result<(), StepError> {
    std::fs::write(path, edited.file.to_string()).map_err(|source| StepError::Io { file: shown.to_owned(), source })
}
