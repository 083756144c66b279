//! gitleaks' JSON report: an array of findings with its field names.

use crate::secrets::Finding;

/// The findings as a gitleaks JSON report (`[]` when there are none).
pub fn render(findings: &[Finding]) -> String {
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".to_string()) + "\n"
}
