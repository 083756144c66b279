//! gitleaks TOML configuration: extend, every allowlist form, path rules, RE2 patterns, bad input.

use std::path::Path;

use ferry_gates::secrets::{Config, ScanOptions, Scanner, SecretsError};

fn scanner(toml: &str) -> Scanner {
    Scanner::new(Config::parse(toml, "test.toml").unwrap()).unwrap()
}

fn found(scanner: &Scanner, path: &str, text: &str) -> Vec<(String, String)> {
    let report = scanner.scan_bytes(text.as_bytes(), path, &ScanOptions::default()).unwrap();
    report.findings.into_iter().map(|f| (f.rule_id, f.secret)).collect()
}

const TOKEN_RULE: &str = r#"
[[rules]]
id = "ferry-token"
description = "Ferry test token"
regex = '''ftok_([a-zA-Z0-9]{16})'''
keywords = ["ftok_"]
"#;

#[test]
fn extend_use_default_disables_overrides_and_adds() {
    let toml = format!(
        r#"
title = "team rules"
[extend]
useDefault = true
disabledRules = ["jwt"]
[[rules]]
id = "generic-api-key"
[[rules.allowlists]]
stopwords = ["ferrytest"]
{TOKEN_RULE}"#
    );
    let config = Config::parse(&toml, "team.toml").unwrap();
    assert!(config.rule("jwt").is_none());
    assert!(config.rule("github-pat").is_some());
    assert_eq!(config.title.as_deref(), Some("team rules"));
    let generic = config.rule("generic-api-key").unwrap();
    assert!(generic.regex.is_some(), "merged rule keeps the default regex");
    assert_eq!(generic.allowlists.len(), 3, "default allowlists plus the team's");
    let s = Scanner::new(config).unwrap();
    assert_eq!(found(&s, "a", "x ftok_AbCdEfGh12345678 y"), vec![("ferry-token".into(), "AbCdEfGh12345678".into())]);
    assert!(found(&s, "a", "password = \"ferrytestQ8z1Lw0pT4\"").is_empty());
    assert!(!found(&s, "a", "password = \"Q8z1Lw0pT4vN7mXr\"").is_empty());
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkZlcnJ5In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    assert!(found(&s, "a", jwt).is_empty(), "disabled rule does not run");
}

#[test]
fn extend_path_is_relative_to_the_extending_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("base")).unwrap();
    std::fs::write(dir.path().join("base/base.toml"), TOKEN_RULE).unwrap();
    std::fs::write(
        dir.path().join("repo.toml"),
        "[extend]\npath = \"base/base.toml\"\n[[rules]]\nid = \"ferry-token\"\nentropy = 3.9\ntags = [\"team\"]\n",
    )
    .unwrap();
    let config = Config::load(&dir.path().join("repo.toml")).unwrap();
    let rule = config.rule("ferry-token").unwrap();
    assert_eq!(rule.entropy, 3.9);
    assert_eq!(rule.tags, vec!["team"]);
    let s = Scanner::new(config).unwrap();
    assert!(found(&s, "a", "ftok_aaaaaaaabbbbbbbb").is_empty(), "low entropy dropped by the override");
    assert_eq!(found(&s, "a", "ftok_Q8z1Lw0pT4vN7mXr").len(), 1);
}

#[test]
fn extend_chain_deeper_than_two_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.toml"), TOKEN_RULE).unwrap();
    std::fs::write(dir.path().join("b.toml"), "[extend]\npath = \"c.toml\"\n").unwrap();
    std::fs::write(dir.path().join("a.toml"), "[extend]\npath = \"b.toml\"\n").unwrap();
    std::fs::write(dir.path().join("top.toml"), "[extend]\npath = \"a.toml\"\n").unwrap();
    assert!(Config::load(&dir.path().join("a.toml")).is_ok());
    let err = Config::load(&dir.path().join("top.toml")).unwrap_err();
    assert!(matches!(err, SecretsError::ExtendTooDeep { .. }), "{err}");
}

#[test]
fn rule_allowlist_regex_targets() {
    let toml = |target: &str, regex: &str| {
        format!("{TOKEN_RULE}[[rules.allowlists]]\nregexTarget = \"{target}\"\nregexes = ['''{regex}''']\n")
    };
    let line = "key: ftok_Q8z1Lw0pT4vN7mXr # fixture\n";
    // secret (default): matched against the captured group only.
    assert!(found(&scanner(&toml("secret", "^Q8z1")), "a", line).is_empty());
    assert_eq!(found(&scanner(&toml("secret", "^ftok_")), "a", line).len(), 1);
    // match: against the whole regex match.
    assert!(found(&scanner(&toml("match", "^ftok_Q8")), "a", line).is_empty());
    // line: against the whole line.
    assert!(found(&scanner(&toml("line", "# fixture")), "a", line).is_empty());
    assert_eq!(found(&scanner(&toml("match", "# fixture")), "a", line).len(), 1);
}

#[test]
fn allowlist_condition_and_requires_every_check() {
    let and = format!(
        "{TOKEN_RULE}[[rules.allowlists]]\ncondition = \"AND\"\npaths = ['''^fixtures/''']\nstopwords = [\"q8z1\"]\n"
    );
    let or = and.replace("\"AND\"", "\"OR\"");
    let text = "ftok_Q8z1Lw0pT4vN7mXr";
    let other = "ftok_Zz9Lw0pT4vN7mXrQ";
    let s = scanner(&and);
    assert!(found(&s, "fixtures/a.txt", text).is_empty(), "path and stopword both hold");
    assert_eq!(found(&s, "src/a.txt", text).len(), 1, "stopword alone is not enough with AND");
    assert_eq!(found(&s, "fixtures/a.txt", other).len(), 1, "path alone is not enough with AND");
    let s = scanner(&or);
    assert!(found(&s, "src/a.txt", text).is_empty());
    assert!(found(&s, "fixtures/a.txt", other).is_empty());
}

