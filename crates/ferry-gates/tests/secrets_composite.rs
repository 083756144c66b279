//! Composite rules (`[[rules.required]]`): a finding is reported only with its required rules'
//! findings nearby, attached to it; configuration mistakes name the rule.

use ferry_gates::secrets::{Config, Finding, ScanOptions, Scanner};

const COMPOSITE: &str = r#"
[[rules]]
id = "acme-secret"
description = "ACME API secret, only with its key id nearby"
regex = '''acme_secret\s*=\s*"([A-Za-z0-9]{24})"'''
keywords = ["acme_secret"]
[[rules.required]]
id = "acme-key-id"
withinLines = 2

[[rules]]
id = "acme-key-id"
description = "ACME key id (part of a credential, not a secret alone)"
regex = '''acme_key_id\s*=\s*"(AK[0-9]{8})"'''
keywords = ["acme_key_id"]
skipReport = true
"#;

const SECRET: &str = "Zq8Lw3Xv9Tb2Nm6Rp4Ks7Yd1";

fn scan(toml: &str, text: &str, options: &ScanOptions) -> Vec<Finding> {
    let scanner = Scanner::new(Config::parse(toml, "composite.toml").unwrap()).unwrap();
    scanner.scan_bytes(text.as_bytes(), "creds.env", options).unwrap().findings
}

#[test]
fn reported_only_with_the_required_rule_nearby() {
    let text = format!("acme_key_id = \"AK12345678\"\n# comment\nacme_secret = \"{SECRET}\"\n");
    let found = scan(COMPOSITE, &text, &ScanOptions::default());
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!((f.rule_id.as_str(), f.secret.as_str(), f.start_line), ("acme-secret", SECRET, 3));
    assert_eq!(f.required.len(), 1);
    let r = &f.required[0];
    assert_eq!((r.rule_id.as_str(), r.secret.as_str(), r.start_line), ("acme-key-id", "AK12345678", 1));
}

#[test]
fn not_reported_alone_or_too_far_away() {
    let alone = format!("acme_secret = \"{SECRET}\"\n");
    assert!(scan(COMPOSITE, &alone, &ScanOptions::default()).is_empty(), "primary without its part");
    let part_only = "acme_key_id = \"AK12345678\"\n";
    assert!(scan(COMPOSITE, part_only, &ScanOptions::default()).is_empty(), "skipReport rule alone");
    let far = format!("acme_key_id = \"AK12345678\"\n\n\n\nacme_secret = \"{SECRET}\"\n");
    assert!(scan(COMPOSITE, &far, &ScanOptions::default()).is_empty(), "4 lines apart, withinLines = 2");
}

#[test]
fn within_columns_and_no_distance() {
    let columns = COMPOSITE.replace("withinLines = 2", "withinColumns = 5");
    let aligned = format!("acme_key_id = \"AK12345678\"\nacme_secret = \"{SECRET}\"\n");
    assert_eq!(scan(&columns, &aligned, &ScanOptions::default()).len(), 1);
    let shifted = format!("acme_key_id = \"AK12345678\"\n{}acme_secret = \"{SECRET}\"\n", " ".repeat(20));
    assert!(scan(&columns, &shifted, &ScanOptions::default()).is_empty(), "20 columns apart");
    let anywhere = COMPOSITE.replace("withinLines = 2", "");
    let far = format!("acme_key_id = \"AK12345678\"\n{}acme_secret = \"{SECRET}\"\n", "\n".repeat(50));
    assert_eq!(scan(&anywhere, &far, &ScanOptions::default()).len(), 1, "same fragment suffices");
}

#[test]
fn a_required_rule_without_skip_report_is_reported_on_its_own_too() {
    let toml = COMPOSITE.replace("skipReport = true", "");
    let text = format!("acme_key_id = \"AK12345678\"\nacme_secret = \"{SECRET}\"\n");
    let mut ids: Vec<String> = scan(&toml, &text, &ScanOptions::default()).into_iter().map(|f| f.rule_id).collect();
    ids.sort();
    assert_eq!(ids, vec!["acme-key-id", "acme-secret"]);
}

#[test]
fn redaction_covers_the_required_findings_and_json_lists_them() {
    let text = format!("acme_key_id = \"AK12345678\"\nacme_secret = \"{SECRET}\"\n");
    let found = scan(COMPOSITE, &text, &ScanOptions { redact: 100, ..Default::default() });
    let json = serde_json::to_string(&found).unwrap();
    assert!(!json.contains(SECRET) && !json.contains("AK12345678"), "{json}");
    assert!(json.contains("\"RequiredFindings\"") && json.contains("acme-key-id"), "{json}");
    let plain = scan(
        &COMPOSITE.replace("[[rules.required]]\nid = \"acme-key-id\"\nwithinLines = 2", ""),
        &text,
        &ScanOptions::default(),
    );
    let json = serde_json::to_string(&plain).unwrap();
    assert!(!json.contains("RequiredFindings"), "omitted when empty, as gitleaks writes findings: {json}");
}

#[test]
fn configuration_mistakes_name_the_rule() {
    let missing = COMPOSITE.replace("id = \"acme-key-id\"\nwithinLines", "id = \"acme-key\"\nwithinLines");
    let err = Config::parse(&missing, "c.toml").unwrap_err().to_string();
    assert!(err.contains("c.toml") && err.contains("acme-secret") && err.contains("acme-key"), "{err}");
    let empty = COMPOSITE.replace("id = \"acme-key-id\"\nwithinLines", "id = \"\"\nwithinLines");
    let err = Config::parse(&empty, "c.toml").unwrap_err().to_string();
    assert!(err.contains("acme-secret") && err.contains("empty"), "{err}");
    let negative = COMPOSITE.replace("withinLines = 2", "withinLines = -1");
    let err = Config::parse(&negative, "c.toml").unwrap_err().to_string();
    assert!(err.contains("acme-secret"), "{err}");
}

#[test]
fn extending_keeps_the_base_rules_requirements() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), COMPOSITE).unwrap();
    let top = "[extend]\npath = \"base.toml\"\n[[rules]]\nid = \"acme-secret\"\ntags = [\"team\"]\n";
    std::fs::write(dir.path().join("top.toml"), top).unwrap();
    let config = Config::load(&dir.path().join("top.toml")).unwrap();
    assert_eq!(config.rule("acme-secret").unwrap().required.len(), 1);
}
