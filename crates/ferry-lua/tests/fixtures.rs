//! The fixture table `testdata/cases.yaml`: objects run through the scripts of
//! `testdata/customizations/`, found the way the sync engine finds them.

use std::path::{Path, PathBuf};

use ferry_lua::{HealthScripts, evaluate};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    group: String,
    kind: String,
    object: serde_json::Value,
    status: String,
    message: String,
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

#[test]
fn fixture_table() {
    let scripts = HealthScripts::load_dir(&testdata().join("customizations")).unwrap();
    let text = std::fs::read_to_string(testdata().join("cases.yaml")).unwrap();
    let cases: Vec<Case> = serde_saphyr::from_str(&text).unwrap();
    assert!(cases.len() >= 10);
    let mut failures = Vec::new();
    for case in &cases {
        let script = scripts.for_kind(&case.group, &case.kind).unwrap_or_else(|| panic!("{}: no script", case.name));
        let health = evaluate(script, &case.object);
        if (health.status.as_str(), health.message.as_str()) != (case.status.as_str(), case.message.as_str()) {
            failures.push(format!("{}: expected {} {:?}, got {health:?}", case.name, case.status, case.message));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
