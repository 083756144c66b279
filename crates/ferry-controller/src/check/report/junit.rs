//! JUnit XML, as CI test tabs read it: one test suite per gate that ran, one test case per
//! Application (the secrets gate: one for the change), failed by its blocking findings; warnings
//! go to the case's `system-out`.

use std::fmt::Write;

use super::super::{CheckReport, Finding, Gate, Level};
use super::place;

pub fn render(report: &CheckReport) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for gate in Gate::ALL {
        let ran = gate == Gate::Render || report.gates.iter().any(|g| g.gate == gate);
        if !ran {
            continue;
        }
        let cases = cases(report, gate);
        let failed = cases.iter().filter(|(_, f)| f.iter().any(|x| x.level == Level::Error)).count();
        tests += cases.len();
        failures += failed;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">",
            gate.as_str(),
            cases.len()
        );
        for (name, findings) in &cases {
            suites.push_str(&case(gate, name, findings));
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ferry check\" tests=\"{tests}\" failures=\"{failures}\">\n{suites}</testsuites>\n"
    )
}

/// The test cases of one gate with their findings.
fn cases(report: &CheckReport, gate: Gate) -> Vec<(String, Vec<&Finding>)> {
    let of_gate = |f: &&Finding| f.gate == gate;
    if gate == Gate::Secrets {
        return vec![("change".to_owned(), report.findings.iter().filter(of_gate).collect())];
    }
    let mut cases: Vec<(String, Vec<&Finding>)> = report
        .applications
        .iter()
        .map(|app| {
            let mine = report.findings.iter().filter(of_gate).filter(|f| f.application.as_deref() == Some(&app.name));
            (app.name.clone(), mine.collect())
        })
        .collect();
    let unattached: Vec<&Finding> =
        report.findings.iter().filter(of_gate).filter(|f| f.application.is_none()).collect();
    if !unattached.is_empty() {
        cases.push(("configuration".to_owned(), unattached));
    }
    cases
}

fn case(gate: Gate, name: &str, findings: &[&Finding]) -> String {
    let mut out = format!("    <testcase classname=\"ferry.{}\" name=\"{}\"", gate.as_str(), xml(name));
    let errors: Vec<&&Finding> = findings.iter().filter(|f| f.level == Level::Error).collect();
    let others: Vec<&&Finding> = findings.iter().filter(|f| f.level != Level::Error).collect();
    if errors.is_empty() && others.is_empty() {
        out.push_str("/>\n");
        return out;
    }
    out.push_str(">\n");
    if let Some(first) = errors.first() {
        let body: String = errors.iter().map(|f| format!("{}\n", line(f))).collect();
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            xml(&first.message),
            xml(&first.rule),
            xml(&body)
        );
    }
    if !others.is_empty() {
        let body: String = others.iter().map(|f| format!("{}: {}\n", f.level.as_str(), line(f))).collect();
        let _ = writeln!(out, "      <system-out>{}</system-out>", xml(&body));
    }
    out.push_str("    </testcase>\n");
    out
}

fn line(finding: &Finding) -> String {
    let object = finding.object.as_deref().map(|o| format!(" {o}")).unwrap_or_default();
    format!("[{}]{object} {}: {}", finding.rule, place(finding), finding.message)
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
