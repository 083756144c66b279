//! The Markdown summary for a pull-request comment: the verdict, one row per Application, the
//! findings, then each Application's changes as collapsed diffs. Kept under GitHub's comment
//! limit by shortening the diffs first.

use std::fmt::Write;

use super::super::{CheckReport, Level};
use super::place;

/// GitHub refuses comments over 65,536 characters; leave room for a bot's own text.
pub const MAX_CHARS: usize = 60_000;

pub fn render(report: &CheckReport) -> String {
    let mut head = String::new();
    let _ = writeln!(head, "{}\n", title(report));
    let _ = writeln!(head, "{}\n", revisions(report));
    head.push_str(&applications(report));
    head.push_str(&findings(report));
    head.push_str(&gates(report));
    let budget = MAX_CHARS.saturating_sub(head.len());
    head.push_str(&changes(report, budget));
    head
}

fn title(report: &CheckReport) -> String {
    if report.passed {
        "## ✅ ferry check passed".to_owned()
    } else {
        format!("## ❌ ferry check failed: {} blocking findings", report.blocking())
    }
}

fn revisions(report: &CheckReport) -> String {
    let short = |hex: &str| hex.chars().take(8).collect::<String>();
    match (&report.base, &report.base_commit) {
        (Some(base), Some(commit)) => {
            format!("Base `{}` ({}) → head ({})", cell(base), short(commit), short(&report.head_commit))
        }
        _ => format!("Head ({}), not compared with a base", short(&report.head_commit)),
    }
}

fn applications(report: &CheckReport) -> String {
    if report.applications.is_empty() {
        return "No Applications in the control folder.\n\n".to_owned();
    }
    let mut out = "| Application | Environment | Change | Objects | Findings |\n|---|---|---|---|---|\n".to_owned();
    for app in &report.applications {
        let mine: Vec<_> = report.findings.iter().filter(|f| f.application.as_deref() == Some(&app.name)).collect();
        let errors = mine.iter().filter(|f| f.level == Level::Error).count();
        let counts = match (errors, mine.len() - errors) {
            (0, 0) => "—".to_owned(),
            (e, 0) => format!("{e} ❌"),
            (0, w) => format!("{w} ⚠️"),
            (e, w) => format!("{e} ❌ {w} ⚠️"),
        };
        let change = match app.changes.len() {
            0 => app.change.as_str().to_owned(),
            n => format!("{} ({n} objects)", app.change.as_str()),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {change} | {} | {counts} |",
            cell(&app.name),
            cell(&app.environment),
            app.objects
        );
    }
    out.push('\n');
    out
}

fn findings(report: &CheckReport) -> String {
    if report.findings.is_empty() {
        return String::new();
    }
    let mut out = "### Findings\n\n| | Gate | Rule | Where | Message |\n|---|---|---|---|---|\n".to_owned();
    for finding in &report.findings {
        let icon = match finding.level {
            Level::Error => "❌",
            Level::Warning => "⚠️",
            Level::Note => "ℹ️",
        };
        let mut place = place(finding);
        if !place.is_empty() {
            place = format!("`{}`", cell(&place));
        }
        let subject: Vec<&str> =
            [finding.application.as_deref(), finding.object.as_deref()].into_iter().flatten().collect();
        if !subject.is_empty() {
            place = format!("{place} {}", cell(&subject.join(", ")));
        }
        let _ = writeln!(
            out,
            "| {icon} | {} | `{}` | {} | {} |",
            finding.gate.as_str(),
            cell(&finding.rule),
            place.trim(),
            cell(&finding.message)
        );
    }
    out.push('\n');
    out
}

fn gates(report: &CheckReport) -> String {
    let mut out = String::new();
    if !report.gates.is_empty() {
        let ran: Vec<String> =
            report.gates.iter().map(|g| format!("{} ({})", g.gate.as_str(), cell(&g.detail))).collect();
        let _ = writeln!(out, "Gates: {}.\n", ran.join("; "));
    }
    for note in &report.notes {
        let _ = writeln!(out, "> {}", cell(note));
    }
    if !report.notes.is_empty() {
        out.push('\n');
    }
    out
}

/// Each Application's diffs in a collapsed block, until `budget` characters are spent.
fn changes(report: &CheckReport, budget: usize) -> String {
    let changed: Vec<_> = report.applications.iter().filter(|a| !a.changes.is_empty()).collect();
    if changed.is_empty() {
        return String::new();
    }
    let mut out = "### Changes\n\n".to_owned();
    let mut left_out = 0;
    for app in changed {
        let mut block = format!(
            "<details><summary><code>{}</code>: {} objects {}</summary>\n\n```diff\n",
            html(&app.name),
            app.changes.len(),
            app.change.as_str()
        );
        for change in &app.changes {
            let _ =
                write!(block, "# {} {}\n{}", change.kind.as_str(), change.object, change.diff.replace("```", "` ` `"));
        }
        block.push_str("```\n\n</details>\n\n");
        if out.len() + block.len() > budget {
            left_out += 1;
            continue;
        }
        out.push_str(&block);
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "_{left_out} Applications' diffs left out to stay within the comment size; run `ferry check --diff` to see them._"
        );
    }
    out
}

/// Text safe inside a table cell: no pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
