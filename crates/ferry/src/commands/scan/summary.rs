//! What a secret scan tells the person at the terminal, on stderr: one summary line, and with
//! `-v` each finding (as gitleaks' `--verbose` prints them) and each skipped file. Secrets
//! appear as the scan left them: redacted when `--redact` was given.

use std::time::Duration;

use ferry_gates::secrets::{Finding, ScanReport, SkipReason, Skipped};

use super::secrets::Target;

/// `N leaks found; scanned 1.2 KiB (3 files) in 4ms; 1 suppressed; 2 skipped (1 binary, 1 too large)`.
pub fn line(report: &ScanReport, target: &Target, elapsed: Duration) -> String {
    let verdict = match report.findings.len() {
        0 => "no leaks found".to_owned(),
        n => format!("{n} leaks found"),
    };
    let unit = match target {
        Target::Stdin => "input",
        Target::Dir(_) => "files",
        Target::History { .. } | Target::Staged(_) => "changes",
    };
    let mut out = format!(
        "{verdict}; scanned {} ({} {unit}) in {}ms",
        human_bytes(report.bytes_scanned),
        report.fragments_scanned,
        elapsed.as_millis()
    );
    if report.suppressed > 0 {
        out.push_str(&format!("; {} suppressed (baseline, .gitleaksignore)", report.suppressed));
    }
    if !report.skipped.is_empty() {
        out.push_str(&format!("; {} skipped ({})", report.skipped.len(), skip_counts(&report.skipped)));
    }
    if !report.unsafe_archive_entries.is_empty() {
        out.push_str(&format!(
            "; {} archive entries with unsafe names (absolute or `..`): {}",
            report.unsafe_archive_entries.len(),
            report.unsafe_archive_entries.join(", ")
        ));
    }
    out
}

/// Each finding, in gitleaks' verbose layout, a blank line after each.
pub fn print_findings(findings: &[Finding]) {
    for finding in findings {
        eprintln!("{}", describe(finding));
    }
}

/// Each skipped file and why.
pub fn print_skipped(skipped: &[Skipped]) {
    for skip in skipped {
        let reason = match &skip.reason {
            SkipReason::Binary => "binary".to_owned(),
            SkipReason::TooLarge { size, limit } => {
                format!("too large: {} over the limit of {}", human_bytes(*size), human_bytes(*limit))
            }
            SkipReason::Unreadable(why) => format!("unreadable: {why}"),
            SkipReason::ArchiveTooDeep { limit } => format!("archive nested deeper than --max-archive-depth {limit}"),
            SkipReason::ArchiveLimit(why) => format!("archive limit: {why}"),
        };
        let path = if skip.path.is_empty() { "<stdin>" } else { &skip.path };
        eprintln!("skipped {path}: {reason}");
    }
}

fn describe(finding: &Finding) -> String {
    let shown = if finding.line.trim().is_empty() { finding.matched.trim() } else { finding.line.trim() };
    let mut fields = vec![
        ("Finding", shown.to_owned()),
        ("Secret", finding.secret.clone()),
        ("RuleID", finding.rule_id.clone()),
        ("Entropy", format!("{:.6}", finding.entropy)),
        ("File", finding.file.clone()),
        ("Line", finding.start_line.to_string()),
    ];
    if !finding.commit.is_empty() {
        fields.extend([
            ("Commit", finding.commit.clone()),
            ("Author", finding.author.clone()),
            ("Email", finding.email.clone()),
            ("Date", finding.date.clone()),
        ]);
    }
    fields.push(("Fingerprint", finding.fingerprint.clone()));
    // A composite rule's parts, one line each (`rule-id:line:secret`), as gitleaks prints them.
    for (i, part) in finding.required.iter().enumerate() {
        let name = if i == 0 { "Required" } else { "" };
        fields.push((name, format!("{}:{}:{}", part.rule_id, part.start_line, part.secret.trim())));
    }
    // The caller's newline ends the last field and leaves one blank line between findings.
    fields
        .iter()
        .map(|(name, value)| {
            let label = if name.is_empty() { String::new() } else { format!("{name}:") };
            format!("{label:<13}{value}\n")
        })
        .collect()
}

fn skip_counts(skipped: &[Skipped]) -> String {
    let count = |f: fn(&SkipReason) -> bool| skipped.iter().filter(|s| f(&s.reason)).count();
    let parts = [
        (count(|r| matches!(r, SkipReason::Binary)), "binary"),
        (count(|r| matches!(r, SkipReason::TooLarge { .. })), "too large"),
        (count(|r| matches!(r, SkipReason::Unreadable(_))), "unreadable"),
        (count(|r| matches!(r, SkipReason::ArchiveTooDeep { .. })), "archive too deep"),
        (count(|r| matches!(r, SkipReason::ArchiveLimit(_))), "archive over its limits"),
    ];
    parts.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect::<Vec<_>>().join(", ")
}

/// Bytes in the largest binary unit that keeps the number at least 1, one decimal.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(human_bytes(12), "12 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn the_summary_counts_leaks_suppressions_and_skips() {
        let report = ScanReport {
            findings: vec![Finding::default(), Finding::default()],
            skipped: vec![
                Skipped { path: "a.bin".into(), reason: SkipReason::Binary },
                Skipped { path: "b.log".into(), reason: SkipReason::TooLarge { size: 10, limit: 5 } },
            ],
            suppressed: 1,
            bytes_scanned: 2048,
            fragments_scanned: 3,
            ..ScanReport::default()
        };
        let text = line(&report, &Target::Dir(".".into()), Duration::from_millis(7));
        assert_eq!(
            text,
            "2 leaks found; scanned 2.0 KiB (3 files) in 7ms; 1 suppressed (baseline, .gitleaksignore); \
             2 skipped (1 binary, 1 too large)"
        );
        let clean = ScanReport::default();
        assert!(line(&clean, &Target::Stdin, Duration::ZERO).starts_with("no leaks found;"));
    }
}
