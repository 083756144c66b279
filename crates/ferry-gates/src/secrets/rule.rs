//! A compiled rule: what to look for, where, and what to accept.

use regex::Regex;

use super::allowlist::Allowlist;
use super::error::SecretsError;
use super::raw::RawRule;
use super::re2;

/// One detection rule, compiled from gitleaks TOML.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub description: String,
    /// The content regex; `None` for a path-only rule.
    pub regex: Option<Regex>,
    /// Restricts the rule to matching file paths; alone, it flags the files themselves.
    pub path: Option<Regex>,
    /// The capture group holding the secret; 0 picks the first non-empty group.
    pub secret_group: usize,
    /// Minimum Shannon entropy of the secret; 0 disables the check.
    pub entropy: f64,
    /// Lower-cased; the rule runs only on text containing one of them (or always, when empty).
    pub keywords: Vec<String>,
    pub tags: Vec<String>,
    pub allowlists: Vec<Allowlist>,
    /// Only reported when found inside another finding (gitleaks' `skipReport`); never reported alone.
    pub skip_report: bool,
    /// `[[rules.required]]`: a finding of this rule is reported only when each of these rules
    /// also matches in the same fragment, within the given distance.
    pub required: Vec<Required>,
}

/// A rule a composite rule needs nearby (`[[rules.required]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Required {
    pub rule_id: String,
    /// At most this many lines between the two findings' start lines; `None`: anywhere.
    pub within_lines: Option<usize>,
    /// At most this many columns between the two findings' start columns; `None`: anywhere.
    pub within_columns: Option<usize>,
}

impl Required {
    /// Whether a finding of the required rule at (`line`, `column`) is close enough to the
    /// primary finding at (`primary_line`, `primary_column`), as gitleaks measures it.
    pub fn is_near(&self, (primary_line, primary_column): (usize, usize), (line, column): (usize, usize)) -> bool {
        let lines_ok = self.within_lines.is_none_or(|n| primary_line.abs_diff(line) <= n);
        let columns_ok = self.within_columns.is_none_or(|n| primary_column.abs_diff(column) <= n);
        lines_ok && columns_ok
    }
}

impl Rule {
    /// Compiles a raw rule, validating it as gitleaks does.
    pub(crate) fn compile(raw: &RawRule) -> Result<Rule, SecretsError> {
        let origin = raw.origin.as_str();
        let invalid = |message: String| SecretsError::Invalid {
            origin: origin.into(),
            location: format!("rule {:?}", raw.id),
            message,
        };
        if raw.id.trim().is_empty() {
            return Err(invalid("|id| is missing or empty".into()));
        }
        let regex_error = |field: &'static str| {
            move |e: regex::Error| SecretsError::Regex {
                origin: origin.into(),
                rule_id: raw.id.clone(),
                field,
                source: Box::new(e),
            }
        };
        let regex = raw
            .regex
            .as_deref()
            .filter(|r| !r.is_empty())
            .map(re2::compile)
            .transpose()
            .map_err(regex_error("regex"))?;
        let path =
            raw.path.as_deref().filter(|p| !p.is_empty()).map(re2::compile).transpose().map_err(regex_error("path"))?;
        if regex.is_none() && path.is_none() {
            return Err(invalid("both |regex| and |path| are empty, this rule will have no effect".into()));
        }
        if let Some(re) = &regex {
            let groups = re.captures_len() - 1;
            if raw.secret_group > groups {
                return Err(invalid(format!(
                    "invalid secretGroup {}: the regex has {groups} group(s)",
                    raw.secret_group
                )));
            }
        }
        let required = compile_required(raw).map_err(&invalid)?;
        let owner = format!("rule {:?}", raw.id);
        let allowlists =
            raw.allowlists.iter().map(|a| Allowlist::compile(a, &owner, origin)).collect::<Result<Vec<_>, _>>()?;
        Ok(Rule {
            id: raw.id.clone(),
            description: raw.description.clone(),
            regex,
            path,
            secret_group: raw.secret_group,
            entropy: raw.entropy,
            keywords: dedup_lowercase(&raw.keywords),
            tags: raw.tags.clone(),
            allowlists,
            skip_report: raw.skip_report,
            required,
        })
    }
}

/// `[[rules.required]]` entries; that the named rules exist is checked once the whole
/// configuration (with `[extend]`) is assembled.
fn compile_required(raw: &RawRule) -> Result<Vec<Required>, String> {
    raw.required
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if r.id.trim().is_empty() {
                return Err(format!("[[rules.required]] entry {} has an empty |id|", i + 1));
            }
            if r.id == raw.id {
                return Err("[[rules.required]] names the rule itself".into());
            }
            Ok(Required { rule_id: r.id.clone(), within_lines: r.within_lines, within_columns: r.within_columns })
        })
        .collect()
}

fn dedup_lowercase(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words.iter().map(|w| w.to_lowercase()).filter(|w| !w.is_empty()) {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}
