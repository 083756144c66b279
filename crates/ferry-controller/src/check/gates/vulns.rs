//! The vulnerability gate: scanners' reports (Trivy, Grype, CycloneDX) matched to the images
//! each Application deploys, judged against the thresholds of the Application's environment.
//! A report applies to an Application when its artifact is one of the Application's images
//! (`nginx:1.27` and `docker.io/library/nginx:1.27` are the same image); a report naming no
//! artifact applies to every Application.

use std::collections::BTreeSet;

use ferry_gates::vuln::{Date, Finding as VulnFinding, Verdict, VulnerabilityPolicy};
use serde_json::Value;

use super::super::AppCheck;
use super::super::finding::{Finding, Gate, Level};

/// Findings of `policy` over `reports` for every Application of the change.
pub fn findings(policy: &VulnerabilityPolicy, reports: &[VulnFinding], apps: &[AppCheck], today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for app in apps.iter().filter(|a| a.head.is_some()) {
        let images: BTreeSet<String> =
            app.head_objects().iter().flat_map(images_of).map(|i| normalise_image(&i)).collect();
        let relevant: Vec<VulnFinding> = reports
            .iter()
            .filter(|f| {
                f.sources.iter().any(|s| s.artifact.is_empty() || images.contains(&normalise_image(&s.artifact)))
            })
            .cloned()
            .collect();
        if relevant.is_empty() {
            continue;
        }
        let verdict = match policy.evaluate(&app.environment, &relevant, today) {
            Ok(verdict) => verdict,
            Err(error) => {
                out.push(app.app_finding(Gate::Vulnerabilities, "policy".into(), Level::Error, error.to_string()));
                continue;
            }
        };
        for (rule, level, message) in verdict_findings(&verdict) {
            out.push(app.app_finding(Gate::Vulnerabilities, rule, level, message));
        }
    }
    out
}

/// A verdict as (rule, level, message): each violated limit blocks, each expired suppression
/// warns. The Stage gate of a promotion words its findings the same way.
pub(crate) fn verdict_findings(verdict: &Verdict) -> Vec<(String, Level, String)> {
    let mut out = Vec::new();
    for violation in &verdict.violations {
        let message = format!(
            "{} in {}: {} found, {} allowed: {}",
            violation.threshold.as_str(),
            verdict.environment,
            violation.found,
            violation.allowed,
            violation.findings.join(", ")
        );
        out.push((violation.threshold.as_str().to_owned(), Level::Error, message));
    }
    for expired in &verdict.expired_suppressions {
        let message = format!(
            "suppression of {} expired on {} ({} finding(s) count again)",
            expired.suppression.id, expired.suppression.expires, expired.matched
        );
        out.push(("expired-suppression".to_owned(), Level::Warning, message));
    }
    out
}

/// Every container image of a workload, pod, pod template or CronJob.
pub fn images_of(object: &Value) -> Vec<String> {
    let specs = ["/spec", "/spec/template/spec", "/spec/jobTemplate/spec/template/spec"];
    let mut out = Vec::new();
    for spec in specs {
        let Some(spec) = object.pointer(spec) else { continue };
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            let containers = spec.get(list).and_then(Value::as_array).into_iter().flatten();
            out.extend(containers.filter_map(|c| c.get("image")?.as_str().map(str::to_owned)));
        }
    }
    out
}

/// An image reference with Docker Hub's implied registry and `library/`, and `:latest` when it
/// names neither tag nor digest.
pub fn normalise_image(image: &str) -> String {
    let image = image.trim();
    let (name, reference) = match image.split_once('@') {
        Some((name, digest)) => (name, format!("@{digest}")),
        None => match image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')) {
            Some((name, tag)) => (name, format!(":{tag}")),
            None => (image, ":latest".to_owned()),
        },
    };
    let first = name.split('/').next().unwrap_or("");
    let has_registry = name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let name = match (has_registry, name.contains('/')) {
        (true, _) => name.to_owned(),
        (false, true) => format!("docker.io/{name}"),
        (false, false) => format!("docker.io/library/{name}"),
    };
    format!("{name}{reference}")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn images_are_compared_in_their_full_form() {
        assert_eq!(normalise_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(normalise_image("nginx:1.27"), "docker.io/library/nginx:1.27");
        assert_eq!(normalise_image("docker.io/library/nginx:1.27"), "docker.io/library/nginx:1.27");
        assert_eq!(normalise_image("org/app:v1"), "docker.io/org/app:v1");
        assert_eq!(normalise_image("localhost:5000/app"), "localhost:5000/app:latest");
        assert_eq!(normalise_image("ghcr.io/o/a@sha256:ab"), "ghcr.io/o/a@sha256:ab");
    }

    #[test]
    fn images_of_every_workload_shape() {
        let cron = json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
            "initContainers": [{"image": "busybox"}], "containers": [{"image": "app:1"}]}}}}}});
        assert_eq!(images_of(&cron), vec!["app:1", "busybox"]);
        let pod = json!({"kind": "Pod", "spec": {"containers": [{"image": "nginx"}]}});
        assert_eq!(images_of(&pod), vec!["nginx"]);
    }
}
