//! `ferry scan secrets` driven as gitleaks is: real Git repositories made with `git` in temp
//! dirs, directories, stdin, report files; exit codes 0 (clean), 1 or `--exit-code` (leaks),
//! 2 (could not run).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::harness::git;

/// A GitHub classic token: `ghp_` and 36 characters, matched by the default rules.
const TOKEN: &str = "ghp_8fK2mQ9xLp3vR7tY1wZ5nB4cD6hJ0sGaE2uV";
/// A second token, for "a new leak next to a known one".
const OTHER_TOKEN: &str = "ghp_Zq7Wm2Kx9Lp4Rt6Yv1Bn3Cd5Fg8Hj0Ks2Ml4";

/// `ferry scan secrets ARGS` run in `cwd`, with no gitleaks configuration from the environment.
fn ferry_scan(cwd: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
    cmd.args(["scan", "secrets"]).args(args).current_dir(cwd);
    cmd.env_remove("GITLEAKS_CONFIG").env_remove("GITLEAKS_CONFIG_TOML");
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("running ferry");
    if let Some(text) = stdin {
        child.stdin.take().expect("a stdin pipe").write_all(text.as_bytes()).expect("writing stdin");
    }
    child.wait_with_output().expect("waiting for ferry")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating a directory");
    std::fs::write(path, text).expect("writing a file");
}

fn commit_all(repo: &Path, message: &str) -> String {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
    git(repo, &["rev-parse", "HEAD"])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn report(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("the report file");
    serde_json::from_str(&text).expect("a JSON array of findings")
}

/// A repository whose second commit of three adds a token and whose third removes it.
fn repo_with_removed_secret() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    write(&repo.join("README.md"), "# app\n");
    commit_all(repo, "start");
    write(&repo.join("config/app.env"), &format!("LOG_LEVEL=info\nGITHUB_TOKEN={TOKEN}\n"));
    let leaking = commit_all(repo, "add CI settings");
    write(&repo.join("config/app.env"), "LOG_LEVEL=info\n");
    commit_all(repo, "drop the token");
    (tmp, leaking)
}

/// The token is gone from the files but not from history: the scan finds it in the commit that
/// added it, exits 1, prints no secret, and `--log-opts` can leave that commit out.
#[test]
fn a_secret_in_an_old_commit_is_found_with_its_commit() {
    let (tmp, leaking) = repo_with_removed_secret();
    let repo = tmp.path();
    let out = ferry_scan(repo, &["--report-path", "leaks.json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 leaks found"), "{}", stderr(&out));
    assert!(out.stdout.is_empty() && !stderr(&out).contains(TOKEN), "the secret must not reach the terminal");
    let findings = report(&repo.join("leaks.json"));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["Commit"], leaking.as_str());
    assert_eq!(findings[0]["File"], "config/app.env");
    assert_eq!(findings[0]["StartLine"], 2);
    assert_eq!(findings[0]["Secret"], TOKEN);
    assert_eq!(findings[0]["Message"], "add CI settings");
    assert_eq!(findings[0]["Fingerprint"], format!("{leaking}:config/app.env:github-pat:2"));

    let newest_only = ferry_scan(repo, &["--log-opts=-n 1"], None);
    assert_eq!(newest_only.status.code(), Some(0), "{}", stderr(&newest_only));
    assert!(stderr(&newest_only).contains("no leaks found"));
}

/// `--no-git` scans a plain directory as it is; without it a directory that is not a repository
/// cannot be scanned (exit 2).
#[test]
fn no_git_scans_the_files_of_a_directory() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(&tmp.path().join("deploy/values.yaml"), &format!("github:\n  token: {TOKEN}\n"));
    write(&tmp.path().join("deploy/clean.yaml"), "replicas: 3\n");
    let out = ferry_scan(tmp.path(), &["--no-git", "deploy", "--report-path", "-"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON report on stdout");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["File"], "deploy/values.yaml", "named by the given path, as gitleaks names them");
    assert_eq!(findings[0]["Commit"], "");
    assert!(stderr(&out).contains("(2 files)"), "{}", stderr(&out));

    let not_a_repo = ferry_scan(tmp.path(), &["deploy"], None);
    assert_eq!(not_a_repo.status.code(), Some(2), "{}", stderr(&not_a_repo));
    assert!(stderr(&not_a_repo).contains("git"), "{}", stderr(&not_a_repo));
}

/// `-` reads stdin; `--redact` keeps the secret out of the report and of the verbose output.
#[test]
fn stdin_is_scanned_and_redacted() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let input = format!("export GITHUB_TOKEN={TOKEN}\n");
    let out = ferry_scan(tmp.path(), &["-", "--redact", "-r", "-", "-v"], Some(&input));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let findings: Vec<Value> = serde_json::from_str(&stdout).expect("a JSON report on stdout");
    assert_eq!(findings[0]["RuleID"], "github-pat");
    assert_eq!(findings[0]["Secret"], "REDACTED");
    assert!(stderr(&out).contains("RuleID:      github-pat"), "{}", stderr(&out));
    assert!(!stdout.contains(TOKEN) && !stderr(&out).contains(TOKEN));

    let partly = ferry_scan(tmp.path(), &["-", "--redact=50", "-r", "-"], Some(&input));
    let findings: Vec<Value> = serde_json::from_slice(&partly.stdout).expect("a JSON report");
    assert_eq!(findings[0]["Secret"], format!("{}...", &TOKEN[..20]));

    let clean = ferry_scan(tmp.path(), &["-"], Some("nothing to see\n"));
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
}

