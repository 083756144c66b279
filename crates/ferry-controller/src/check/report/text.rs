//! The terminal summary: one row per Application, one line per finding, the verdict last.

use std::fmt::Write;

use super::super::{CheckReport, Level};

/// The summary; with `diffs`, each changed object's diff after its Application's row.
pub fn render(report: &CheckReport, diffs: bool) -> String {
    let mut out = String::new();
    let rows: Vec<[String; 5]> = report
        .applications
        .iter()
        .map(|app| {
            let changed = app.changes.len();
            let change = if changed > 0 {
                format!("{} ({changed} objects)", app.change.as_str())
            } else {
                app.change.as_str().to_owned()
            };
            let findings = report.findings.iter().filter(|f| f.application.as_deref() == Some(&app.name)).count();
            [app.name.clone(), app.environment.clone(), change, app.objects.to_string(), findings.to_string()]
        })
        .collect();
    let header = ["APPLICATION", "ENVIRONMENT", "CHANGE", "OBJECTS", "FINDINGS"];
    let widths: Vec<usize> =
        (0..5).map(|i| rows.iter().map(|r| r[i].len()).chain([header[i].len()]).max().unwrap_or(0)).collect();
    let line = |cells: &[&str]| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("   ").trim_end().to_owned()
    };
    let _ = writeln!(out, "{}", line(&header));
    for (row, app) in rows.iter().zip(&report.applications) {
        let _ = writeln!(out, "{}", line(&row.iter().map(String::as_str).collect::<Vec<_>>()));
        if diffs {
            for change in &app.changes {
                let _ =
                    write!(out, "{}", indent(&format!("{} {}\n{}", change.kind.as_str(), change.object, change.diff)));
            }
        }
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    for finding in &report.findings {
        let _ = writeln!(out, "{finding}");
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let warnings = report.findings.iter().filter(|f| f.level == Level::Warning).count();
    let verdict =
        if report.passed { "passed".to_owned() } else { format!("FAILED: {} blocking findings", report.blocking()) };
    let _ = writeln!(out, "\nferry check {verdict} ({} applications, {warnings} warnings)", report.applications.len());
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}
