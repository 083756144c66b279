//! Templates for image tags and commit messages: `{name}` is replaced by a variable, `{{`
//! and `}}` stand for literal braces, and an unknown variable is an error.
//!
//! Variables (every template):
//! - `{env}`, `{stage}`: the Stage's name
//! - `{alias}`: the Freight's alias
//! - `{sha}`, `{short-sha}`: the Freight's Git commit, in full and as 7 hex digits (the
//!   Freight must hold exactly one commit; otherwise use `{rev:KEY}`)
//! - `{rev:KEY}`: the Freight's version for subscription KEY (repository URL, image name)
//! - `{timestamp}`: the promotion's time, UTC, `YYYYMMDDhhmmss`; `{date}`: `YYYYMMDD`;
//!   `{unix}`: seconds since 1970
//!
//! A step may add its own (`{tag}` for kustomize-set-image, `{versions}` for git-commit).

use std::collections::BTreeMap;
use std::time::UNIX_EPOCH;

use super::{StepContext, StepError};

/// The variables a template may use, each a value or the reason it has none here.
#[derive(Debug, Clone)]
pub struct Vars {
    values: BTreeMap<String, Result<String, String>>,
    revisions: BTreeMap<String, String>,
}

impl Vars {
    /// The variables every step has, from the promotion's context.
    pub fn from_context(ctx: &StepContext) -> Vars {
        let mut values = BTreeMap::new();
        values.insert("env".to_owned(), Ok(ctx.stage.clone()));
        values.insert("stage".to_owned(), Ok(ctx.stage.clone()));
        values.insert("alias".to_owned(), Ok(ctx.freight_alias.clone()));
        let sha = freight_commit(&ctx.revisions);
        values.insert("short-sha".to_owned(), sha.clone().map(|s| s[..7].to_owned()));
        values.insert("sha".to_owned(), sha);
        let unix = ctx.now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let stamp = utc_timestamp(unix);
        values.insert("date".to_owned(), Ok(stamp[..8].to_owned()));
        values.insert("timestamp".to_owned(), Ok(stamp));
        values.insert("unix".to_owned(), Ok(unix.to_string()));
        Vars { values, revisions: ctx.revisions.clone() }
    }

    /// Adds (or replaces) a variable.
    pub fn with(mut self, name: &str, value: Result<String, String>) -> Vars {
        self.values.insert(name.to_owned(), value);
        self
    }

    /// Expands `template`; `field` names where it came from, for errors.
    pub fn expand(&self, field: &str, template: &str) -> Result<String, StepError> {
        let fail =
            |message: String| StepError::Template { field: field.to_owned(), template: template.to_owned(), message };
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(at) = rest.find(['{', '}']) {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                return Err(fail("a lone `}` (write `}}` for a brace)".to_owned()));
            }
            let end = tail.find('}').ok_or_else(|| fail("a `{` is not closed (write `{{` for a brace)".to_owned()))?;
            out.push_str(&self.lookup(&tail[1..end]).map_err(fail)?);
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn lookup(&self, name: &str) -> Result<String, String> {
        if let Some(key) = name.strip_prefix("rev:") {
            return self.revisions.get(key).cloned().ok_or_else(|| {
                let known: Vec<&str> = self.revisions.keys().map(String::as_str).collect();
                format!("the freight has no revision {key:?} (it has: {})", known.join(", "))
            });
        }
        match self.values.get(name) {
            Some(Ok(value)) => Ok(value.clone()),
            Some(Err(why)) => Err(format!("{{{name}}} is not available: {why}")),
            None => {
                let known: Vec<String> = self.values.keys().map(|k| format!("{{{k}}}")).collect();
                Err(format!("unknown variable {{{name}}}; known: {}, {{rev:KEY}}", known.join(", ")))
            }
        }
    }
}

/// The one revision of the Freight that is a Git commit (40 hex digits).
fn freight_commit(revisions: &BTreeMap<String, String>) -> Result<String, String> {
    let commits: Vec<&String> =
        revisions.values().filter(|v| v.len() == 40 && v.bytes().all(|b| b.is_ascii_hexdigit())).collect();
    match commits.as_slice() {
        [one] => Ok(one.to_ascii_lowercase()),
        [] => Err("the freight holds no Git commit".to_owned()),
        _ => Err(format!("the freight holds {} Git commits; pick one with {{rev:KEY}}", commits.len())),
    }
}

/// `YYYYMMDDhhmmss` in UTC for a Unix time (the civil calendar from days, proleptic Gregorian).
fn utc_timestamp(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}{:02}{:02}{:02}", secs / 3_600, secs % 3_600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn ctx(revisions: &[(&str, &str)]) -> StepContext {
        StepContext {
            work_dir: std::env::temp_dir(),
            stage: "dev".to_owned(),
            freight_alias: "brave-otter".to_owned(),
            revisions: revisions.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            now: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        }
    }

    #[test]
    fn expands_the_documented_variables() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let vars = Vars::from_context(&ctx(&[("https://git/app", sha), ("nginx", "1.27")]));
        assert_eq!(vars.expand("tag", "{env}-{short-sha}-{timestamp}").unwrap(), "dev-0123456-20231114221320");
        assert_eq!(
            vars.expand("m", "{alias} {date} {unix} {rev:nginx} {{x}}").unwrap(),
            "brave-otter 20231114 1700000000 1.27 {x}"
        );
    }

    #[test]
    fn unknown_and_unavailable_variables_are_errors() {
        let vars = Vars::from_context(&ctx(&[]));
        let unknown = vars.expand("tag", "{environment}").unwrap_err().to_string();
        assert!(unknown.contains("unknown variable {environment}") && unknown.contains("{env}"), "{unknown}");
        let no_sha = vars.expand("tag", "{short-sha}").unwrap_err().to_string();
        assert!(no_sha.contains("no Git commit"), "{no_sha}");
        assert!(vars.expand("tag", "{env").is_err());
        assert!(vars.expand("tag", "env}").is_err());
    }

    #[test]
    fn dates_across_leap_years() {
        assert_eq!(utc_timestamp(0), "19700101000000");
        assert_eq!(utc_timestamp(951_782_400), "20000229000000");
        assert_eq!(utc_timestamp(4_107_542_399), "21000228235959");
    }
}