/// A SARIF report file is SARIF 2.1.0 with one result naming the rule and the file; a `.xml`
/// report path gives JUnit.
#[test]
fn report_files_in_sarif_and_junit() {
    let (tmp, _) = repo_with_removed_secret();
    let out = ferry_scan(tmp.path(), &["--report-format", "sarif", "--report-path", "leaks.sarif"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(tmp.path().join("leaks.sarif")).expect("the SARIF file");
    let sarif: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "github-pat");
    assert!(text.contains("config/app.env"));

    let out = ferry_scan(tmp.path(), &["--report-path", "leaks.xml"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let junit = std::fs::read_to_string(tmp.path().join("leaks.xml")).expect("the JUnit file");
    assert!(junit.starts_with("<?xml") && junit.contains("<testsuite") && junit.contains("github-pat"), "{junit}");
}

/// A `.gitleaksignore` fingerprint given with `-i` suppresses its finding and only that one.
#[test]
fn a_gitleaksignore_fingerprint_suppresses_its_finding() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(&tmp.path().join("src/a.env"), &format!("TOKEN={TOKEN}\n"));
    write(&tmp.path().join("src/b.env"), &format!("TOKEN={OTHER_TOKEN}\n"));
    write(&tmp.path().join("ignores/.gitleaksignore"), "# reviewed: a test fixture\nsrc/a.env:github-pat:1\n");
    let out = ferry_scan(tmp.path(), &["--no-git", "src", "-i", "ignores", "-r", "-"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["File"], "src/b.env");
    assert!(stderr(&out).contains("1 suppressed"), "{}", stderr(&out));
}

/// Files over `--max-target-megabytes` are skipped, and the summary says so (with `-v`, which).
#[test]
fn large_files_are_skipped_and_reported() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let mut big = "x".repeat(2 * 1024 * 1024);
    big.push_str(&format!("\nTOKEN={TOKEN}\n"));
    write(&tmp.path().join("data/big.log"), &big);
    write(&tmp.path().join("data/small.txt"), "fine\n");
    let out = ferry_scan(tmp.path(), &["--no-git", "data", "--max-target-megabytes", "1", "-v"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 skipped (1 too large)"), "{}", stderr(&out));
    assert!(stderr(&out).contains("skipped data/big.log: too large"), "{}", stderr(&out));
    let unlimited = ferry_scan(tmp.path(), &["--no-git", "data", "--max-target-megabytes", "0"], None);
    assert_eq!(unlimited.status.code(), Some(1), "{}", stderr(&unlimited));
}

/// `--exit-code N` replaces 1 when leaks are found, and changes nothing when none are.
#[test]
fn exit_code_flag() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(&tmp.path().join("leak.txt"), &format!("token={TOKEN}\n"));
    write(&tmp.path().join("clean/ok.txt"), "fine\n");
    let out = ferry_scan(tmp.path(), &["--no-git", ".", "--exit-code", "7"], None);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let clean = ferry_scan(tmp.path(), &["--no-git", "clean", "--exit-code", "7"], None);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
}

/// A baseline report suppresses the findings it lists; a new leak is still reported, alone.
#[test]
fn a_baseline_suppresses_known_findings() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let src = tmp.path().join("src");
    write(&src.join("old.env"), &format!("TOKEN={TOKEN}\n"));
    let first = ferry_scan(tmp.path(), &["--no-git", "src", "-r", "baseline.json"], None);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));

    let again = ferry_scan(tmp.path(), &["--no-git", "src", "--baseline-path", "baseline.json"], None);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stderr(&again).contains("1 suppressed"), "{}", stderr(&again));

    write(&src.join("new.env"), &format!("TOKEN={OTHER_TOKEN}\n"));
    let args = ["--no-git", "src", "-b", "baseline.json", "-r", "new.json"];
    let with_new = ferry_scan(tmp.path(), &args, None);
    assert_eq!(with_new.status.code(), Some(1), "{}", stderr(&with_new));
    let findings = report(&tmp.path().join("new.json"));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["File"], "src/new.env");
}

