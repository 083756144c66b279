//! Allowlists: the commits, paths, regexes and stopwords that make a finding acceptable.

use regex::Regex;

use super::error::SecretsError;
use super::raw::RawAllowlist;
use super::re2;

/// How an allowlist's checks combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Condition {
    /// Any one check suffices (gitleaks' default).
    #[default]
    Or,
    /// Every check the allowlist defines must hold.
    And,
}

/// What an allowlist's `regexes` are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegexTarget {
    /// The extracted secret (default).
    #[default]
    Secret,
    /// The whole regex match.
    Match,
    /// The line(s) the match is on.
    Line,
}

/// A compiled allowlist.
#[derive(Debug, Clone)]
pub struct Allowlist {
    pub description: String,
    pub condition: Condition,
    pub commits: Vec<String>,
    pub paths: Vec<Regex>,
    pub regexes: Vec<Regex>,
    pub regex_target: RegexTarget,
    /// Lower-cased; a secret containing one (case-insensitively) is allowed.
    pub stopwords: Vec<String>,
}

/// What an allowlist is checked against for one finding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'a> {
    pub commit: &'a str,
    pub path: &'a str,
    pub secret: &'a str,
    pub matched: &'a str,
    pub line: &'a str,
}

impl Allowlist {
    /// Compiles a raw allowlist; `owner` names the rule (or "global allowlist") in errors.
    pub(crate) fn compile(raw: &RawAllowlist, owner: &str, origin: &str) -> Result<Allowlist, SecretsError> {
        let invalid = |message: String| SecretsError::Invalid {
            origin: origin.into(),
            location: format!("{owner}: allowlist {:?}", raw.description),
            message,
        };
        if raw.commits.is_empty() && raw.paths.is_empty() && raw.regexes.is_empty() && raw.stopwords.is_empty() {
            return Err(invalid("must contain at least one check for: commits, paths, regexes, or stopwords".into()));
        }
        let condition = match raw.condition.to_uppercase().as_str() {
            "" | "OR" | "||" => Condition::Or,
            "AND" | "&&" => Condition::And,
            other => return Err(invalid(format!("unknown condition {other:?} (expected OR or AND)"))),
        };
        let regex_target = match raw.regex_target.to_lowercase().as_str() {
            "" | "secret" => RegexTarget::Secret,
            "match" => RegexTarget::Match,
            "line" => RegexTarget::Line,
            other => return Err(invalid(format!("unknown regexTarget {other:?} (expected secret, match or line)"))),
        };
        let compile_all = |patterns: &[String], field: &'static str| -> Result<Vec<Regex>, SecretsError> {
            patterns
                .iter()
                .map(|p| {
                    re2::compile(p).map_err(|e| SecretsError::Regex {
                        origin: origin.into(),
                        rule_id: owner.into(),
                        field,
                        source: Box::new(e),
                    })
                })
                .collect()
        };
        Ok(Allowlist {
            description: raw.description.clone(),
            condition,
            commits: raw.commits.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
            paths: compile_all(&raw.paths, "allowlist paths")?,
            regexes: compile_all(&raw.regexes, "allowlist regexes")?,
            regex_target,
            stopwords: raw.stopwords.iter().map(|s| s.to_lowercase()).collect(),
        })
    }

    /// Whether `commit` is one of the allowed commits.
    pub fn commit_allowed(&self, commit: &str) -> bool {
        !commit.is_empty() && self.commits.iter().any(|c| c.eq_ignore_ascii_case(commit))
    }

    /// Whether `path` matches an allowed path regex.
    pub fn path_allowed(&self, path: &str) -> bool {
        !path.is_empty() && self.paths.iter().any(|re| re.is_match(path))
    }

    /// Whether `target` matches an allowed regex.
    pub fn regex_allowed(&self, target: &str) -> bool {
        self.regexes.iter().any(|re| re.is_match(target))
    }

    /// Whether `secret` contains a stopword, case-insensitively.
    pub fn contains_stopword(&self, secret: &str) -> bool {
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }

    /// The early check on a whole fragment: its commit or path alone allows it. An AND allowlist
    /// that also needs regexes or stopwords cannot decide here (gitleaks defers it).
    pub(crate) fn allows_commit_or_path(&self, commit: &str, path: &str) -> bool {
        if commit.is_empty() && path.is_empty() {
            return false;
        }
        match self.condition {
            Condition::Or => self.commit_allowed(commit) || self.path_allowed(path),
            Condition::And => {
                if !self.regexes.is_empty() || !self.stopwords.is_empty() {
                    return false;
                }
                let mut checks = Vec::new();
                if !self.commits.is_empty() {
                    checks.push(self.commit_allowed(commit));
                }
                if !self.paths.is_empty() {
                    checks.push(self.path_allowed(path));
                }
                !checks.is_empty() && checks.iter().all(|&c| c)
            }
        }
    }

    /// Whether this allowlist accepts a finding.
    pub(crate) fn allows(&self, candidate: &Candidate<'_>) -> bool {
        let target = match self.regex_target {
            RegexTarget::Secret => candidate.secret,
            RegexTarget::Match => candidate.matched,
            RegexTarget::Line => candidate.line,
        };
        let commit = self.commit_allowed(candidate.commit);
        let path = self.path_allowed(candidate.path);
        let regex = self.regex_allowed(target);
        let stopword = self.contains_stopword(candidate.secret);
        match self.condition {
            Condition::Or => commit || path || regex || stopword,
            Condition::And => {
                let checks = [
                    (!self.commits.is_empty(), commit),
                    (!self.paths.is_empty(), path),
                    (!self.regexes.is_empty(), regex),
                    (!self.stopwords.is_empty(), stopword),
                ];
                checks.iter().filter(|(defined, _)| *defined).all(|(_, ok)| *ok)
            }
        }
    }
}
