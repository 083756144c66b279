//! Helm charts rendered through a real `helm template`: Helm's engine from the PyPI package
//! `helm-python-sdk`, behind the `helm`-compatible wrapper in `tests/helm-wrapper/helm`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use ferry_render::helm::{HelmError, HelmFileParameter, HelmOptions, HelmParameter, HelmProgram};
use ferry_render::{RenderError, RenderedObject, SourceFile, helm};
use serde_json::{Value, json};

fn wrapper() -> HelmProgram {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm-wrapper/helm");
    HelmProgram::new(path.to_string_lossy())
}

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile { path: path.to_owned(), contents: text.as_bytes().to_vec() }
}

const CONFIG_MAP: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "demo.name" . }}
  namespace: {{ .Release.Namespace }}
data:
  greeting: {{ .Values.greeting | quote }}
  replicas: {{ .Values.replicas | quote }}
  tag: {{ .Values.image.tag | quote }}
  extra: {{ .Values.extra | default "none" | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  hasFoo: {{ .Capabilities.APIVersions.Has "foo.example.com/v1" | quote }}
"#;

const HOOK: &str = r#"apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-1"
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: busybox}]
"#;

const TEST_HOOK: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
spec:
  containers: [{name: t, image: busybox}]
"#;

const CRD: &str =
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: foos.example.com\n";

/// A repository holding the chart `charts/demo` and environment values in `envs/`.
fn repository() -> Vec<SourceFile> {
    vec![
        file("charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
        file("charts/demo/values.yaml", "greeting: hello\nreplicas: 1\nimage:\n  tag: v1\n"),
        file("charts/demo/templates/_helpers.tpl", "{{- define \"demo.name\" -}}{{ .Release.Name }}-cm{{- end }}\n"),
        file("charts/demo/templates/configmap.yaml", CONFIG_MAP),
        file("charts/demo/templates/job.yaml", HOOK),
        file("charts/demo/templates/tests/test.yaml", TEST_HOOK),
        file("charts/demo/templates/NOTES.txt", "Installed {{ .Release.Name }}.\n"),
        file("charts/demo/crds/foo.yaml", CRD),
        file("charts/demo/files/extra.txt", "from a file"),
        file("envs/prod.yaml", "greeting: hi from prod\nimage:\n  tag: v2\n"),
        file("envs/broken.yaml", "greeting: [unclosed\n"),
    ]
}

fn options() -> HelmOptions {
    HelmOptions { release_name: "shop".into(), namespace: "prod".into(), ..HelmOptions::default() }
}

fn render(opts: &HelmOptions) -> Result<Vec<RenderedObject>, RenderError> {
    helm::render_chart(&repository(), "charts/demo", opts, &wrapper())
}

fn config_map(objects: &[RenderedObject]) -> &Value {
    &objects.iter().find(|o| o.object["kind"] == "ConfigMap").expect("a ConfigMap").object
}

fn kinds_and_files(objects: &[RenderedObject]) -> Vec<(String, String)> {
    objects.iter().map(|o| (o.object["kind"].as_str().unwrap_or_default().to_owned(), o.file.clone())).collect()
}

#[test]
fn a_chart_renders_with_crds_manifests_then_hooks_and_their_template_paths() {
    let objects = render(&options()).unwrap();
    assert_eq!(
        kinds_and_files(&objects),
        [
            ("CustomResourceDefinition".into(), "demo/crds/foo.yaml".into()),
            ("ConfigMap".into(), "demo/templates/configmap.yaml".into()),
            // Hooks follow the manifests, in Helm's install order of kinds (Pod before Job).
            ("Pod".into(), "demo/templates/tests/test.yaml".into()),
            ("Job".into(), "demo/templates/job.yaml".into()),
        ]
    );
    let cm = config_map(&objects);
    assert_eq!(cm["metadata"], json!({"name": "shop-cm", "namespace": "prod"}));
    assert_eq!(cm["data"]["greeting"], "hello");
    assert_eq!(cm["data"]["tag"], "v1");
    let job = &objects[3].object;
    assert_eq!(
        job["metadata"]["annotations"]["helm.sh/hook"], "pre-install,pre-upgrade",
        "hooks keep their annotations"
    );
}

#[test]
fn skip_crds_and_skip_tests_leave_those_objects_out() {
    let opts = HelmOptions { skip_crds: true, skip_tests: true, ..options() };
    let kinds: Vec<String> = kinds_and_files(&render(&opts).unwrap()).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["ConfigMap", "Job"]);
}

#[test]
fn values_apply_in_argo_cds_order() {
    let opts = HelmOptions {
        value_files: vec!["../../envs/prod.yaml".into()],
        values: Some("greeting: from values\nreplicas: 2\n".into()),
        parameters: vec![
            HelmParameter { name: "replicas".into(), value: "3".into(), force_string: false },
            HelmParameter { name: "image.tag".into(), value: "0123".into(), force_string: true },
        ],
        file_parameters: vec![HelmFileParameter { name: "extra".into(), path: "files/extra.txt".into() }],
        kube_version: Some("1.29.3".into()),
        api_versions: vec!["foo.example.com/v1".into()],
        ..options()
    };
    let objects = render(&opts).unwrap();
    let data = &config_map(&objects)["data"];
    assert_eq!(data["greeting"], "from values", "values win over valueFiles");
    assert_eq!(data["replicas"], "3", "parameters win over values");
    assert_eq!(data["tag"], "0123", "forceString keeps the leading zero");
    assert_eq!(data["extra"], "from a file");
    assert_eq!(data["kube"], "v1.29.3");
    assert_eq!(data["hasFoo"], "true");
}

