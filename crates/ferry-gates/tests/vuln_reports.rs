//! The vulnerability report readers on their samples in testdata/vuln, merging across reports, and
//! malformed reports.

use std::path::{Path, PathBuf};

use ferry_gates::vuln::{
    Finding, ReportFormat, Severity, Source, Status, VulnError, dedupe, parse_report, read_report, read_reports,
};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/vuln").join(name)
}

fn find<'a>(findings: &'a [Finding], id: &str, package: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.id == id && f.package == package)
        .unwrap_or_else(|| panic!("no finding {id} in {package}: {findings:#?}"))
}

fn count(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

#[test]
fn trivy_report_is_read_with_severities_and_fix_states() {
    let report = read_report(&sample("trivy-image.json")).unwrap();
    assert_eq!(report.format, ReportFormat::Trivy);
    assert_eq!(report.artifact, "registry.example.com/shop/api:1.4.2");
    assert_eq!(report.findings.len(), 10, "every Vulnerabilities entry of every result, and one modified finding");
    assert_eq!(count(&report.findings, Severity::Critical), 1);
    assert_eq!(count(&report.findings, Severity::High), 3);
    assert_eq!(count(&report.findings, Severity::Unknown), 1);

    let openssl = find(&report.findings, "CVE-2024-0727", "openssl");
    assert_eq!((openssl.status.clone(), openssl.fixed_version.as_deref()), (Status::Fixable, Some("3.0.13-1~deb12u1")));
    assert_eq!(openssl.installed_version, "3.0.11-1~deb12u2");
    assert_eq!(
        openssl.sources,
        vec![Source {
            report: sample("trivy-image.json").display().to_string(),
            format: ReportFormat::Trivy,
            artifact: "registry.example.com/shop/api:1.4.2".to_owned(),
        }]
    );
    assert_eq!(find(&report.findings, "CVE-2023-45853", "zlib1g").status, Status::WontFix);
    let libgcc = find(&report.findings, "CVE-2023-4039", "libgcc-s1");
    assert_eq!((libgcc.status.clone(), libgcc.fixed_version.clone()), (Status::NotFixed, None), "empty FixedVersion");
    let modified = find(&report.findings, "CVE-2023-7008", "libsystemd0");
    let reason = "trivy not_affected: vulnerable_code_not_in_execute_path (shop-api.openvex.json)";
    assert_eq!((modified.severity, &modified.status), (Severity::Medium, &Status::Suppressed(reason.to_owned())));
    assert!(!report.findings.iter().any(|f| f.id == "DS026"), "a suppressed misconfiguration is no vulnerability");
}

#[test]
fn grype_report_is_read_with_fix_states_and_ignored_matches() {
    let report = read_report(&sample("grype-image.json")).unwrap();
    assert_eq!(report.format, ReportFormat::Grype);
    assert_eq!(report.artifact, "registry.example.com/shop/api:1.4.2", "source.target.userInput");
    assert_eq!(report.findings.len(), 6);
    assert_eq!(count(&report.findings, Severity::Critical), 1);
    assert_eq!(count(&report.findings, Severity::Negligible), 1);

    let openssl = find(&report.findings, "CVE-2024-0727", "openssl");
    assert_eq!((openssl.severity, openssl.status.clone()), (Severity::Medium, Status::Fixable));
    assert_eq!(find(&report.findings, "CVE-2023-45853", "zlib1g").status, Status::WontFix);
    assert_eq!(find(&report.findings, "CVE-2011-3374", "apt").status, Status::NotFixed);
    let stdlib = find(&report.findings, "CVE-2024-24790", "stdlib");
    assert_eq!(stdlib.fixed_version.as_deref(), Some("1.21.11, 1.22.4"));
    let ignored = find(&report.findings, "CVE-2022-0563", "util-linux");
    assert_eq!(ignored.status, Status::Suppressed("grype ignore rule: chfn and chsh are not shipped".to_owned()));
}

#[test]
fn cyclonedx_report_is_read_with_vex_states() {
    let report = read_report(&sample("cyclonedx-vex.json")).unwrap();
    assert_eq!(report.format, ReportFormat::CycloneDx);
    assert_eq!(report.artifact, "shop/web");
    assert_eq!(report.findings.len(), 8, "one finding per affected component");
    let suppressed: Vec<&str> =
        report.findings.iter().filter(|f| f.status.is_suppressed()).map(|f| f.id.as_str()).collect();
    assert_eq!(
        suppressed,
        ["CVE-2022-24999", "CVE-2022-25883", "CVE-2024-29041"],
        "not_affected, resolved, false_positive"
    );

    let lodash = find(&report.findings, "CVE-2021-23337", "lodash");
    assert_eq!((lodash.severity, lodash.status.clone()), (Severity::High, Status::Fixable), "exploitable is kept");
    assert_eq!((lodash.installed_version.as_str(), lodash.fixed_version.as_deref()), ("4.17.20", Some("4.17.21")));
    let qs = find(&report.findings, "CVE-2022-24999", "qs");
    assert_eq!(
        (qs.installed_version.as_str(), &qs.status),
        ("6.11.0", &Status::Suppressed("vex: not_affected (code_not_reachable)".to_owned()))
    );
    let snakeyaml = find(&report.findings, "CVE-2022-1471", "snakeyaml");
    assert_eq!(
        (snakeyaml.severity, snakeyaml.status.clone()),
        (Severity::Critical, Status::NotFixed),
        "score 9.8, in_triage"
    );
    assert_eq!(find(&report.findings, "CVE-2020-28500", "lodash").severity, Severity::Medium, "highest rating");
    let outside = find(&report.findings, "CVE-2020-28500", "lodash.template");
    assert_eq!(outside.installed_version, "4.5.0", "a reference outside the BOM read as a package URL");
    let wont = find(&report.findings, "GHSA-4v9c-2m5q-hx7f", "express");
    assert_eq!((wont.severity, wont.status.clone()), (Severity::Unknown, Status::WontFix));
}

#[test]
fn the_same_vulnerability_counts_once_across_reports() {
    let merged = read_reports(&[sample("trivy-image.json"), sample("grype-image.json")]).unwrap();
    assert_eq!(merged.len(), 12, "9 distinct in Trivy, 3 more in Grype: {merged:#?}");
    let openssl = find(&merged, "CVE-2024-0727", "openssl");
    assert_eq!(openssl.severity, Severity::Critical, "the higher of CRITICAL (Trivy) and Medium (Grype)");
    assert_eq!(
        openssl.sources.iter().map(|s| s.format).collect::<Vec<_>>(),
        [ReportFormat::Trivy, ReportFormat::Grype]
    );
    let net = find(&merged, "CVE-2023-45288", "golang.org/x/net");
    assert_eq!(net.sources.len(), 2, "listed twice by Trivy (two binaries) and once by Grype");
    assert_eq!(find(&merged, "CVE-2023-45853", "zlib1g").severity, Severity::Critical);
}

#[test]
fn a_suppression_in_one_report_wins_over_a_fix_in_another() {
    let trivy = parse_report(
        "a.json",
        r#"{"SchemaVersion":2,"Results":[{"Vulnerabilities":[
        {"VulnerabilityID":"CVE-1","PkgName":"p","InstalledVersion":"1","FixedVersion":"2","Severity":"HIGH"}]}]}"#,
    )
    .unwrap();
    let vex = parse_report(
        "b.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6",
        "components":[{"bom-ref":"p1","name":"p","version":"1"}],
        "vulnerabilities":[{"id":"CVE-1","affects":[{"ref":"p1"}],"analysis":{"state":"not_affected"}}]}"#,
    )
    .unwrap();
    let merged = dedupe(trivy.findings.into_iter().chain(vex.findings));
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].status, Status::Suppressed("vex: not_affected".to_owned()));
    assert_eq!((merged[0].severity, merged[0].fixed_version.as_deref()), (Severity::High, Some("2")));
}

