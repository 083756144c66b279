//! Vulnerability thresholds per environment, suppressions that expire, and the verdict.

use std::path::{Path, PathBuf};

use ferry_gates::vuln::{Date, Finding, Severity, Threshold, VulnError, VulnerabilityPolicy, read_reports};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/vuln").join(name)
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

/// Trivy and Grype on the same image, merged (12 findings, 2 suppressed by the scanners).
fn image_findings() -> Vec<Finding> {
    read_reports(&[sample("trivy-image.json"), sample("grype-image.json")]).unwrap()
}

fn policy() -> VulnerabilityPolicy {
    VulnerabilityPolicy::load(&sample("policy.yaml")).unwrap()
}

fn suppressed_ids(verdict: &ferry_gates::vuln::Verdict) -> Vec<&str> {
    verdict.suppressed.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn production_counts_only_fixable_findings_and_fails_on_too_many_high() {
    let verdict = policy().evaluate("production", &image_findings(), date("2026-03-01")).unwrap();
    assert!(!verdict.passed);
    assert!(verdict.fixable_only);
    assert_eq!(verdict.counts.all.critical, 1, "zlib1g: its suppression expired; openssl is suppressed");
    assert_eq!(verdict.counts.fixable.critical, 0, "zlib1g will not be fixed");
    assert_eq!((verdict.counts.all.high, verdict.counts.fixable.high), (3, 2));
    assert_eq!(verdict.counts.all.total(), 9);
    assert_eq!(verdict.violations.len(), 1, "{:#?}", verdict.violations);
    let violation = &verdict.violations[0];
    assert_eq!((violation.threshold, violation.found, violation.allowed), (Threshold::MaxHigh, 2, 1));
    assert_eq!(violation.findings, ["CVE-2023-45288 golang.org/x/net@v0.17.0", "CVE-2024-24790 stdlib@go1.21.5"]);
    assert_eq!(
        suppressed_ids(&verdict),
        ["CVE-2024-0727", "CVE-2023-7008", "CVE-2022-0563"],
        "by the policy, by Trivy's VEX, by Grype's ignore rule"
    );
}

#[test]
fn without_fixable_only_every_unsuppressed_finding_counts() {
    let yaml = "apiVersion: ferry.dev/v1alpha1\nkind: VulnerabilityPolicy\nspec:\n  default: {maxHigh: 2, maxLow: 2}\n";
    let verdict = VulnerabilityPolicy::from_yaml("p.yaml", yaml)
        .unwrap()
        .evaluate("production", &image_findings(), date("2026-03-01"))
        .unwrap();
    assert!(!verdict.passed);
    let found: Vec<(Threshold, u32, u32)> =
        verdict.violations.iter().map(|v| (v.threshold, v.found, v.allowed)).collect();
    assert_eq!(found, [(Threshold::MaxHigh, 3, 2)], "2 LOW counted (util-linux is suppressed by Grype)");
}

#[test]
fn thresholds_differ_per_environment() {
    let policy = policy();
    let findings = image_findings();
    let staging = policy.evaluate("staging", &findings, date("2026-03-01")).unwrap();
    assert!(staging.passed, "{staging}");
    assert!(suppressed_ids(&staging).contains(&"CVE-2023-45288"), "a staging-only suppression, id in lower case");
    let production = policy.evaluate("production", &findings, date("2026-03-01")).unwrap();
    assert!(!production.suppressed.iter().any(|f| f.id == "CVE-2023-45288"), "not suppressed outside staging");

    let dev = policy.evaluate("dev", &findings, date("2026-03-01")).unwrap();
    assert!(dev.passed && dev.violations.is_empty(), "an empty entry sets no limit, and replaces the default");
    let unlisted = policy.evaluate("qa", &findings, date("2026-03-01")).unwrap();
    let found: Vec<(Threshold, u32)> = unlisted.violations.iter().map(|v| (v.threshold, v.found)).collect();
    assert_eq!(found, [(Threshold::MaxCritical, 1)], "the default applies");
}

#[test]
fn a_suppression_holds_through_its_last_day_then_counts_and_is_reported() {
    let policy = policy();
    let findings = image_findings();
    let last_day = policy.evaluate("production", &findings, date("2026-06-30")).unwrap();
    assert!(suppressed_ids(&last_day).contains(&"CVE-2024-0727"));
    assert!(last_day.violations.iter().all(|v| v.threshold != Threshold::MaxCritical));
    let expired: Vec<(&str, usize)> =
        last_day.expired_suppressions.iter().map(|e| (e.suppression.id.as_str(), e.matched)).collect();
    assert_eq!(expired, [("CVE-2023-45853", 1)]);

    let after = policy.evaluate("production", &findings, date("2026-07-01")).unwrap();
    assert!(!suppressed_ids(&after).contains(&"CVE-2024-0727"));
    let critical = after.violations.iter().find(|v| v.threshold == Threshold::MaxCritical).expect("a violation");
    assert_eq!((critical.found, critical.allowed), (1, 0), "openssl counts again");
    let expired: Vec<&str> = after.expired_suppressions.iter().map(|e| e.suppression.id.as_str()).collect();
    assert_eq!(expired, ["CVE-2024-0727", "CVE-2023-45853"]);
}

#[test]
fn fail_on_unknown_counts_findings_of_unknown_severity() {
    let policy = |fixable_only: bool| {
        let yaml = format!(
            "apiVersion: ferry.dev/v1alpha1\nkind: VulnerabilityPolicy\nspec:\n  default: {{failOnUnknown: true, fixableOnly: {fixable_only}}}\n"
        );
        VulnerabilityPolicy::from_yaml("p.yaml", &yaml).unwrap()
    };
    let findings = image_findings();
    let verdict = policy(false).evaluate("any", &findings, date("2026-03-01")).unwrap();
    let found: Vec<(Threshold, Severity, u32, u32)> =
        verdict.violations.iter().map(|v| (v.threshold, v.severity, v.found, v.allowed)).collect();
    assert_eq!(found, [(Threshold::FailOnUnknown, Severity::Unknown, 1, 0)]);
    assert!(policy(true).evaluate("any", &findings, date("2026-03-01")).unwrap().passed, "the unknown one has no fix");
}

#[test]
fn vex_suppressions_from_a_bom_do_not_count() {
    let findings = read_reports(&[sample("cyclonedx-vex.json")]).unwrap();
    let yaml = "apiVersion: ferry.dev/v1alpha1\nkind: VulnerabilityPolicy\nspec:\n  default: {maxHigh: 0}\n";
    let verdict =
        VulnerabilityPolicy::from_yaml("p.yaml", yaml).unwrap().evaluate("dev", &findings, date("2026-03-01")).unwrap();
    assert_eq!(verdict.suppressed.len(), 3);
    assert_eq!(verdict.counts.all.high, 1, "lodash only: the HIGH in qs is not_affected");
    assert!(!verdict.passed);
}

#[test]
fn the_verdict_reads_as_a_summary_and_as_json() {
    let verdict = policy().evaluate("production", &image_findings(), date("2026-03-01")).unwrap();
    let summary = verdict.to_string();
    assert!(summary.starts_with("vulnerabilities in production: FAILED (fixable findings only)"), "{summary}");
    assert!(summary.contains("1 critical (0 fixable), 3 high (2 fixable)"), "{summary}");
    assert!(summary.contains("violation: maxHigh: 2 found, 1 allowed"), "{summary}");
    assert!(summary.contains("expired suppression: CVE-2023-45853 in zlib1g expired 2025-12-31"), "{summary}");

    let json = serde_json::to_value(&verdict).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["counts"]["fixable"]["high"], 2);
    assert_eq!(json["violations"][0]["threshold"], "maxHigh");
    assert_eq!(json["expired_suppressions"][0]["id"], "CVE-2023-45853");
    assert_eq!(json["expired_suppressions"][0]["expires"], "2025-12-31");
    assert_eq!(json["suppressed"][0]["status"]["state"], "suppressed");
    assert_eq!(
        json["suppressed"][0]["status"]["reason"],
        "policy: no PKCS12 parsing of untrusted input (until 2026-06-30)"
    );
    assert_eq!(json["findings"][0]["severity"], "critical", "most severe first");
}

