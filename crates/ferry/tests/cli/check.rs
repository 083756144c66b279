//! `ferry check` on a real GitOps repository made with `git` in a temp dir: Applications in
//! `ferry/` pointing at Kustomize overlays of the same repository (by its `origin` URL), a
//! Gatekeeper library in `policies/`, a change on a branch, checked against `main` as a pull
//! request would be. Reports are read back from the files CI would upload.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::harness::git;

/// A GitHub classic token, matched by the default rules.
const TOKEN: &str = "ghp_8fK2mQ9xLp3vR7tY1wZ5nB4cD6hJ0sGaE2uV";
const ORIGIN: &str = "https://git.example.com/platform/gitops.git";

fn ferry(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(cwd)
        .env_remove("GITLEAKS_CONFIG")
        .env_remove("GITLEAKS_CONFIG_TOML")
        .env_remove("FERRY_CONFIG")
        .env("FERRY_STATE_DIR", cwd.join(".git/ferry-state"))
        .stdin(Stdio::null())
        .output()
        .expect("running ferry")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating a directory");
    std::fs::write(path, text).expect("writing a file");
}

fn commit_all(repo: &Path, message: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn application(name: &str, path: &str, cluster: &str, environment: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  labels:\n    ferry.dev/environment: {environment}\nspec:\n  project: default\n  source:\n    repoURL: {ORIGIN}\n    path: {path}\n    targetRevision: main\n  destination:\n    name: {cluster}\n    namespace: shop\n"
    )
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    team: shop\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: registry.example.com/shop/api:1.4.2\n        ports:\n        - containerPort: 8080\n";

const REQUIRED_LABELS: &str = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: k8srequiredlabels\nspec:\n  crd:\n    spec:\n      names:\n        kind: K8sRequiredLabels\n  targets:\n  - target: admission.k8s.gatekeeper.sh\n    rego: |\n      package k8srequiredlabels\n      violation[{\"msg\": msg}] {\n        provided := {label | input.review.object.metadata.labels[label]}\n        required := {label | label := input.parameters.labels[_]}\n        missing := required - provided\n        count(missing) > 0\n        msg := sprintf(\"you must provide labels: %v\", [missing])\n      }\n---\napiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n  name: deployments-need-team\nspec:\n  match:\n    kinds:\n    - apiGroups: [apps]\n      kinds: [Deployment]\n  parameters:\n    labels: [team]\n";

/// `main`: a base with a Deployment, dev and prod overlays, one Application each, a policy.
fn gitops_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let repo = tmp.path();
    git(repo, &["init", "-q", "-b", "main"]);
    git(repo, &["remote", "add", "origin", ORIGIN]);
    write(
        &repo.join("ferry/apps.yaml"),
        &format!(
            "{}---\n{}",
            application("web-dev", "overlays/dev", "dev", "dev"),
            application("web-prod", "overlays/prod", "prod", "production")
        ),
    );
    write(&repo.join("base/deployment.yaml"), DEPLOYMENT);
    write(&repo.join("base/kustomization.yaml"), "resources:\n- deployment.yaml\n");
    write(&repo.join("overlays/dev/kustomization.yaml"), "resources:\n- ../../base\n");
    write(
        &repo.join("overlays/prod/kustomization.yaml"),
        "resources:\n- ../../base\nreplicas:\n- name: web\n  count: 3\n",
    );
    write(&repo.join("policies/required-labels.yaml"), REQUIRED_LABELS);
    commit_all(repo, "initial");
    git(repo, &["checkout", "-q", "-b", "change"]);
    tmp
}

/// A change that scales prod, adds a Deployment without the required label and with a bad
/// port to dev, and commits a token (then removes it): every gate finds its problem, each
/// pointing at the file, and the reports say so without ever printing the token.
#[test]
fn a_pull_request_with_problems_in_every_gate_fails_with_located_findings() {
    let tmp = gitops_repo();
    let repo = tmp.path();
    write(
        &repo.join("overlays/prod/kustomization.yaml"),
        "resources:\n- ../../base\nreplicas:\n- name: web\n  count: 5\n",
    );
    let worker = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  selector:\n    matchLabels: {app: worker}\n  template:\n    metadata:\n      labels: {app: worker}\n    spec:\n      containers:\n      - name: worker\n        image: busybox:1.36\n        ports:\n        - containerPort: eighty\n";
    write(&repo.join("overlays/dev/worker.yaml"), worker);
    write(&repo.join("overlays/dev/kustomization.yaml"), "resources:\n- ../../base\n- worker.yaml\n");
    write(&repo.join("ci.env"), &format!("GITHUB_TOKEN={TOKEN}\n"));
    commit_all(repo, "scale prod, add a worker");
    std::fs::remove_file(repo.join("ci.env")).expect("removing the token file");
    commit_all(repo, "oops, remove the token");

    let out = ferry(
        repo,
        &["check", "--base", "main", "--markdown", "check.md", "--sarif", "check.sarif", "--junit", "check.xml"],
    );
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    let markdown = std::fs::read_to_string(repo.join("check.md")).expect("the Markdown summary");
    let sarif_text = std::fs::read_to_string(repo.join("check.sarif")).expect("the SARIF report");
    let junit = std::fs::read_to_string(repo.join("check.xml")).expect("the JUnit report");
    for output in [&printed, &markdown, &sarif_text, &junit] {
        assert!(!output.contains(TOKEN) && !output.contains("8fK2mQ9x"), "the token leaked:\n{output}");
    }

    assert!(markdown.starts_with("## ❌ ferry check failed"), "{markdown}");
    assert!(markdown.contains("| `web-prod` | production | changed (1 objects)"), "{markdown}");
    assert!(markdown.contains("-  replicas: 3") && markdown.contains("+  replicas: 5"), "{markdown}");
    assert!(markdown.contains("# added Deployment shop/worker"), "{markdown}");

    let sarif: Value = serde_json::from_str(&sarif_text).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let located = |rule_prefix: &str| -> Vec<(String, u64)> {
        results
            .iter()
            .filter(|r| r["ruleId"].as_str().is_some_and(|id| id.starts_with(rule_prefix)))
            .map(|r| {
                let at = &r["locations"][0]["physicalLocation"];
                (
                    at["artifactLocation"]["uri"].as_str().unwrap_or("").to_owned(),
                    at["region"]["startLine"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(
        located("policy/K8sRequiredLabels/deployments-need-team"),
        vec![("overlays/dev/worker.yaml".to_owned(), 2)],
        "{sarif_text}"
    );
    assert_eq!(located("schema/"), vec![("overlays/dev/worker.yaml".to_owned(), 2)], "{sarif_text}");
    assert_eq!(located("secrets/"), vec![("ci.env".to_owned(), 1)], "{sarif_text}");
    assert!(results.iter().all(|r| r["level"] == "error"), "{sarif_text}");

    assert!(junit.contains("<testsuite name=\"policy\" tests=\"2\" failures=\"1\">"), "{junit}");
    assert!(junit.contains("<testcase classname=\"ferry.policy\" name=\"web-prod\"/>"), "{junit}");
    assert!(junit.contains("<testsuite name=\"secrets\" tests=\"1\" failures=\"1\">"), "{junit}");
}

/// Uncommitted edits are part of the head; a clean change passes, and prod's diff shows them.
#[test]
fn the_working_tree_is_the_head_and_a_clean_change_passes() {
    let tmp = gitops_repo();
    let repo = tmp.path();
    write(
        &repo.join("overlays/prod/kustomization.yaml"),
        "resources:\n- ../../base\nreplicas:\n- name: web\n  count: 4\n",
    );
    let out = ferry(repo, &["check", "--base", "main", "--diff", "-o", "text"]);
    let printed = text(&out);
    assert_eq!(out.status.code(), Some(0), "{printed}");
    assert!(printed.contains("web-prod") && printed.contains("+  replicas: 4"), "{printed}");
    assert!(printed.contains("ferry check passed (2 applications, 0 warnings)"), "{printed}");

    let out = ferry(repo, &["check", "--base", "main", "-o", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let change = |name: &str| {
        report["applications"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap()["change"].clone()
    };
    assert_eq!(change("web-dev"), "unchanged");
    assert_eq!(change("web-prod"), "changed");
    assert_eq!(report["passed"], true);
    let gates: Vec<&str> = report["gates"].as_array().unwrap().iter().filter_map(|g| g["gate"].as_str()).collect();
    assert_eq!(gates, vec!["policy", "schema", "secrets"]);
}

/// The vulnerability gate applies each report to the Applications deploying its image, with
/// the thresholds of each one's environment: production fails on a fixable CRITICAL, dev passes.
#[test]
fn vulnerability_thresholds_apply_per_environment() {
    let tmp = gitops_repo();
    let repo = tmp.path();
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-gates/testdata/vuln");
    let policy = "apiVersion: ferry.dev/v1alpha1\nkind: VulnerabilityPolicy\nmetadata:\n  name: shop\nspec:\n  environments:\n    production: {maxCritical: 0, fixableOnly: true}\n    dev: {}\n";
    write(&repo.join("vuln-policy.yaml"), policy);
    let report = testdata.join("trivy-image.json");
    let args = [
        "check",
        "--no-secrets",
        "--vuln-policy",
        "vuln-policy.yaml",
        "--vuln-report",
        report.to_str().unwrap(),
        "--today",
        "2026-01-01",
        "-o",
        "json",
    ];
    let out = ferry(repo, &args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let findings: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["gate"] == "vulnerabilities")
        .map(|f| (f["application"].as_str().unwrap().to_owned(), f["rule"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(findings, vec![("web-prod".to_owned(), "maxCritical".to_owned())]);
}

/// A symlink leaving the repository is refused, as Argo CD refuses a repository holding one: every
/// Kustomize Application of it fails to render, each a blocking finding at its manifest, and the
/// outside file is never read; a bad base or control folder cannot run (2); a bad Application
/// manifest is a finding naming its file and field.
#[test]
fn bad_input_is_reported_with_what_and_where() {
    let tmp = gitops_repo();
    let repo = tmp.path();
    let outside = tempfile::tempdir().expect("a temp dir");
    write(&outside.path().join("secret.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stolen\n");
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), repo.join("overlays/dev/stolen.yaml"))
        .expect("a symlink");
    write(&repo.join("overlays/dev/kustomization.yaml"), "resources:\n- ../../base\n- stolen.yaml\n");
    let out = ferry(repo, &["check", "--base", "main", "--no-secrets", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let render: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["gate"] == "render").collect();
    let apps: Vec<&str> = render.iter().filter_map(|f| f["application"].as_str()).collect();
    assert_eq!(apps, vec!["web-dev", "web-prod"], "{report:#}");
    for finding in render {
        assert!(finding["message"].as_str().unwrap().contains("points outside the repository"), "{report:#}");
        assert_eq!(finding["location"]["file"], "ferry/apps.yaml");
    }
    assert!(!String::from_utf8_lossy(&out.stdout).contains("stolen\n"), "the outside file was read");

    let out = ferry(repo, &["check", "--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no-such-branch"), "{}", text(&out));

    let out = ferry(repo, &["--config", "nowhere", "check"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no control folder nowhere"), "{}", text(&out));

    write(
        &repo.join("ferry/broken.yaml"),
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: broken\nspec:\n  sourc: {}\n",
    );
    let out = ferry(repo, &["check", "--no-secrets", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let config = &report["findings"][0];
    assert_eq!(config["rule"], "config", "{report:#}");
    assert_eq!(config["location"]["file"], "ferry/broken.yaml", "{report:#}");
    assert!(config["message"].as_str().unwrap().contains("sourc"), "{report:#}");
}
