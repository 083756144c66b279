//! Git targets with a real repository made by `git`: history, commit ranges, staged changes.

use std::path::Path;
use std::process::Command;

use ferry_gates::secrets::{Config, ScanOptions, Scanner, SecretsError};

const GH: &str = "ghp_R7q2Lw9XzT4vN1mK8pB3cD6fH0jS5uY2aE4g";
const NPM: &str = "npm_Q8z1Lw0pT4vN7mXrB2cD5fG8hJ1kL4nP7qS0";
const SLACK: &str = "xoxb-381927465012-5930128374651-Zq8Lw0pT4vN7mXrB2cD5fG8h";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Ann Author", "-c", "user.email=ann@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", "@1714564800 +0200")
        .env("GIT_COMMITTER_DATE", "@1714564800 +0200")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn commit_file(dir: &Path, rel: &str, content: &str, message: &str) -> String {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

struct Repo {
    dir: tempfile::TempDir,
    added_gh: String,
    added_npm: String,
}

/// c1 README; c2 adds the GitHub token (line 3); c3 removes it and adds the npm token;
/// c4 adds a binary file holding the Slack token.
fn repo() -> Repo {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    commit_file(dir.path(), "README.md", "# demo\n", "initial");
    let added_gh =
        commit_file(dir.path(), "deploy/app.env", &format!("A=1\nB=2\nTOKEN={GH}\n"), "add deploy env\n\nbody text");
    std::fs::write(dir.path().join("deploy/app.env"), "A=1\nB=2\n").unwrap();
    let added_npm =
        commit_file(dir.path(), "npmrc", &format!("//registry.npmjs.org/:_authToken={NPM}\n"), "rotate token");
    let mut binary = b"\x00\x01\x02".to_vec();
    binary.extend_from_slice(SLACK.as_bytes());
    std::fs::write(dir.path().join("blob.bin"), binary).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "binary"]);
    Repo { dir, added_gh, added_npm }
}

fn scanner() -> Scanner {
    Scanner::new(Config::default_rules()).unwrap()
}

#[test]
fn history_scan_attributes_removed_secrets_to_the_adding_commit() {
    let repo = repo();
    let report = scanner().scan_git(repo.dir.path(), None, &ScanOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 2, "{:#?}", report.findings);
    let gh = report.findings.iter().find(|f| f.rule_id == "github-pat").expect("removed token still found");
    assert_eq!(gh.commit, repo.added_gh);
    assert_eq!(gh.file, "deploy/app.env");
    // Third line of the hunk: gitleaks counts its columns from the preceding newline.
    assert_eq!((gh.start_line, gh.end_line, gh.start_column), (3, 3, 8));
    assert_eq!((gh.author.as_str(), gh.email.as_str()), ("Ann Author", "ann@example.org"));
    assert_eq!(gh.date, "2024-05-01T12:00:00Z");
    assert_eq!(gh.message, "add deploy env\n\nbody text");
    assert_eq!(gh.fingerprint, format!("{}:deploy/app.env:github-pat:3", repo.added_gh));
    let npm = report.findings.iter().find(|f| f.rule_id == "npm-access-token").unwrap();
    assert_eq!((npm.commit.as_str(), npm.file.as_str(), npm.start_line), (repo.added_npm.as_str(), "npmrc", 1));
    assert!(report.findings.iter().all(|f| f.rule_id != "slack-bot-token"), "binary blobs are not scanned");
}

#[test]
fn deleted_and_renamed_files_keep_the_adding_commit() {
    // Deletions are left out of git's output (--diff-filter=d); a file renamed with an edit
    // shows only its changed lines. Each secret stays with the commit that added it.
    let repo = repo();
    let dir = repo.dir.path();
    git(dir, &["rm", "-q", "npmrc"]);
    git(dir, &["commit", "-q", "-m", "delete npmrc"]);
    let long_file: String = (0..40).map(|i| format!("line {i} of a settings file\n")).collect();
    let with_gh = commit_file(dir, "conf/a.txt", &format!("{long_file}key = {GH}\n"), "add conf");
    std::fs::remove_file(dir.join("conf/a.txt")).unwrap();
    let renamed =
        commit_file(dir, "conf/b.txt", &format!("{long_file}key = {GH}\nnpm = {NPM}\n"), "rename with an edit");
    let report = scanner().scan_git(dir, None, &ScanOptions::default()).unwrap();
    let mut got: Vec<(&str, &str, &str, usize)> = report
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.commit.as_str(), f.file.as_str(), f.start_line))
        .collect();
    got.sort();
    let mut want = vec![
        ("github-pat", repo.added_gh.as_str(), "deploy/app.env", 3),
        ("github-pat", with_gh.as_str(), "conf/a.txt", 41),
        ("npm-access-token", repo.added_npm.as_str(), "npmrc", 1),
        ("npm-access-token", renamed.as_str(), "conf/b.txt", 42),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn log_opts_select_a_commit_range() {
    let repo = repo();
    let range = format!("{}..HEAD", repo.added_gh);
    let report = scanner().scan_git(repo.dir.path(), Some(&range), &ScanOptions::default()).unwrap();
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules, vec!["npm-access-token"]);
}

#[test]
fn commit_fingerprints_and_commit_allowlists_suppress() {
    let repo = repo();
    let ignore = repo.dir.path().join(".gitleaksignore");
    std::fs::write(&ignore, format!("{}:deploy/app.env:github-pat:3\n", repo.added_gh)).unwrap();
    let report = scanner().scan_git(repo.dir.path(), None, &ScanOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.suppressed, 1);
    std::fs::remove_file(&ignore).unwrap();

    let toml =
        format!("[extend]\nuseDefault = true\n[[allowlists]]\ncommits = [\"{}\"]\n", repo.added_npm.to_uppercase());
    let s = Scanner::new(Config::parse(&toml, "c.toml").unwrap()).unwrap();
    let report = s.scan_git(repo.dir.path(), None, &ScanOptions::default()).unwrap();
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules, vec!["github-pat"]);
}

#[test]
fn staged_changes_are_scanned_without_a_commit() {
    let repo = repo();
    std::fs::write(repo.dir.path().join("README.md"), format!("# demo\n\nslack: {SLACK}\n")).unwrap();
    git(repo.dir.path(), &["add", "README.md"]);
    std::fs::write(repo.dir.path().join("unstaged.txt"), format!("{GH}\n")).unwrap();
    let report = scanner().scan_staged(repo.dir.path(), &ScanOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 1, "{:#?}", report.findings);
    let f = &report.findings[0];
    assert_eq!((f.rule_id.as_str(), f.file.as_str(), f.start_line), ("slack-bot-token", "README.md", 3));
    assert!(f.commit.is_empty() && f.author.is_empty());
    assert_eq!(f.fingerprint, "README.md:slack-bot-token:3");
}

#[test]
fn not_a_repository_is_a_git_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = scanner().scan_git(dir.path(), None, &ScanOptions::default()).unwrap_err();
    assert!(matches!(err, SecretsError::Git { .. }), "{err}");
    let repo = repo();
    let err = scanner().scan_git(repo.dir.path(), Some("no-such-ref..HEAD"), &ScanOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no-such-ref"), "{err}");
}
