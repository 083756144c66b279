//! The private work directory `helm` runs in: the chart directory and the values files it
//! needs, copied out of the repository, and inline values written beside them.
//!
//! Only files the caller passed are written, as regular files, so helm never sees a symlink or
//! a path outside the repository. Values files are confined to the repository (no `..` out of
//! it, no absolute paths, no URLs — Argo CD CVE-2022-24348) and must parse as YAML maps before
//! helm runs, so a broken file is reported by name.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use super::error::HelmError;
use super::options::{HelmOptions, InlineValues, PreparedFiles, inline_values};
use crate::directory::{MAX_FILE_BYTES, SourceFile};
use crate::documents;
use crate::path;

/// A temporary directory removed when dropped; `repo/` mirrors the repository paths written.
pub(crate) struct Workspace {
    dir: TempDir,
    chart: String,
}

impl Workspace {
    /// An empty work directory for the chart `chart` (used in error messages).
    pub fn new(chart: &str) -> Result<Workspace, HelmError> {
        let dir = tempfile::Builder::new().prefix("ferry-helm-").tempdir().map_err(|e| HelmError::Io {
            chart: chart.to_owned(),
            message: format!("cannot create a work directory: {e}"),
        })?;
        Ok(Workspace { dir, chart: chart.to_owned() })
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Where the repository file `repo_path` is written.
    pub fn repo_path(&self, repo_path: &str) -> PathBuf {
        self.dir.path().join("repo").join(repo_path)
    }

    /// Writes every file below `chart_dir` (normalised, repository-relative); fails when there is none.
    pub fn write_chart(&self, files: &[SourceFile], chart_dir: &str) -> Result<(), HelmError> {
        let mut found = false;
        for file in files {
            if path::relative_to(&file.path, chart_dir).is_none() {
                continue;
            }
            self.check_repo_path(&file.path, "chart file")?;
            self.write(&file.path, &file.contents)?;
            found = true;
        }
        if found { Ok(()) } else { Err(HelmError::ChartNotFound { chart: self.chart.clone() }) }
    }

    /// Writes the values files, the inline values and the `--set-file` files; returns their
    /// absolute paths in the order helm takes them.
    pub fn write_values(
        &self,
        files: &[SourceFile],
        chart_dir: &str,
        opts: &HelmOptions,
    ) -> Result<PreparedFiles, HelmError> {
        let mut values = Vec::new();
        for rel in &opts.value_files {
            let Some(file) = self.find(files, chart_dir, rel, "valueFiles", opts.ignore_missing_value_files)? else {
                continue;
            };
            check_values_text(&self.chart, &file.path, &file.contents)?;
            values.push(self.write(&file.path, &file.contents)?);
        }
        if let Some(inline) = inline_values(opts) {
            values.push(self.write_inline(inline)?);
        }
        let mut set_files = Vec::new();
        for parameter in &opts.file_parameters {
            let field = format!("fileParameters[{}].path", parameter.name);
            let Some(file) = self.find(files, chart_dir, &parameter.path, &field, false)? else { continue };
            let written = self.write(&file.path, &file.contents)?;
            let mut expression = OsString::from(format!("{}=", parameter.name));
            expression.push(written);
            set_files.push(expression);
        }
        Ok(PreparedFiles { values, set_files })
    }

    /// The repository file `rel` (relative to the chart directory), confined to the repository.
    fn find<'f>(
        &self,
        files: &'f [SourceFile],
        chart_dir: &str,
        rel: &str,
        field: &str,
        ignore_missing: bool,
    ) -> Result<Option<&'f SourceFile>, HelmError> {
        let refuse = |reason: &str| HelmError::UnsafePath {
            chart: self.chart.clone(),
            field: field.to_owned(),
            path: rel.to_owned(),
            reason: reason.to_owned(),
        };
        if rel.contains("://") {
            return Err(refuse("remote values files are not fetched; keep values in the repository"));
        }
        if rel.starts_with('/') || rel.contains('\\') || rel.contains('\0') {
            return Err(refuse("absolute paths leave the repository; use a path relative to the chart"));
        }
        if rel.starts_with('$') {
            return Err(refuse("`$ref` values files of multi-source Applications are not supported"));
        }
        let repo_path = crate::path::join(chart_dir, rel).ok_or_else(|| refuse("the path leaves the repository"))?;
        match files.iter().find(|f| f.path == repo_path) {
            Some(file) => Ok(Some(file)),
            None if ignore_missing => Ok(None),
            None => {
                Err(HelmError::MissingFile { chart: self.chart.clone(), field: field.to_owned(), path: rel.to_owned() })
            }
        }
    }

    fn write_inline(&self, inline: InlineValues<'_>) -> Result<OsString, HelmError> {
        let text = match inline {
            InlineValues::Yaml(text) => {
                check_values_text(&self.chart, "values", text.as_bytes())?;
                text.to_owned()
            }
            InlineValues::Object(object) => {
                if !object.is_object() {
                    return Err(HelmError::InvalidValues {
                        chart: self.chart.clone(),
                        file: "valuesObject".into(),
                        message: "expected a map of values".into(),
                    });
                }
                // JSON is YAML: helm reads it as written.
                object.to_string()
            }
        };
        let path = self.dir.path().join("inline-values.yaml");
        std::fs::write(&path, text).map_err(|e| self.io("inline-values.yaml", &e))?;
        Ok(path.into_os_string())
    }

    fn check_repo_path(&self, repo_path: &str, field: &str) -> Result<(), HelmError> {
        path::check(repo_path).map_err(|_| HelmError::UnsafePath {
            chart: self.chart.clone(),
            field: field.to_owned(),
            path: repo_path.to_owned(),
            reason: "the path leaves the repository".into(),
        })
    }

    fn write(&self, repo_path: &str, contents: &[u8]) -> Result<OsString, HelmError> {
        self.check_repo_path(repo_path, "file")?;
        if contents.len() > MAX_FILE_BYTES {
            return Err(HelmError::Io {
                chart: self.chart.clone(),
                message: format!("{repo_path}: the file is larger than the limit of {MAX_FILE_BYTES} bytes"),
            });
        }
        let target = self.repo_path(repo_path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| self.io(repo_path, &e))?;
        }
        std::fs::write(&target, contents).map_err(|e| self.io(repo_path, &e))?;
        Ok(target.into_os_string())
    }

    fn io(&self, what: &str, e: &std::io::Error) -> HelmError {
        HelmError::Io { chart: self.chart.clone(), message: format!("{what}: {e}") }
    }
}

