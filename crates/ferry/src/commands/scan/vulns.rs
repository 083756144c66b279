//! `ferry scan vulns`: reads scanners' reports, merges their findings, and with a policy judges
//! them for one environment, as the vulnerability gate of `ferry check` and promotions does.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use ferry_gates::vuln::{Date, Finding, VulnerabilityPolicy, read_reports};

use super::Exit;
use crate::cli::{VulnOutput, VulnsArgs};

/// Runs the scan; the exit code says whether the policy's limits hold.
pub fn run(args: &VulnsArgs) -> anyhow::Result<Exit> {
    let findings = read_reports(&args.reports)?;
    let Some(policy_path) = &args.policy else {
        print_findings(&findings, args.output)?;
        return Ok(Exit::Success);
    };
    let policy = VulnerabilityPolicy::load(policy_path)?;
    let today = today(args.today.as_deref())?;
    let verdict = policy.evaluate(&args.environment, &findings, today)?;
    match args.output {
        VulnOutput::Text => print!("{verdict}"),
        VulnOutput::Json => println!("{}", serde_json::to_string_pretty(&verdict)?),
    }
    Ok(if verdict.passed { Exit::Success } else { Exit::ProblemCode(args.exit_code) })
}

/// Every finding, most severe first, and the counts.
fn print_findings(findings: &[Finding], output: VulnOutput) -> anyhow::Result<()> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    match output {
        VulnOutput::Json => println!("{}", serde_json::to_string_pretty(&sorted)?),
        VulnOutput::Text => {
            for finding in &sorted {
                println!("{finding}");
            }
            let suppressed = sorted.iter().filter(|f| f.status.is_suppressed()).count();
            println!("{} findings ({suppressed} suppressed by the reports)", sorted.len());
        }
    }
    Ok(())
}

/// `--today`, else the system clock's date in UTC.
pub(crate) fn today(given: Option<&str>) -> anyhow::Result<Date> {
    if let Some(text) = given {
        return text.parse().with_context(|| "--today");
    }
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).context("the system clock is before 1970")?.as_secs();
    let days = i64::try_from(seconds / 86_400).context("the system clock is out of range")?;
    Date::from_unix_days(days).context("the system clock is out of range")
}