/// A rule whose regex does not compile stops the scan with exit 2 and names the rule; broken
/// TOML names the line.
#[test]
fn a_bad_config_exits_2_naming_the_rule() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(&tmp.path().join("data/a.txt"), "hello\n");
    let config = "[[rules]]\nid = \"acme-token\"\nregex = '''acme_[a-z'''\n";
    write(&tmp.path().join("bad.toml"), config);
    let out = ferry_scan(tmp.path(), &["--no-git", "data", "--config", "bad.toml"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("acme-token") && stderr(&out).contains("bad.toml"), "{}", stderr(&out));

    write(&tmp.path().join("broken.toml"), "title = \"x\"\n[[rules]\nid = 1\n");
    let out = ferry_scan(tmp.path(), &["--no-git", "data", "-c", "broken.toml"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("broken.toml:2"), "{}", stderr(&out));
}

/// Without `--config`, `PATH/.gitleaks.toml` is the configuration (as in gitleaks), and
/// `$GITLEAKS_CONFIG` wins over it; Ferry's global `$FERRY_CONFIG` is not mistaken for one.
#[test]
fn config_discovery_follows_gitleaks() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let dir = tmp.path().join("app");
    write(&dir.join("notes.txt"), "internal id: acme_12345678\n");
    write(&dir.join(".gitleaks.toml"), "[[rules]]\nid = \"acme-id\"\nregex = '''acme_[0-9]{8}'''\n");
    let out = ferry_scan(tmp.path(), &["--no-git", "app", "-r", "-"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(findings[0]["RuleID"], "acme-id");

    write(&tmp.path().join("none.toml"), "[[rules]]\nid = \"never\"\nregex = '''never_[0-9]{40}'''\n");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
    cmd.args(["scan", "secrets", "--no-git", "app"]).current_dir(tmp.path());
    let env_config = cmd.env("GITLEAKS_CONFIG", "none.toml").env("FERRY_CONFIG", "ferry").output().expect("ferry");
    assert_eq!(env_config.status.code(), Some(0), "{}", stderr(&env_config));
}

/// `--staged` scans what is about to be committed, as a pre-commit hook does.
#[test]
fn staged_changes_are_scanned() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    write(&repo.join("README.md"), "# app\n");
    commit_all(repo, "start");
    let clean = ferry_scan(repo, &["--staged"], None);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    write(&repo.join("ci.env"), &format!("TOKEN={TOKEN}\n"));
    git(repo, &["add", "ci.env"]);
    let out = ferry_scan(repo, &["--staged", "-r", "-"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(findings[0]["File"], "ci.env");
}

/// The GitOps case: a Kubernetes Secret's `data:` values are base64. A token committed that way
/// is found in history, decoded, at the line of its encoded value; `--max-decode-depth 0` turns
/// decoding off.
#[test]
fn a_token_in_a_kubernetes_secret_is_decoded_from_history() {
    use base64::Engine as _;
    let tmp = tempfile::tempdir().expect("a temp dir");
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    let encoded = base64::engine::general_purpose::STANDARD.encode(TOKEN);
    let manifest =
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ntype: Opaque\ndata:\n  token: {encoded}\n");
    write(&repo.join("apps/ci/secret.yaml"), &manifest);
    commit_all(repo, "ci secret");
    let out = ferry_scan(repo, &["--report-path", "leaks.json", "--redact"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings = report(&repo.join("leaks.json"));
    // The encoded value is also a high-entropy `token:` assignment (generic-api-key).
    let pat = findings.iter().find(|f| f["RuleID"] == "github-pat").expect("the decoded token");
    assert_eq!(pat["File"], "apps/ci/secret.yaml");
    assert_eq!(pat["StartLine"], 7);
    assert_eq!(pat["Secret"], "REDACTED");
    assert!(!std::fs::read_to_string(repo.join("leaks.json")).expect("report").contains(&encoded));
    let tags = pat["Tags"].as_array().expect("tags");
    assert!(tags.iter().any(|t| t == "decoded:base64") && tags.iter().any(|t| t == "decode-depth:1"), "{tags:?}");

    let off = ferry_scan(repo, &["--max-decode-depth", "0", "--report-path", "plain.json"], None);
    assert!(off.status.code().is_some_and(|c| c <= 1), "{}", stderr(&off));
    let plain = report(&repo.join("plain.json"));
    assert!(plain.iter().all(|f| f["RuleID"] != "github-pat"), "{plain:?}");
}

/// `--max-archive-depth` opens archives in `--no-git` scans and names files `archive!inner`;
/// without it archives are left alone, as in gitleaks.
#[test]
fn archives_are_opened_only_when_asked() {
    use std::io::Write as _;
    let tmp = tempfile::tempdir().expect("a temp dir");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("conf/ci.env", zip::write::SimpleFileOptions::default()).expect("a zip entry");
    zip.write_all(format!("GITHUB_TOKEN={TOKEN}\n").as_bytes()).expect("writing the entry");
    std::fs::create_dir(tmp.path().join("dist")).expect("a directory");
    std::fs::write(tmp.path().join("dist/release.zip"), zip.finish().expect("a zip").into_inner()).expect("write");
    let off = ferry_scan(tmp.path(), &["--no-git", "dist"], None);
    assert_eq!(off.status.code(), Some(0), "{}", stderr(&off));
    let on = ferry_scan(tmp.path(), &["--no-git", "dist", "--max-archive-depth", "1", "--report-path", "-"], None);
    assert_eq!(on.status.code(), Some(1), "{}", stderr(&on));
    let findings: Vec<Value> = serde_json::from_slice(&on.stdout).expect("a JSON report on stdout");
    assert_eq!(findings[0]["File"], "dist/release.zip!conf/ci.env");
}

/// A composite rule reports its finding with the required part, printed on `-v` as gitleaks
/// prints it, redacted with `--redact`.
#[test]
fn a_composite_rule_prints_its_required_part() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let config = "[[rules]]\nid = \"acme-secret\"\nregex = '''acme_secret=([A-Za-z0-9]{20})'''\n\
                  [[rules.required]]\nid = \"acme-id\"\nwithinLines = 1\n\
                  [[rules]]\nid = \"acme-id\"\nregex = '''acme_id=(AK[0-9]{6})'''\nskipReport = true\n";
    write(&tmp.path().join("rules.toml"), config);
    write(&tmp.path().join("src/creds.env"), "acme_id=AK123456\nacme_secret=Zq8Lw3Xv9Tb2Nm6Rp4Ks\n");
    let out = ferry_scan(tmp.path(), &["--no-git", "src", "-c", "rules.toml", "-v", "--redact"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Required:    acme-id:1:REDACTED"), "{err}");
    assert!(!err.contains("AK123456") && !err.contains("Zq8Lw3Xv9Tb2Nm6Rp4Ks"), "{err}");
}

/// `ferry scan vulns`: reports listed without a policy (exit 0), judged per environment with
/// one (production exceeds its limits: exit 1; dev has none: exit 0), a malformed report names
/// its file and JSON path (exit 2).
#[test]
fn vulnerability_reports_are_judged_per_environment() {
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-gates/testdata/vuln");
    let tmp = tempfile::tempdir().expect("a temp dir");
    let vulns = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("scan")
            .arg("vulns")
            .args(args)
            .current_dir(&testdata)
            .output()
            .expect("ferry")
    };
    let listed = vulns(&["trivy-image.json", "grype-image.json"]);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        text.contains("CVE-2024-0727") && text.lines().last().unwrap_or("").ends_with("suppressed by the reports)"),
        "{text}"
    );

    let judged = |env: &str| {
        vulns(&["trivy-image.json", "--policy", "policy.yaml", "--env", env, "--today", "2026-07-01", "-o", "json"])
    };
    let production = judged("production");
    assert_eq!(production.status.code(), Some(1), "{}", stderr(&production));
    let verdict: Value = serde_json::from_slice(&production.stdout).expect("a JSON verdict");
    assert_eq!(verdict["passed"], false);
    assert_eq!(verdict["environment"], "production");
    let dev = judged("dev");
    assert_eq!(dev.status.code(), Some(0), "{}", stderr(&dev));

    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, r#"{"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Target": "t", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "p", "InstalledVersion": "1", "Severity": 7}]}]}"#).expect("write");
    let bad = vulns(&[broken.to_str().expect("utf-8")]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    let message = stderr(&bad);
    assert!(message.contains("broken.json") && message.contains("Results[0].Vulnerabilities[0].Severity"), "{message}");
}

/// Regression: `--no-git FILE` read `FILE/.gitleaksignore` and stopped with "Not a directory";
/// a single file is scanned and named as given, as gitleaks does.
#[test]
fn no_git_scans_a_single_file_named_as_given() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(&tmp.path().join("deploy/values.yaml"), &format!("github:\n  token: {TOKEN}\n"));
    let out = ferry_scan(tmp.path(), &["--no-git", "./deploy/values.yaml", "--report-path", "-"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON report on stdout");
    assert_eq!(findings[0]["File"], "deploy/values.yaml");
}
