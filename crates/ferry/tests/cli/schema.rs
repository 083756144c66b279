//! `ferry schema validate` through the real binary: directories, files and stdin; CRDs found
//! among the inputs or given with `--crds`; text and JSON output; exit codes 0 (valid),
//! 1 (a violation), 2 (could not run: bad YAML, unknown version).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry")).args(args).output().expect("running ferry")
}

fn ferry_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting ferry");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("writing stdin");
    child.wait_with_output().expect("running ferry")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating a directory");
    std::fs::write(path, text).expect("writing a file");
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
";

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: backups.example.com}
spec:
  group: example.com
  names: {kind: Backup, plural: backups}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [schedule]
            properties:
              schedule: {type: string}
              keep: {type: integer, minimum: 1}
";

/// A directory of valid manifests (nested, with a CRD and its custom resource, a JSON file and
/// a List) passes with exit 0; files that are not manifests are not read.
#[test]
fn a_valid_directory_passes() {
    let dir = tempfile::tempdir().expect("a temp dir");
    write(
        &dir.path().join("apps/web.yaml"),
        &format!(
            "{DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{ports: [{{port: 80}}]}}\n"
        ),
    );
    write(&dir.path().join("crds/backup.yaml"), CRD);
    write(
        &dir.path().join("backups/nightly.yml"),
        "apiVersion: example.com/v1\nkind: Backup\nmetadata: {name: nightly}\nspec: {schedule: '@daily', keep: 7}\n",
    );
    write(
        &dir.path().join("config.json"),
        r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]}"#,
    );
    write(&dir.path().join("README.md"), "not: [a manifest\n");
    let out = ferry(&["schema", "validate", "--strict", "--summary", arg(dir.path())]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert_eq!(stdout, "Summary: 5 resources found in 4 files - Valid: 5, Invalid: 0, Skipped: 0\n");
}

/// Violations are printed one per line with file, object, document, line and field; unknown
/// fields count only with --strict; the exit code is 1.
#[test]
fn violations_name_file_object_document_line_and_field() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("deploy.yaml");
    let broken = DEPLOYMENT.replace("replicas: 2", "replicas: \"2\"\n  paused: 'false'\n  replicaz: 1");
    write(&file, &format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: shop}}\n---\n# the app\n{broken}"));
    let out = ferry(&["schema", "validate", arg(&file)]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let at = format!("{}: Deployment/web (document 2, line 6)", file.display());
    assert_eq!(
        stdout,
        format!("{at}: spec.replicas: expected integer, got string\n{at}: spec.paused: expected boolean, got string\n")
    );

    let strict = ferry(&["schema", "validate", "--strict", arg(&file)]);
    assert!(
        text(&strict.stdout).contains(&format!("{at}: spec.replicaz: unknown field\n")),
        "{}",
        text(&strict.stdout)
    );
    let skipped = ferry(&["schema", "validate", "--skip", "Namespace,apps/v1/Deployment", "--summary", arg(&file)]);
    assert_eq!(skipped.status.code(), Some(0));
    assert!(text(&skipped.stdout).contains("Valid: 0, Invalid: 0, Skipped: 2"), "{}", text(&skipped.stdout));
}

/// Bad YAML stops the run with exit 2 and names the file and line; so does an unknown version.
#[test]
fn bad_yaml_and_unknown_versions_cannot_run() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("bad.yaml");
    write(&file, &format!("{DEPLOYMENT}---\napiVersion: v1\nkind: ConfigMap\ndata: {{a: [unclosed\n"));
    let out = ferry(&["schema", "validate", arg(&file)]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let expected = format!("{}: line 14, column 11: not valid YAML or JSON: unclosed bracket '['", file.display());
    assert!(stderr.contains(&expected), "{stderr}");

    let out = ferry(&["schema", "validate", "--kubernetes-version", "1.12", arg(&file)]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no schemas for Kubernetes version \"1.12\"") && stderr.contains("1.25, 1.26"), "{stderr}");
}

/// `-o json` lists every object with its status and violations, and a summary.
#[test]
fn json_output_lists_every_object() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let crds = dir.path().join("crds.yaml");
    write(&crds, CRD);
    let file = dir.path().join("objects.yaml");
    write(
        &file,
        &format!(
            "{DEPLOYMENT}---\napiVersion: example.com/v1\nkind: Backup\nmetadata: {{name: b, namespace: ops}}\nspec: {{keep: 0}}\n"
        ),
    );
    let out = ferry(&["schema", "validate", "--crds", arg(&crds), "-o", "json", arg(&file)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(report["kubernetesVersion"], "1.32");
    assert_eq!(report["summary"]["valid"], 1);
    assert_eq!(report["summary"]["invalid"], 1);
    let backup = &report["resources"][1];
    assert_eq!((backup["kind"].as_str(), backup["namespace"].as_str()), (Some("Backup"), Some("ops")));
    assert_eq!((backup["document"].as_u64(), backup["line"].as_u64()), (Some(2), Some(12)));
    assert_eq!(backup["status"], "invalid");
    let problems: Vec<(&str, &str)> = backup["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| (v["field"].as_str().unwrap_or_default(), v["problem"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(problems, [("spec.schedule", "missingRequired"), ("spec.keep", "outOfRange")]);
    assert_eq!(report["resources"][0]["status"], "valid");
}

/// `-` reads stdin (a rendered set piped in), printed as `stdin`; a custom resource without
/// its CRD has no schema unless --ignore-missing-schemas.
#[test]
fn stdin_and_missing_schemas() {
    let input = format!("{DEPLOYMENT}---\napiVersion: example.com/v1\nkind: Backup\nmetadata: {{name: b}}\n");
    let out = ferry_stdin(&["schema", "validate", "--kubernetes-version", "v1.30.2", "-"], &input);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert_eq!(
        stdout,
        "stdin: Backup/b (document 2, line 12): no schema for example.com/v1 Backup in Kubernetes 1.30 or the registered CustomResourceDefinitions\n"
    );
    let out = ferry_stdin(&["schema", "validate", "--ignore-missing-schemas", "--summary", "-"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Valid: 1, Invalid: 0, Skipped: 1"), "{}", text(&out.stdout));
}

/// A CRD among the objects whose schema cannot be used is a violation of that CRD (exit 1) and
/// the other objects are still validated; the same CRD given with --crds stops the run (exit 2).
#[test]
fn a_crd_whose_schema_cannot_be_used() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("objects.yaml");
    let broken = CRD.replace("keep: {type: integer, minimum: 1}", "keep: {type: int}");
    write(&file, &format!("{broken}---\n{DEPLOYMENT}"));
    let out = ferry(&["schema", "validate", "-o", "json", arg(&file)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let crd = &report["resources"][0];
    assert_eq!(crd["violations"][0]["problem"], "invalidCrd");
    assert_eq!(
        crd["violations"][0]["field"],
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.keep.type"
    );
    assert_eq!(report["resources"][1]["status"], "valid");

    let crds = dir.path().join("crds.yaml");
    write(&crds, &broken);
    let out = ferry(&["schema", "validate", "--crds", arg(&crds), arg(&file)]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("CustomResourceDefinition backups.example.com: spec.versions[0]"), "{stderr}");
    assert!(stderr.contains(&format!("{} (document 1, line 1)", crds.display())), "{stderr}");
}
