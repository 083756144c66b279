//! Directory and reader scans: suppression, redaction, skipped files, reports.

use std::path::Path;

use ferry_gates::secrets::report::{ReportFormat, json, junit, sarif};
use ferry_gates::secrets::{Baseline, Config, ScanOptions, Scanner, SkipReason};

const GH: &str = "ghp_R7q2Lw9XzT4vN1mK8pB3cD6fH0jS5uY2aE4g";
const NPM: &str = "npm_Q8z1Lw0pT4vN7mXrB2cD5fG8hJ1kL4nP7qS0";

fn scanner() -> Scanner {
    Scanner::new(Config::default_rules()).unwrap()
}

fn write(root: &Path, rel: &str, content: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "deploy/values.yaml", format!("image: app\ngithub:\n  token: {GH}\n").as_bytes());
    write(dir.path(), "src/npmrc", format!("//registry.npmjs.org/:_authToken={NPM}\n").as_bytes());
    write(dir.path(), ".git/config", format!("url = https://{GH}@github.com/x\n").as_bytes());
    dir
}

#[test]
fn directory_scan_finds_secrets_with_gitleaks_locations() {
    let dir = tree();
    let report = scanner().scan_dir(dir.path(), &ScanOptions::default()).unwrap();
    let files: Vec<&str> = report.findings.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(files, vec!["deploy/values.yaml", "src/npmrc"], ".git/ is skipped");
    let gh = &report.findings[0];
    assert_eq!(gh.rule_id, "github-pat");
    assert_eq!(gh.secret, GH);
    assert_eq!((gh.start_line, gh.end_line), (3, 3));
    // gitleaks counts columns on later lines from the preceding newline: "  token: " is 9 bytes.
    assert_eq!((gh.start_column, gh.end_column), (11, 50));
    assert_eq!(gh.fingerprint, "deploy/values.yaml:github-pat:3");
    assert!(gh.commit.is_empty());
    assert_eq!(report.fragments_scanned, 2);
}

#[test]
fn gitleaksignore_fingerprints_suppress_findings() {
    let dir = tree();
    write(dir.path(), ".gitleaksignore", b"# reviewed\ndeploy/values.yaml:github-pat:3\n");
    let report = scanner().scan_dir(dir.path(), &ScanOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule_id, "npm-access-token");
    assert_eq!(report.suppressed, 1);

    let extra = dir.path().join("extra-ignore");
    std::fs::write(&extra, "src/npmrc:npm-access-token:1\n").unwrap();
    let options = ScanOptions { gitleaks_ignore_path: Some(extra), ..ScanOptions::default() };
    assert!(scanner().scan_dir(dir.path(), &options).unwrap().findings.is_empty());
}

#[test]
fn inline_gitleaks_allow_suppresses_unless_ignored() {
    let text = format!("token = \"{GH}\" # gitleaks:allow\n{NPM}\n");
    let report = scanner().scan_bytes(text.as_bytes(), "a.txt", &ScanOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule_id, "npm-access-token");
    let options = ScanOptions { ignore_gitleaks_allow: true, ..ScanOptions::default() };
    assert_eq!(scanner().scan_bytes(text.as_bytes(), "a.txt", &options).unwrap().findings.len(), 2);
}

#[test]
fn baseline_report_suppresses_known_findings_only() {
    let dir = tree();
    let first = scanner().scan_dir(dir.path(), &ScanOptions::default()).unwrap();
    let baseline_text = json::render(&first.findings[..1]);
    let baseline_path = dir.path().join("baseline.json");
    std::fs::write(&baseline_path, &baseline_text).unwrap();
    let baseline = Baseline::load(&baseline_path).unwrap();
    assert_eq!(baseline.len(), 1);
    std::fs::remove_file(&baseline_path).unwrap();
    let options = ScanOptions { baseline: Some(baseline), ..ScanOptions::default() };
    let second = scanner().scan_dir(dir.path(), &options).unwrap();
    assert_eq!(second.findings.len(), 1);
    assert_eq!(second.findings[0].file, "src/npmrc");
    assert_eq!(second.suppressed, 1);
    assert!(Baseline::parse("null", "b.json").unwrap().is_empty());
    let err = Baseline::parse("{\"not\": \"an array\"}", "b.json").unwrap_err();
    assert!(err.to_string().contains("b.json"));
}