#[test]
fn singular_rule_allowlist_and_global_allowlists() {
    let singular = format!("{TOKEN_RULE}[rules.allowlist]\npaths = ['''\\.md$''']\n");
    let s = scanner(&singular);
    assert!(found(&s, "README.md", "ftok_Q8z1Lw0pT4vN7mXr").is_empty());
    assert_eq!(found(&s, "main.rs", "ftok_Q8z1Lw0pT4vN7mXr").len(), 1);

    let global = format!("{TOKEN_RULE}[allowlist]\ndescription = \"docs\"\npaths = ['''^docs/''']\n");
    assert!(found(&scanner(&global), "docs/x.txt", "ftok_Q8z1Lw0pT4vN7mXr").is_empty());

    let targeted = format!(
        "{TOKEN_RULE}[[rules]]\nid = \"other\"\nregex = '''otok_[a-z0-9]{{12}}'''\n\
         [[allowlists]]\ntargetRules = [\"ferry-token\"]\nstopwords = [\"q8z1\"]\n"
    );
    let s = scanner(&targeted);
    assert!(s.config().allowlists.is_empty(), "a targeted allowlist is not global");
    let text = "ftok_Q8z1Lw0pT4vN7mXr otok_q8z1ab34cd56";
    assert_eq!(found(&s, "a", text), vec![("other".to_string(), "otok_q8z1ab34cd56".to_string())]);
}

#[test]
fn path_only_rule_flags_files_and_path_restricts_regex() {
    let toml = r#"
[[rules]]
id = "pkcs12-file"
description = "PKCS #12 file"
path = '''(?i)\.p12$'''
[[rules]]
id = "env-password"
path = '''\.env$'''
regex = '''PASSWORD=(\S+)'''
"#;
    let s = scanner(toml);
    let report = s.scan_bytes(b"anything", "certs/client.P12", &ScanOptions::default()).unwrap();
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].matched, "file detected: certs/client.P12");
    assert_eq!(found(&s, "prod.env", "PASSWORD=hunter2"), vec![("env-password".into(), "hunter2".into())]);
    assert!(found(&s, "prod.txt", "PASSWORD=hunter2").is_empty());
}

#[test]
fn keywords_gate_rules_case_insensitively() {
    let toml = "[[rules]]\nid = \"k\"\nregex = '''[0-9]{6}-[0-9]{6}'''\nkeywords = [\"PIN\"]\n";
    let s = scanner(toml);
    assert!(found(&s, "a", "123456-654321").is_empty(), "no keyword, rule does not run");
    assert_eq!(found(&s, "a", "pin: 123456-654321").len(), 1);
}

#[test]
fn go_re2_patterns_are_accepted() {
    let toml = "[[rules]]\nid = \"tmpl\"\nregex = '''\\${secret:([a-z]+)}'''\n[[rules]]\nid = \"word\"\nregex = '''\\bkey_\\w{4}\\b'''\n";
    let s = scanner(toml);
    assert_eq!(found(&s, "a", "x = ${secret:dbpass}"), vec![("tmpl".into(), "dbpass".into())]);
    assert_eq!(found(&s, "a", "key_abcd key_ébcd").len(), 1, "\\w is ASCII as in Go");
}

#[test]
fn a_regex_that_does_not_compile_names_the_rule() {
    let err = Config::parse("[[rules]]\nid = \"broken-rule\"\nregex = '''(unclosed'''\n", "team.toml").unwrap_err();
    assert!(matches!(&err, SecretsError::Regex { rule_id, .. } if rule_id == "broken-rule"), "{err}");
    assert!(err.to_string().contains("broken-rule") && err.to_string().contains("team.toml"));
}

#[test]
fn malformed_toml_names_the_line() {
    let err = Config::parse("title = \"x\"\n\n[[rules]\nid = \"a\"\n", "team.toml").unwrap_err();
    assert!(matches!(err, SecretsError::Toml { line: 3, .. }), "{err}");
    assert!(err.to_string().starts_with("team.toml:3:"), "{err}");
}

#[test]
fn invalid_rules_are_refused_with_their_id() {
    let cases = [
        ("[[rules]]\nid = \"empty\"\n", "empty", "regex"),
        ("[[rules]]\nid = \"grp\"\nregex = '''a(b)'''\nsecretGroup = 2\n", "grp", "secretGroup"),
        (
            "[[rules]]\nid = \"al\"\nregex = 'a'\n[[rules.allowlists]]\ndescription = \"nothing\"\n",
            "al",
            "at least one",
        ),
        (
            "[[rules]]\nid = \"cond\"\nregex = 'a'\n[[rules.allowlists]]\ncondition = \"XOR\"\npaths = ['a']\n",
            "cond",
            "XOR",
        ),
        ("[[rules]]\nregex = 'a'\n", "", "id"),
        ("[[allowlists]]\ntargetRules = [\"ghost\"]\npaths = ['a']\n", "ghost", "does not exist"),
    ];
    for (toml, id, words) in cases {
        let err = Config::parse(toml, "c.toml").unwrap_err().to_string();
        assert!(err.contains(id) && err.contains(words), "{toml:?} gave {err}");
    }
}

#[test]
fn load_reports_a_missing_file() {
    let err = Config::load(Path::new("/nonexistent/ferry/gitleaks.toml")).unwrap_err();
    assert!(matches!(err, SecretsError::Io { .. }));
}