#[test]
fn packages_named_differently_by_two_scanners_merge_by_package_url() {
    let trivy = parse_report("trivy.json", r#"{"SchemaVersion":2,"Results":[{"Vulnerabilities":[
        {"VulnerabilityID":"CVE-2022-1471","PkgName":"org.yaml:snakeyaml","InstalledVersion":"1.33","Severity":"HIGH"}]}]}"#)
    .unwrap();
    let grype = parse_report(
        "grype.json",
        r#"{"matches":[{"vulnerability":{"id":"CVE-2022-1471","severity":"Critical",
        "fix":{"versions":["2.0"],"state":"fixed"}},
        "artifact":{"name":"snakeyaml","version":"1.33","purl":"pkg:maven/org.yaml/snakeyaml@1.33"}}]}"#,
    )
    .unwrap();
    let merged = dedupe(trivy.findings.into_iter().chain(grype.findings));
    assert_eq!(merged.len(), 1, "{merged:#?}");
    assert_eq!((merged[0].package.as_str(), merged[0].severity), ("org.yaml:snakeyaml", Severity::Critical));
    assert_eq!((&merged[0].status, merged[0].fixed_version.as_deref()), (&Status::Fixable, Some("2.0")));
}

#[test]
fn a_separate_vex_document_suppresses_a_scanner_finding_through_a_bom_link() {
    let trivy = read_report(&sample("trivy-image.json")).unwrap();
    let vex = parse_report("shop-api.vex.json", r#"{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[
        {"id":"CVE-2023-45853","affects":[{"ref":"urn:cdx:5d1f0c3e-7b2a-4e8f-9a61-2c4d8e0b7f13/1#pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64"}],
         "analysis":{"state":"not_affected","justification":"vulnerable_code_not_present"}}]}"#)
    .unwrap();
    assert_eq!(
        (vex.findings[0].package.as_str(), vex.findings[0].installed_version.as_str()),
        ("zlib1g", "1:1.2.13.dfsg-1")
    );
    let merged = dedupe(trivy.findings.into_iter().chain(vex.findings));
    let zlib = find(&merged, "CVE-2023-45853", "zlib1g");
    assert_eq!(zlib.status, Status::Suppressed("vex: not_affected (vulnerable_code_not_present)".to_owned()));
    assert_eq!(zlib.sources.len(), 2);
}

