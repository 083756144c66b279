//! A finding, with gitleaks' JSON field names, its fingerprint and redaction.

use serde::{Deserialize, Serialize};

/// One detected secret, serialized exactly as gitleaks writes it in its JSON report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Finding {
    #[serde(rename = "RuleID")]
    pub rule_id: String,
    #[serde(rename = "Description")]
    pub description: String,
    #[serde(rename = "StartLine")]
    pub start_line: usize,
    #[serde(rename = "EndLine")]
    pub end_line: usize,
    #[serde(rename = "StartColumn")]
    pub start_column: usize,
    #[serde(rename = "EndColumn")]
    pub end_column: usize,
    /// The full line(s) of the match; not part of the report (gitleaks omits it too).
    #[serde(skip)]
    pub line: String,
    #[serde(rename = "Match")]
    pub matched: String,
    #[serde(rename = "Secret")]
    pub secret: String,
    #[serde(rename = "File")]
    pub file: String,
    #[serde(rename = "SymlinkFile")]
    pub symlink_file: String,
    #[serde(rename = "Commit")]
    pub commit: String,
    #[serde(rename = "Link", skip_serializing_if = "String::is_empty")]
    pub link: String,
    #[serde(rename = "Entropy")]
    pub entropy: f32,
    #[serde(rename = "Author")]
    pub author: String,
    #[serde(rename = "Email")]
    pub email: String,
    #[serde(rename = "Date")]
    pub date: String,
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(rename = "Tags", deserialize_with = "null_as_empty")]
    pub tags: Vec<String>,
    #[serde(rename = "Fingerprint")]
    pub fingerprint: String,
    /// For a composite rule (`[[rules.required]]`): the findings of the required rules near this
    /// one. Not in gitleaks' JSON (it keeps them internal); omitted when empty.
    #[serde(rename = "RequiredFindings", skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<RequiredFinding>,
}

/// A required rule's finding attached to a composite rule's finding (gitleaks' field subset).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RequiredFinding {
    #[serde(rename = "RuleID")]
    pub rule_id: String,
    #[serde(rename = "StartLine")]
    pub start_line: usize,
    #[serde(rename = "EndLine")]
    pub end_line: usize,
    #[serde(rename = "StartColumn")]
    pub start_column: usize,
    #[serde(rename = "EndColumn")]
    pub end_column: usize,
    #[serde(skip)]
    pub line: String,
    #[serde(rename = "Match")]
    pub matched: String,
    #[serde(rename = "Secret")]
    pub secret: String,
}

impl From<&Finding> for RequiredFinding {
    fn from(f: &Finding) -> Self {
        RequiredFinding {
            rule_id: f.rule_id.clone(),
            start_line: f.start_line,
            end_line: f.end_line,
            start_column: f.start_column,
            end_column: f.end_column,
            line: f.line.clone(),
            matched: f.matched.clone(),
            secret: f.secret.clone(),
        }
    }
}

impl Finding {
    /// `file:rule:line`, the fingerprint `.gitleaksignore` accepts for any commit.
    pub fn global_fingerprint(&self) -> String {
        format!("{}:{}:{}", self.file, self.rule_id, self.start_line)
    }

    /// gitleaks' fingerprint: `commit:file:rule:line` in Git scans, `file:rule:line` otherwise.
    pub fn compute_fingerprint(&self) -> String {
        if self.commit.is_empty() {
            self.global_fingerprint()
        } else {
            format!("{}:{}", self.commit, self.global_fingerprint())
        }
    }

    /// Hides `percent` % of the secret (gitleaks v8.19+): 100 or more gives `REDACTED`, less keeps
    /// the leading part and appends `...`. The secret is replaced in `Match` and the line too.
    pub fn redact(&mut self, percent: u8) {
        if percent == 0 || self.secret.is_empty() {
            return;
        }
        let masked = redact_in(&mut self.secret, &mut [&mut self.line, &mut self.matched], percent);
        // The required findings' secrets are secrets too (gitleaks leaves them in its verbose output).
        for r in &mut self.required {
            redact_in(&mut r.secret, &mut [&mut r.line, &mut r.matched], percent);
            // The primary secret may appear on a required finding's line as well.
            r.line = r.line.replace(&masked.0, &masked.1);
            r.matched = r.matched.replace(&masked.0, &masked.1);
        }
    }
}

/// Replaces `secret` by its masked form, in `texts` too; returns (the secret, its mask).
fn redact_in(secret: &mut String, texts: &mut [&mut String], percent: u8) -> (String, String) {
    if secret.is_empty() {
        return (String::new(), String::new());
    }
    let masked = if percent >= 100 { "REDACTED".to_string() } else { mask(secret, percent) };
    for text in texts.iter_mut() {
        **text = text.replace(secret.as_str(), &masked);
    }
    let original = std::mem::replace(secret, masked.clone());
    (original, masked)
}

/// Keeps the leading `100 - percent` % of the bytes (rounded half to even), then `...`.
fn mask(secret: &str, percent: u8) -> String {
    let keep = (secret.len() as f64 * f64::from(100 - percent) / 100.0).round_ties_even() as usize;
    let mut keep = keep.min(secret.len());
    while !secret.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}...", &secret[..keep])
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> Finding {
        Finding {
            rule_id: "r".into(),
            secret: "abcdefghij".into(),
            matched: "key=abcdefghij".into(),
            line: "key=abcdefghij # x".into(),
            file: "a/b.txt".into(),
            start_line: 3,
            ..Finding::default()
        }
    }

    #[test]
    fn full_redaction() {
        let mut f = finding();
        f.redact(100);
        assert_eq!((f.secret.as_str(), f.matched.as_str()), ("REDACTED", "key=REDACTED"));
        assert!(!f.line.contains("abcdefghij"));
    }

    #[test]
    fn partial_redaction_keeps_the_leading_part() {
        let mut f = finding();
        f.redact(20);
        assert_eq!(f.secret, "abcdefgh...");
        assert_eq!(f.matched, "key=abcdefgh...");
        let mut g = finding();
        g.redact(0);
        assert_eq!(g.secret, "abcdefghij");
    }

    #[test]
    fn fingerprints() {
        let mut f = finding();
        assert_eq!(f.compute_fingerprint(), "a/b.txt:r:3");
        f.commit = "abc123".into();
        assert_eq!(f.compute_fingerprint(), "abc123:a/b.txt:r:3");
    }

    #[test]
    fn json_uses_gitleaks_field_names() {
        let json = serde_json::to_value(finding()).unwrap();
        for key in
            ["RuleID", "StartLine", "EndColumn", "Match", "Secret", "SymlinkFile", "Entropy", "Tags", "Fingerprint"]
        {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert!(json.get("Line").is_none() && json.get("Link").is_none());
        let back: Finding = serde_json::from_str(r#"{"RuleID":"x","Tags":null}"#).unwrap();
        assert_eq!(back.rule_id, "x");
    }
}