/// Helm values must be UTF-8 YAML whose (single) document is a map, or empty.
pub(crate) fn check_values_text(chart: &str, file: &str, contents: &[u8]) -> Result<(), HelmError> {
    let invalid =
        |message: String| HelmError::InvalidValues { chart: chart.to_owned(), file: file.to_owned(), message };
    let text = std::str::from_utf8(contents).map_err(|_| invalid("not UTF-8 text".into()))?;
    let docs = documents::parse(file.trim_end_matches(".json"), text).map_err(|e| invalid(e.to_string()))?;
    match docs.first().map(|d| &d.value) {
        None | Some(Value::Object(_)) => Ok(()),
        Some(other) => Err(invalid(format!("expected a map of values, found {}", kind_name(other)))),
    }
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null | Value::Object(_) => "nothing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile { path: path.into(), contents: text.as_bytes().to_vec() }
    }

    #[test]
    fn values_files_stay_in_the_repository() {
        let ws = Workspace::new("charts/app").unwrap();
        let files = [file("charts/app/Chart.yaml", "name: app\n"), file("envs/prod.yaml", "a: 1\n")];
        let opts = |value_files: &[&str]| HelmOptions {
            value_files: value_files.iter().map(|s| (*s).into()).collect(),
            ..HelmOptions::default()
        };
        let prepared = ws.write_values(&files, "charts/app", &opts(&["../../envs/prod.yaml"])).unwrap();
        assert_eq!(prepared.values, [ws.repo_path("envs/prod.yaml").into_os_string()]);
        for bad in ["../../../etc/passwd", "/etc/passwd", "https://example.com/v.yaml", "$ref/v.yaml"] {
            let err = ws.write_values(&files, "charts/app", &opts(&[bad])).err().unwrap();
            assert!(matches!(&err, HelmError::UnsafePath { path, .. } if path == bad), "{bad}: {err}");
        }
        let err = ws.write_values(&files, "charts/app", &opts(&["missing.yaml"])).err().unwrap();
        assert!(matches!(err, HelmError::MissingFile { .. }), "{err}");
        let ignoring = HelmOptions { ignore_missing_value_files: true, ..opts(&["missing.yaml"]) };
        assert!(ws.write_values(&files, "charts/app", &ignoring).unwrap().values.is_empty());
    }

    #[test]
    fn invalid_values_are_named_before_helm_runs() {
        let err = check_values_text("c", "envs/bad.yaml", b"a: [1,\n").unwrap_err();
        assert!(matches!(&err, HelmError::InvalidValues { file, .. } if file == "envs/bad.yaml"), "{err}");
        assert!(check_values_text("c", "v.yaml", b"- 1\n").is_err(), "a list is not values");
        assert!(check_values_text("c", "v.yaml", b"# only a comment\n").is_ok());
    }
}
