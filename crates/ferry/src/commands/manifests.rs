//! Reading manifests as the gate commands take them: files, directories (every *.yaml, *.yml
//! and *.json below, in name order) and stdin (`-`); several YAML documents per file, each with
//! its number and the line it starts on; `kind: List` expanded into its items.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::Value;

/// One object to validate, and where it came from.
#[derive(Debug)]
pub struct Document {
    /// The file as given (`-` for stdin).
    pub file: String,
    /// Its number among the file's non-empty documents (1-based).
    pub number: usize,
    /// The line its content starts on (1-based).
    pub line: usize,
    pub object: Value,
}

/// Every document in `paths`, in order; a directory contributes its manifest files.
pub fn read_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<Document>> {
    let mut documents = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("reading stdin")?;
            documents.extend(documents_of("-", &text)?);
        } else if path.is_dir() {
            for file in manifest_files(path)? {
                documents.extend(read_file(&file)?);
            }
        } else {
            documents.extend(read_file(path)?);
        }
    }
    Ok(documents)
}

fn read_file(path: &Path) -> anyhow::Result<Vec<Document>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    documents_of(&path.display().to_string(), &text)
}

/// The *.yaml, *.yml and *.json files under `dir`, recursively, sorted by path.
fn manifest_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let entries = std::fs::read_dir(&next).with_context(|| format!("reading directory {}", next.display()))?;
        for entry in entries {
            let path = entry.with_context(|| format!("reading directory {}", next.display()))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The documents of `text`, `kind: List` expanded; a parse error names the file and line.
pub fn documents_of(file: &str, text: &str) -> anyhow::Result<Vec<Document>> {
    let mut documents = Vec::new();
    for Document { number, line, object, .. } in parse(file, text)? {
        for object in expand(file, number, object)? {
            documents.push(Document { file: file.to_owned(), number, line, object });
        }
    }
    Ok(documents)
}

/// The non-empty YAML (or JSON) documents of `text` as they are (a List stays a List); a parse
/// error names the file and the line in it.
pub fn parse(file: &str, text: &str) -> anyhow::Result<Vec<Document>> {
    let (mut documents, mut number) = (Vec::new(), 0);
    for (start, chunk) in split(text) {
        let values = serde_saphyr::from_multiple::<Value>(chunk).map_err(|e| {
            let at = match e.location() {
                Some(l) => format!("line {}, column {}", start + l.line() as usize - 1, l.column()),
                None => format!("line {start}"),
            };
            anyhow::anyhow!("{file}: {at}: not valid YAML or JSON: {}", parser_message(&e.to_string()))
        })?;
        for object in values.into_iter().filter(|v| !v.is_null()) {
            number += 1;
            let line = start + first_content_line(chunk);
            documents.push(Document { file: file.to_owned(), number, line, object });
        }
    }
    Ok(documents)
}

/// The parser's first line without its own `error: line N column M:` prefix, whose line counts
/// from the document rather than the file.
fn parser_message(text: &str) -> &str {
    let first = text.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.split_once(": ") {
        Some((at, rest)) if at.starts_with("line ") && at.contains(" column ") => rest,
        _ => first,
    }
}

/// Splits a YAML stream at its `---` lines: (first line number, text) per piece, the `---`
/// line kept with the document it opens, so a parser's line numbers offset simply.
fn split(text: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let (mut start_byte, mut start_line, mut offset) = (0, 1, 0);
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let rest = &line.as_bytes()[3.min(line.len())..];
        let separator = line.starts_with("---") && rest.first().is_none_or(u8::is_ascii_whitespace);
        if separator && offset > start_byte {
            pieces.push((start_line, &text[start_byte..offset]));
            (start_byte, start_line) = (offset, index + 1);
        }
        offset += line.len();
    }
    if offset > start_byte {
        pieces.push((start_line, &text[start_byte..]));
    }
    pieces
}

/// How many lines into `chunk` its content starts (0 when on the first line): blank lines,
/// comments and a bare `---` are skipped.
fn first_content_line(chunk: &str) -> usize {
    chunk
        .lines()
        .position(|line| {
            let trimmed = line.trim();
            !(trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---")
        })
        .unwrap_or(0)
}

/// A `kind: List` becomes its items; anything else stays as it is (a non-object is reported
/// by the validator).
fn expand(file: &str, number: usize, value: Value) -> anyhow::Result<Vec<Value>> {
    if value.get("kind").and_then(Value::as_str) != Some("List") {
        return Ok(vec![value]);
    }
    match value.get("items") {
        Some(Value::Array(items)) => Ok(items.clone()),
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(_) => bail!("{file} (document {number}): field `items`: a List needs a list of objects"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_carry_their_number_and_first_line() {
        let text = "# leading comment\napiVersion: v1\nkind: A\n---\n\n---\n# c\napiVersion: v1\nkind: B\n--- {apiVersion: v1, kind: C}\n";
        let docs = documents_of("f.yaml", text).expect("parses");
        let seen: Vec<(usize, usize, &str)> =
            docs.iter().map(|d| (d.number, d.line, d.object["kind"].as_str().unwrap_or_default())).collect();
        assert_eq!(seen, [(1, 2, "A"), (2, 8, "B"), (3, 10, "C")]);
    }

    #[test]
    fn lists_expand_and_errors_name_the_line() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- {kind: A}\n- {kind: B}\n---\nkind: C\n";
        let docs = documents_of("f.yaml", text).expect("parses");
        assert_eq!(docs.len(), 3);
        assert_eq!((docs[1].number, docs[2].number, docs[2].line), (1, 2, 7));
        let error = documents_of("bad.yaml", "kind: A\n---\nkind: B\nmetadata: {name: [x\n").expect_err("unclosed");
        let text = error.to_string();
        assert_eq!(text, "bad.yaml: line 4, column 18: not valid YAML or JSON: unclosed bracket '['");
    }
}
