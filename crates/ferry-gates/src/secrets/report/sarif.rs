//! SARIF 2.1.0, as code-scanning views read it: the rules of the configuration as
//! `tool.driver.rules`, one result per finding with its location and partial fingerprints.

use serde_json::{Value, json};

use crate::secrets::{Config, Finding};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF document as a JSON value.
pub fn to_value(config: &Config, findings: &[Finding]) -> Value {
    let rules: Vec<Value> = config
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.description },
                "properties": { "tags": r.tags },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ferry",
                "informationUri": "https://github.com/ferry-dev/ferry",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": findings.iter().map(|f| result(config, f)).collect::<Vec<_>>(),
        }],
    })
}

/// The SARIF document as pretty-printed text.
pub fn render(config: &Config, findings: &[Finding]) -> String {
    serde_json::to_string_pretty(&to_value(config, findings)).unwrap_or_default() + "\n"
}

fn result(config: &Config, f: &Finding) -> Value {
    let mut region = json!({
        "startLine": f.start_line.max(1),
        "endLine": f.end_line.max(f.start_line).max(1),
        "snippet": { "text": f.secret },
    });
    // SARIF columns are 1-based; path-only findings have none.
    if f.start_column > 0 {
        region["startColumn"] = json!(f.start_column);
        region["endColumn"] = json!(f.end_column.max(f.start_column) + 1);
    }
    let mut value = json!({
        "ruleId": f.rule_id,
        "message": { "text": format!("{} has detected secret for file {}.", f.rule_id, f.file) },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": f.file },
            "region": region,
        }}],
        "partialFingerprints": {
            "commitSha": f.commit,
            "email": f.email,
            "author": f.author,
            "date": f.date,
            "commitMessage": f.message,
            "fingerprint": f.fingerprint,
        },
    });
    if let Some(index) = config.rules.iter().position(|r| r.id == f.rule_id) {
        value["ruleIndex"] = json!(index);
    }
    value
}
