//! SARIF 2.1.0, as GitHub and GitLab code scanning read it: one run of the tool `ferry`, one
//! rule per gate and rule id (`policy/K8sRequiredLabels/must-have-owner`), one result per
//! finding located in the repository (paths relative to its root).

use serde_json::{Value, json};

use super::super::{CheckReport, Finding};

pub fn render(report: &CheckReport) -> String {
    let mut rules: Vec<String> = report.findings.iter().map(rule_id).collect();
    rules.sort();
    rules.dedup();
    let rule_entries: Vec<Value> = rules
        .iter()
        .map(|id| {
            let gate = id.split('/').next().unwrap_or("");
            json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": format!("ferry {gate} gate: {id}")},
                "properties": {"tags": ["ferry", gate]},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let id = rule_id(f);
            let index = rules.iter().position(|r| *r == id).unwrap_or(0);
            result(f, &id, index)
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ferry",
                "informationUri": "https://github.com/ferry-dev/ferry",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_entries,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default()
}

fn rule_id(finding: &Finding) -> String {
    format!("{}/{}", finding.gate.as_str(), finding.rule)
}

fn result(finding: &Finding, id: &str, index: usize) -> Value {
    let subject: Vec<&str> =
        [finding.application.as_deref(), finding.object.as_deref()].into_iter().flatten().collect();
    let text = if subject.is_empty() {
        finding.message.clone()
    } else {
        format!("{}: {}", subject.join(", "), finding.message)
    };
    let mut result = json!({
        "ruleId": id,
        "ruleIndex": index,
        "level": finding.level.as_str(),
        "message": {"text": text},
    });
    if let Some(at) = &finding.location {
        result["locations"] = json!([{"physicalLocation": {
            "artifactLocation": {"uri": at.file, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": at.line.max(1)},
        }}]);
    }
    if let Some(app) = &finding.application {
        result["properties"] = json!({"application": app, "object": finding.object});
    }
    result
}