#[test]
fn a_malformed_modified_finding_names_its_json_path() {
    let (_, message) = error_of(
        r#"{"SchemaVersion":2,"Results":[{"ExperimentalModifiedFindings":[
        {"Type":"vulnerability","Status":"ignored","Finding":{"VulnerabilityID":"CVE-1","PkgName":["p"],"Severity":"LOW"}}]}]}"#,
    );
    assert!(
        message.contains("at `Results[0].ExperimentalModifiedFindings[0].Finding.PkgName`: invalid type"),
        "{message}"
    );
}

#[test]
fn a_clean_trivy_report_has_no_findings() {
    let report = parse_report("clean.json", r#"{"SchemaVersion":2,"ArtifactName":"alpine:3.20"}"#).unwrap();
    assert_eq!((report.format, report.findings.len()), (ReportFormat::Trivy, 0));
}

/// Writes `text` to a file and reads it as a report, returning the error's message.
fn error_of(text: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.json");
    std::fs::write(&path, text).unwrap();
    let error = read_report(&path).expect_err("a malformed report");
    (path.display().to_string(), error.to_string())
}

#[test]
fn a_report_that_is_not_json_names_file_and_line() {
    let (file, message) = error_of("{\n  \"SchemaVersion\": 2,\n  oops\n}");
    assert!(message.starts_with(&format!("{file}: not valid JSON: line 3")), "{message}");
}

#[test]
fn a_field_of_the_wrong_type_names_file_and_json_path() {
    let (file, message) = error_of(
        r#"{"SchemaVersion":2,"Results":[{"Vulnerabilities":[
        {"VulnerabilityID":"CVE-1","PkgName":"p","InstalledVersion":"1","Severity":5}]}]}"#,
    );
    assert!(message.starts_with(&format!("{file}: at `Results[0].Vulnerabilities[0].Severity`")), "{message}");
    assert!(message.contains("invalid type: integer `5`"), "{message}");

    let (_, message) =
        error_of(r#"{"matches":[{"vulnerability":{"id":"CVE-1","severity":"High"},"artifact":{"version":"1"}}]}"#);
    assert!(message.contains("at `matches[0].artifact`: missing field `name`"), "{message}");

    let (_, message) =
        error_of(r#"{"matches":[{"vulnerability":{"id":"CVE-1","severity":"Severe"},"artifact":{"name":"p"}}]}"#);
    assert!(message.contains("at `matches[0].vulnerability.severity`: unknown severity `Severe`"), "{message}");
}

#[test]
fn an_unknown_format_or_version_is_refused_by_name() {
    for text in [r#"{"packages": []}"#, "[]", r#"{"bomFormat": "SPDX"}"#] {
        let (file, message) = error_of(text);
        assert!(message.starts_with(&format!("{file}: unknown report format")), "{text}: {message}");
    }
    let (_, message) = error_of(r#"{"SchemaVersion": 1, "Results": []}"#);
    assert!(message.contains("Trivy SchemaVersion 1 is not supported"), "{message}");
    let (_, message) = error_of(r#"{"bomFormat": "CycloneDX", "specVersion": "1.3", "components": []}"#);
    assert!(message.contains("CycloneDX specVersion `1.3` is not supported"), "{message}");
}

#[test]
fn a_missing_report_is_a_read_error() {
    let missing = sample("does-not-exist.json");
    let error = read_report(&missing).unwrap_err();
    assert!(matches!(error, VulnError::Read { ref path, .. } if *path == missing), "{error}");
}