#[test]
fn values_object_wins_over_values() {
    let opts = HelmOptions {
        values: Some("greeting: from values\n".into()),
        values_object: Some(json!({"greeting": "from valuesObject"})),
        ..options()
    };
    assert_eq!(config_map(&render(&opts).unwrap())["data"]["greeting"], "from valuesObject");
}

#[test]
fn a_template_error_is_reported_with_helms_message_and_the_chart() {
    let mut files = repository();
    files.push(file("charts/demo/templates/bad.yaml", "{{ required \"greeting2 is required\" .Values.greeting2 }}\n"));
    let err = helm::render_chart(&files, "charts/demo", &options(), &wrapper()).unwrap_err();
    let RenderError::Helm(HelmError::Failed { chart, stderr, .. }) = &err else { panic!("{err}") };
    assert_eq!(chart, "charts/demo");
    assert!(stderr.contains("greeting2 is required"), "{stderr}");
    assert!(err.to_string().contains("charts/demo"), "{err}");
}

#[test]
fn an_invalid_values_file_is_named_and_helm_does_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("helm-ran");
    let spy = dir.path().join("helm");
    std::fs::write(&spy, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    make_executable(&spy);
    let opts = HelmOptions { value_files: vec!["../../envs/broken.yaml".into()], ..options() };
    let err =
        helm::render_chart(&repository(), "charts/demo", &opts, &HelmProgram::new(spy.to_string_lossy())).unwrap_err();
    assert!(
        matches!(&err, RenderError::Helm(HelmError::InvalidValues { file, .. }) if file == "envs/broken.yaml"),
        "{err}"
    );
    assert!(!marker.exists(), "helm must not run with a broken values file");
}

#[test]
fn values_files_leaving_the_repository_are_refused() {
    for bad in ["../../../secrets.yaml", "/etc/passwd", "https://example.com/values.yaml"] {
        let opts = HelmOptions { value_files: vec![bad.into()], ..options() };
        let err = render(&opts).unwrap_err();
        assert!(matches!(&err, RenderError::Helm(HelmError::UnsafePath { path, .. }) if path == bad), "{bad}: {err}");
    }
    let missing = HelmOptions { value_files: vec!["nope.yaml".into()], ..options() };
    assert!(matches!(render(&missing), Err(RenderError::Helm(HelmError::MissingFile { .. }))));
    let ignored = HelmOptions { ignore_missing_value_files: true, ..missing };
    assert!(render(&ignored).is_ok());
    let escaping_chart = helm::render_chart(&repository(), "../charts/demo", &options(), &wrapper()).unwrap_err();
    assert!(matches!(escaping_chart, RenderError::UnsafePath { .. }), "{escaping_chart}");
}

#[test]
fn without_a_helm_program_the_error_says_so() {
    let missing = HelmProgram::new("/nonexistent/bin/helm");
    let err = helm::render_chart(&repository(), "charts/demo", &options(), &missing).unwrap_err();
    assert!(err.to_string().contains("the `helm` program is required to render Helm charts"), "{err}");
}

/// A Helm chart repository (index.yaml + the packaged chart) served on 127.0.0.1.
struct ChartRepository {
    server: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for ChartRepository {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

fn serve_chart_repository() -> ChartRepository {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("src/demo");
    for f in repository().iter().filter(|f| f.path.starts_with("charts/demo/")) {
        let target = chart.join(f.path.trim_start_matches("charts/demo/"));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, &f.contents).unwrap();
    }
    let served = dir.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let package = "import sys, helm_python as h\nwith h.Chart.load(sys.argv[1]) as c: c.save(sys.argv[2])\n\
                   h.repo_index_generate(sys.argv[2])\n";
    let status = Command::new("python3").args(["-c", package]).arg(&chart).arg(&served).status().unwrap();
    assert!(status.success(), "packaging the chart with helm-python-sdk");
    let mut server = Command::new("python3")
        .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory"])
        .arg(&served)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.split(" port ").nth(1).and_then(|rest| rest.split_whitespace().next()).expect("the port");
    ChartRepository { server, url: format!("http://127.0.0.1:{port}"), _dir: dir }
}

#[test]
fn a_chart_from_a_helm_repository_renders_at_its_version() {
    let repo = serve_chart_repository();
    let opts = HelmOptions { values_object: Some(json!({"greeting": "remote"})), skip_crds: true, ..options() };
    let objects = helm::render_remote_chart(&repo.url, "demo", "0.1.0", &opts, &wrapper()).unwrap();
    assert_eq!(config_map(&objects)["data"]["greeting"], "remote");
    assert_eq!(objects[0].file, "demo/templates/configmap.yaml");
    let err = helm::render_remote_chart(&repo.url, "demo", "9.9.9", &opts, &wrapper()).unwrap_err();
    assert!(matches!(err, RenderError::Helm(HelmError::Failed { .. })), "{err}");
    let files = HelmOptions { value_files: vec!["values-prod.yaml".into()], ..options() };
    let err = helm::render_remote_chart(&repo.url, "demo", "0.1.0", &files, &wrapper()).unwrap_err();
    assert!(matches!(err, RenderError::Helm(HelmError::InvalidOption { .. })), "{err}");
}

fn make_executable(path: &PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
