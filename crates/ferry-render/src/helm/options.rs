//! Argo CD's `spec.source.helm`, and the `helm template` flags it becomes.
//!
//! Argo CD passes values in this order, later winning: `valueFiles` (in order), then `values`
//! or `valuesObject` (written to a file; `valuesObject` wins when both are set), then
//! `parameters` as `--set`/`--set-string` and `fileParameters` as `--set-file`. CRDs are
//! included unless `skipCrds`.

use std::ffi::OsString;

use serde_json::Value;

/// `spec.source.helm` of an Application, with its defaults already filled in by the caller.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelmOptions {
    /// The release name (Argo CD: `releaseName`, else the Application's name).
    pub release_name: String,
    /// The release namespace (Argo CD: `namespace`, else the destination namespace); empty
    /// leaves helm's default.
    pub namespace: String,
    /// Values files, relative to the chart directory; they must stay inside the repository.
    pub value_files: Vec<String>,
    /// Skip `value_files` that do not exist instead of failing.
    pub ignore_missing_value_files: bool,
    /// Values as a YAML string.
    pub values: Option<String>,
    /// Values as an object; wins over `values`.
    pub values_object: Option<Value>,
    /// `--set` / `--set-string` values.
    pub parameters: Vec<HelmParameter>,
    /// `--set-file` values, read from files of the repository.
    pub file_parameters: Vec<HelmFileParameter>,
    /// Leave the chart's `crds/` out (otherwise `--include-crds`).
    pub skip_crds: bool,
    /// Leave test hooks out (`--skip-tests`).
    pub skip_tests: bool,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`, each.
    pub api_versions: Vec<String>,
}

/// `parameters[]`: `--set name=value`, or `--set-string` with `forceString`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmParameter {
    pub name: String,
    pub value: String,
    pub force_string: bool,
}

/// `fileParameters[]`: `--set-file name=path` (the path relative to the chart directory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmFileParameter {
    pub name: String,
    pub path: String,
}

/// Files prepared in the work directory, as absolute paths for helm.
pub(crate) struct PreparedFiles {
    /// `-f` files: the value files, then the `values`/`valuesObject` file.
    pub values: Vec<OsString>,
    /// `--set-file` expressions `name=path`.
    pub set_files: Vec<OsString>,
}

/// The flags after `template NAME CHART`.
pub(crate) fn template_flags(opts: &HelmOptions, files: &PreparedFiles) -> Vec<OsString> {
    let mut args: Vec<OsString> = Vec::new();
    let mut flag = |name: &str, value: OsString| {
        args.push(name.into());
        args.push(value);
    };
    if !opts.namespace.is_empty() {
        flag("--namespace", opts.namespace.clone().into());
    }
    for file in &files.values {
        flag("--values", file.clone());
    }
    for p in &opts.parameters {
        let name = if p.force_string { "--set-string" } else { "--set" };
        flag(name, format!("{}={}", p.name, p.value).into());
    }
    for expression in &files.set_files {
        flag("--set-file", expression.clone());
    }
    if let Some(version) = opts.kube_version.as_deref().filter(|v| !v.is_empty()) {
        flag("--kube-version", version.into());
    }
    for api in &opts.api_versions {
        flag("--api-versions", api.into());
    }
    if !opts.skip_crds {
        args.push("--include-crds".into());
    }
    if opts.skip_tests {
        args.push("--skip-tests".into());
    }
    if opts.skip_schema_validation {
        args.push("--skip-schema-validation".into());
    }
    args
}

/// The inline values to write as a values file: `valuesObject` wins over `values`.
pub(crate) fn inline_values(opts: &HelmOptions) -> Option<InlineValues<'_>> {
    if let Some(object) = &opts.values_object {
        return Some(InlineValues::Object(object));
    }
    opts.values.as_deref().filter(|v| !v.trim().is_empty()).map(InlineValues::Yaml)
}

/// `values` (YAML text) or `valuesObject` (already a value).
pub(crate) enum InlineValues<'a> {
    Yaml(&'a str),
    Object(&'a Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn flags_follow_argo_cds_order() {
        let opts = HelmOptions {
            release_name: "r".into(),
            namespace: "ns".into(),
            parameters: vec![
                HelmParameter { name: "a".into(), value: "1".into(), force_string: false },
                HelmParameter { name: "b".into(), value: "2".into(), force_string: true },
            ],
            kube_version: Some("1.30.0".into()),
            api_versions: vec!["x/v1".into()],
            skip_tests: true,
            ..HelmOptions::default()
        };
        let files = PreparedFiles { values: vec!["/w/v.yaml".into()], set_files: vec!["c=/w/c.txt".into()] };
        assert_eq!(
            strings(&template_flags(&opts, &files)),
            [
                "--namespace",
                "ns",
                "--values",
                "/w/v.yaml",
                "--set",
                "a=1",
                "--set-string",
                "b=2",
                "--set-file",
                "c=/w/c.txt",
                "--kube-version",
                "1.30.0",
                "--api-versions",
                "x/v1",
                "--include-crds",
                "--skip-tests"
            ]
        );
        let skip = HelmOptions { skip_crds: true, ..HelmOptions::default() };
        let none = PreparedFiles { values: vec![], set_files: vec![] };
        assert!(!strings(&template_flags(&skip, &none)).contains(&"--include-crds".to_owned()));
    }

    #[test]
    fn values_object_wins_over_values() {
        let both = HelmOptions {
            values: Some("a: 1".into()),
            values_object: Some(serde_json::json!({"a": 2})),
            ..HelmOptions::default()
        };
        assert!(matches!(inline_values(&both), Some(InlineValues::Object(_))));
        let blank = HelmOptions { values: Some("  \n".into()), ..HelmOptions::default() };
        assert!(inline_values(&blank).is_none());
    }
}