#[test]
fn redaction_hides_secrets_fully_or_by_percentage() {
    let text = format!("token: {GH}\n");
    let full = ScanOptions { redact: 100, ..ScanOptions::default() };
    let f = &scanner().scan_bytes(text.as_bytes(), "a", &full).unwrap().findings[0];
    assert_eq!((f.secret.as_str(), f.matched.as_str()), ("REDACTED", "REDACTED"));
    let part = ScanOptions { redact: 75, ..ScanOptions::default() };
    let f = &scanner().scan_bytes(text.as_bytes(), "a", &part).unwrap().findings[0];
    assert_eq!(f.secret, format!("{}...", &GH[..10]));
    assert!(!json::render(std::slice::from_ref(f)).contains(GH));
}

#[test]
fn binary_and_huge_files_are_skipped_and_reported() {
    let dir = tree();
    let mut binary = b"\x7fELF\x00\x01".to_vec();
    binary.extend_from_slice(GH.as_bytes());
    write(dir.path(), "bin/tool", &binary);
    let mut huge = format!("{NPM}\n").into_bytes();
    huge.resize(4096, b'a');
    write(dir.path(), "big.txt", &huge);
    let options = ScanOptions { max_target_bytes: Some(1024), ..ScanOptions::default() };
    let report = scanner().scan_dir(dir.path(), &options).unwrap();
    assert!(report.findings.iter().all(|f| f.file != "bin/tool" && f.file != "big.txt"));
    let skipped: Vec<(&str, &SkipReason)> = report.skipped.iter().map(|s| (s.path.as_str(), &s.reason)).collect();
    assert!(skipped.contains(&("bin/tool", &SkipReason::Binary)), "{skipped:?}");
    assert!(skipped.contains(&("big.txt", &SkipReason::TooLarge { size: 4096, limit: 1024 })), "{skipped:?}");
}

#[test]
fn reader_scan_has_no_file_and_caps_input() {
    let text = format!("first\n{NPM}\n");
    let report = scanner().scan_reader(text.as_bytes(), &ScanOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!((report.findings[0].file.as_str(), report.findings[0].start_line), ("", 2));
    assert_eq!(report.findings[0].fingerprint, ":npm-access-token:2");
    let capped = ScanOptions { max_target_bytes: Some(8), ..ScanOptions::default() };
    let report = scanner().scan_reader(text.as_bytes(), &capped).unwrap();
    assert!(report.findings.is_empty());
    assert!(matches!(report.skipped[0].reason, SkipReason::TooLarge { limit: 8, .. }));
}

#[test]
fn sarif_has_the_required_fields_and_rules() {
    let dir = tree();
    let s = scanner();
    let report = s.scan_dir(dir.path(), &ScanOptions::default()).unwrap();
    let doc = sarif::to_value(s.config(), &report.findings);
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ferry");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), s.config().rules.len());
    assert!(rules.iter().all(|r| r["id"].is_string() && r["shortDescription"]["text"].is_string()));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let rule_id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule_id);
        assert!(result["message"]["text"].as_str().unwrap().contains(rule_id));
        let location = &result["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"].is_string());
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(result["partialFingerprints"].as_object().unwrap().values().all(|v| v.is_string()));
    }
    let text = ReportFormat::Sarif.render(s.config(), &report.findings);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), doc);
}

#[test]
fn json_and_junit_reports() {
    let dir = tree();
    let s = scanner();
    let report = s.scan_dir(dir.path(), &ScanOptions::default()).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json::render(&report.findings)).unwrap();
    assert_eq!(parsed[0]["RuleID"], "github-pat");
    assert_eq!(parsed[0]["File"], "deploy/values.yaml");
    assert_eq!(json::render(&[]).trim(), "[]");
    let xml = junit::render(&report.findings);
    assert!(xml.contains("<testsuite name=\"ferry secrets\" tests=\"2\" failures=\"2\">"));
    assert_eq!(xml.matches("<testcase ").count(), 2);
    assert_eq!(ReportFormat::parse("JUnit"), Some(ReportFormat::Junit));
    assert_eq!(ReportFormat::parse("csv"), None);
}
