//! Every default rule against its true- and false-positive samples (`testdata/secrets/samples.toml`).

use std::collections::BTreeMap;

use ferry_gates::secrets::{Config, ScanOptions, Scanner};
use serde::Deserialize;

#[derive(Deserialize)]
struct Samples {
    true_positives: Vec<String>,
    false_positives: Vec<String>,
}

fn samples() -> BTreeMap<String, Samples> {
    let text = include_str!("../testdata/secrets/samples.toml");
    toml::from_str(text).expect("samples.toml parses")
}

fn rule_ids_found(scanner: &Scanner, text: &str) -> Vec<String> {
    let report = scanner.scan_bytes(text.as_bytes(), "config/app.env", &ScanOptions::default()).unwrap();
    report.findings.into_iter().map(|f| f.rule_id).collect()
}

#[test]
fn every_default_rule_has_samples() {
    let config = Config::default_rules();
    let samples = samples();
    assert!(config.rules.len() >= 40, "only {} default rules", config.rules.len());
    for rule in &config.rules {
        let s = samples.get(&rule.id).unwrap_or_else(|| panic!("no samples for rule {}", rule.id));
        assert!(!s.true_positives.is_empty() && !s.false_positives.is_empty(), "rule {} lacks samples", rule.id);
        assert!(!rule.keywords.is_empty(), "rule {} has no keywords for the prefilter", rule.id);
    }
    for id in samples.keys() {
        assert!(config.rule(id).is_some(), "samples for unknown rule {id}");
    }
}

#[test]
fn true_positives_are_found_by_exactly_their_rule() {
    let scanner = Scanner::new(Config::default_rules()).unwrap();
    let mut failures = Vec::new();
    for (id, s) in samples() {
        for text in &s.true_positives {
            let found = rule_ids_found(&scanner, text);
            if found.is_empty() || found.iter().any(|f| f != &id) {
                failures.push(format!("{id}: {text:?} -> {found:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "true positives missed or misattributed:\n{}", failures.join("\n"));
}

#[test]
fn false_positives_are_not_found_by_their_rule() {
    let scanner = Scanner::new(Config::default_rules()).unwrap();
    let mut failures = Vec::new();
    for (id, s) in samples() {
        for text in &s.false_positives {
            let found = rule_ids_found(&scanner, text);
            if found.contains(&id) {
                failures.push(format!("{id}: {text:?} -> {found:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "false positives reported:\n{}", failures.join("\n"));
}

#[test]
fn secret_group_extracts_the_token_not_the_assignment() {
    let scanner = Scanner::new(Config::default_rules()).unwrap();
    let text = "DD_API_KEY=3f9a1c7e5b2d8f0a4c6e1b3d5f7a9c2e\n";
    let report = scanner.scan_bytes(text.as_bytes(), "a.env", &ScanOptions::default()).unwrap();
    let f = &report.findings[0];
    assert_eq!(f.rule_id, "datadog-api-key");
    assert_eq!(f.secret, "3f9a1c7e5b2d8f0a4c6e1b3d5f7a9c2e");
    assert_eq!(f.matched, "DD_API_KEY=3f9a1c7e5b2d8f0a4c6e1b3d5f7a9c2e");
    assert_eq!((f.start_line, f.start_column, f.end_column), (1, 1, 43));
    assert!(f.entropy > 3.0);
}