#[test]
fn an_environment_without_thresholds_or_default_is_an_error() {
    let yaml = "apiVersion: ferry.dev/v1alpha1\nkind: VulnerabilityPolicy\nspec:\n  environments:\n    prod: {maxCritical: 0}\n";
    let error =
        VulnerabilityPolicy::from_yaml("p.yaml", yaml).unwrap().evaluate("qa", &[], date("2026-03-01")).unwrap_err();
    assert!(matches!(error, VulnError::UnknownEnvironment { .. }));
    assert_eq!(
        error.to_string(),
        "p.yaml: no thresholds for environment `qa` and no `spec.default` (environments: prod)"
    );
}

#[test]
fn policy_mistakes_name_file_and_field() {
    let head = "apiVersion: ferry.dev/v1alpha1\nkind: VulnerabilityPolicy\n";
    let cases = [
        (
            format!("{head}spec:\n  environments:\n    prod: {{maxCritcal: 0}}\n"),
            "field `spec.environments.prod.maxCritcal`: unknown field `maxCritcal`",
        ),
        (
            format!("{head}spec:\n  default: {{maxHigh: -1}}\n"),
            "field `spec.default.maxHigh`: invalid value: integer `-1`",
        ),
        (
            format!("{head}spec:\n  suppressions:\n  - {{id: CVE-1, expires: 2026-02-30, reason: r}}\n"),
            "field `spec.suppressions[0].expires`: `2026-02-30` is not a date",
        ),
        (
            format!("{head}spec:\n  suppressions:\n  - {{id: CVE-1, reason: r}}\n"),
            "field `spec.suppressions[0]`: missing field `expires`",
        ),
        (
            format!("{head}spec:\n  suppressions:\n  - {{id: CVE-1, expires: 2026-01-01, reason: ''}}\n"),
            "field `spec.suppressions[0].reason`: must not be empty",
        ),
        (
            "apiVersion: ferry.dev/v1alpha1\nkind: GatePolicy\nspec: {}\n".to_owned(),
            "field `kind`: expected `VulnerabilityPolicy`, found `GatePolicy`",
        ),
        (format!("{head}spec: [\n"), "not valid YAML: line"),
    ];
    for (yaml, expected) in cases {
        let message = VulnerabilityPolicy::from_yaml("policies/vuln.yaml", &yaml).unwrap_err().to_string();
        assert!(message.starts_with("policies/vuln.yaml: "), "{message}");
        assert!(message.contains(expected), "{yaml}\nexpected: {expected}\ngot: {message}");
    }
}
