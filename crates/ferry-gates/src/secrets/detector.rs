//! Detection on one fragment of text: keyword prefilter, rule regexes, secret extraction,
//! entropy, `gitleaks:allow`, allowlists — in gitleaks' order.

use std::borrow::Cow;
use std::cell::OnceCell;

use super::allowlist::{Allowlist, Candidate};
use super::config::Config;
use super::decode::{self, Passes, Segment, Span};
use super::entropy::shannon_entropy;
use super::finding::{Finding, RequiredFinding};
use super::keywords::Keywords;
use super::location::{locate, newline_indices};
use super::rule::{Required, Rule};

/// Text on a line that suppresses findings on it.
pub const GITLEAKS_ALLOW: &str = "gitleaks:allow";

/// The commit a Git fragment was added in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitInfo {
    pub sha: String,
    pub author: String,
    pub email: String,
    /// RFC 3339 in UTC, as gitleaks writes it.
    pub date: String,
    pub message: String,
}

/// A piece of text to scan and where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fragment<'a> {
    pub raw: &'a str,
    pub path: &'a str,
    pub symlink: &'a str,
    pub commit: Option<&'a CommitInfo>,
    /// Added to the 0-based line of a match: the hunk's first line in Git, 1 for files.
    pub start_line: usize,
}

/// Rules plus the keyword automaton that picks which of them run.
#[derive(Debug)]
pub(crate) struct Detector {
    config: Config,
    prefilter: Option<Keywords>,
    /// For each keyword (automaton pattern), the rules that name it.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: they always run.
    unfiltered: Vec<usize>,
}

impl Detector {
    pub fn new(config: Config) -> Detector {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut unfiltered = Vec::new();
        for (index, rule) in config.rules.iter().enumerate().filter(|(_, r)| !r.skip_report) {
            if rule.keywords.is_empty() {
                unfiltered.push(index);
            }
            for keyword in &rule.keywords {
                match keywords.iter().position(|k| k == keyword) {
                    Some(k) => keyword_rules[k].push(index),
                    None => {
                        keywords.push(keyword.clone());
                        keyword_rules.push(vec![index]);
                    }
                }
            }
        }
        // Keywords are plain strings, so building the automaton cannot fail for valid input;
        // if it ever does, every keyword rule simply runs (slower, same result).
        let prefilter = Keywords::new(&keywords);
        if prefilter.is_none() {
            unfiltered.extend(keyword_rules.iter().flatten().copied());
            unfiltered.sort_unstable();
            unfiltered.dedup();
        }
        Detector { config, prefilter, keyword_rules, unfiltered }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// All findings in a fragment (not yet suppressed by `.gitleaksignore` or a baseline): the
    /// fragment's text, then each decoding pass (up to `max_decode_depth`), as gitleaks scans.
    pub fn detect(&self, fragment: &Fragment<'_>, options: &DetectOptions) -> Vec<Finding> {
        let commit = fragment.commit.map(|c| c.sha.as_str()).unwrap_or_default();
        if self.config.allowlists.iter().any(|a| a.allows_commit_or_path(commit, fragment.path)) {
            return Vec::new();
        }
        // Only needed to locate a match, which most fragments never have.
        let newlines = OnceCell::new();
        let mut findings = Vec::new();
        let mut passes = Passes::default();
        let mut text = Cow::Borrowed(fragment.raw);
        loop {
            let pass = Pass { text: &text, segments: &passes.segments, newlines: &newlines };
            for index in self.active_rules(&text) {
                let rule = &self.config.rules[index];
                findings.extend(self.detect_composite(fragment, &pass, rule, options.honour_inline_allow));
            }
            if passes.segments.len() >= options.max_decode_depth {
                break;
            }
            match passes.next(&text) {
                Some(decoded) => text = Cow::Owned(decoded),
                None => break,
            }
        }
        drop_generic_duplicates(findings)
    }

    /// Rules whose keywords occur in `raw` (case-insensitively), plus those without keywords.
    fn active_rules(&self, raw: &str) -> Vec<usize> {
        let mut active = vec![false; self.config.rules.len()];
        for &i in &self.unfiltered {
            active[i] = true;
        }
        if let Some(prefilter) = &self.prefilter {
            prefilter.each_present(raw.as_bytes(), &mut |keyword| {
                for &i in &self.keyword_rules[keyword] {
                    active[i] = true;
                }
            });
        }
        active.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i).collect()
    }

    /// A rule's findings; for a composite rule (`[[rules.required]]`) only those with a finding
    /// of every required rule nearby, which are attached to it. Required rules run on the same
    /// pass whatever their keywords, and even when marked `skipReport`.
    fn detect_composite(&self, fragment: &Fragment<'_>, pass: &Pass<'_>, rule: &Rule, inline: bool) -> Vec<Finding> {
        let primary = self.detect_rule(fragment, pass, rule, inline);
        if rule.required.is_empty() || primary.is_empty() {
            return primary;
        }
        let found: Vec<(&Required, Vec<Finding>)> = rule
            .required
            .iter()
            .map(|req| {
                let hits = self.config.rule(&req.rule_id).map(|r| self.detect_rule(fragment, pass, r, inline));
                (req, hits.unwrap_or_default())
            })
            .collect();
        primary
            .into_iter()
            .filter_map(|mut finding| {
                let at = (finding.start_line, finding.start_column);
                for (req, hits) in &found {
                    let near: Vec<RequiredFinding> = hits
                        .iter()
                        .filter(|h| req.is_near(at, (h.start_line, h.start_column)))
                        .map(RequiredFinding::from)
                        .collect();
                    if near.is_empty() {
                        return None;
                    }
                    finding.required.extend(near);
                }
                Some(finding)
            })
            .collect()
    }

    fn detect_rule(&self, fragment: &Fragment<'_>, pass: &Pass<'_>, rule: &Rule, inline_allow: bool) -> Vec<Finding> {
        let commit = fragment.commit.map(|c| c.sha.as_str()).unwrap_or_default();
        if rule.allowlists.iter().any(|a| a.allows_commit_or_path(commit, fragment.path)) {
            return Vec::new();
        }
        if let Some(path_re) = &rule.path {
            let path_matches = path_re.is_match(fragment.path);
            if rule.regex.is_none() && path_matches && pass.segments.is_empty() {
                return vec![path_finding(fragment, rule)];
            }
            if !path_matches {
                return Vec::new();
            }
        }
        let Some(regex) = &rule.regex else { return Vec::new() };
        regex
            .find_iter(pass.text)
            .filter_map(|m| self.finding_for(fragment, pass, rule, (m.start(), m.end()), inline_allow))
            .collect()
    }

    /// Builds and checks one candidate; `None` when it is allowed, too low in entropy, or (in a
    /// decoded pass) outside every newly decoded segment, so already reported.
    fn finding_for(
        &self,
        fragment: &Fragment<'_>,
        pass: &Pass<'_>,
        rule: &Rule,
        (start, end): (usize, usize),
        inline_allow: bool,
    ) -> Option<Finding> {
        let raw = fragment.raw;
        let regex = rule.regex.as_ref()?;
        let matched = pass.text[start..end].trim_matches('\n');
        let place = Place::of(pass, start, end, matched.len())?;
        let newlines = pass.newlines.get_or_init(|| newline_indices(raw));
        let mut loc = locate(newlines, raw, place.span.start, place.span.end);
        loc.end_line_index = loc.end_line_index.max(place.span.end);
        let line = raw.get(loc.start_line_index..loc.end_line_index).unwrap_or(matched);
        if inline_allow && line.contains(GITLEAKS_ALLOW) {
            return None;
        }
        let secret = extract_secret(regex, matched, rule.secret_group);
        let entropy = shannon_entropy(secret);
        if rule.entropy != 0.0 && entropy <= rule.entropy {
            return None;
        }
        let line_target = place.current_line.unwrap_or(line);
        let candidate =
            Candidate { commit: commit_sha(fragment), path: fragment.path, secret, matched, line: line_target };
        let allowed = |lists: &[Allowlist]| lists.iter().any(|a| a.allows(&candidate));
        if allowed(&self.config.allowlists) || allowed(&rule.allowlists) {
            return None;
        }
        let mut finding = base_finding(fragment, rule);
        finding.tags.extend(place.tags);
        finding.start_line = fragment.start_line + loc.start_line;
        finding.end_line = fragment.start_line + loc.end_line;
        finding.start_column = loc.start_column;
        finding.end_column = loc.end_column;
        finding.line = line.to_string();
        finding.matched = matched.to_string();
        finding.secret = secret.to_string();
        finding.entropy = entropy as f32;
        Some(finding)
    }
}

/// The text one pass scans and how it maps back to the fragment.
struct Pass<'a> {
    text: &'a str,
    /// The segments of every decoding pass so far; empty for the fragment's own text.
    segments: &'a [Vec<Segment>],
    /// Newlines of the fragment's own text (locations are always reported there), found on
    /// the first match.
    newlines: &'a OnceCell<Vec<usize>>,
}

/// Where a match of a pass is reported in the fragment, with its decoding tags.
struct Place<'a> {
    span: Span,
    tags: Vec<String>,
    /// In a decoded pass, the decoded line(s) around the match (for `regexTarget = "line"`).
    current_line: Option<&'a str>,
}

impl<'a> Place<'a> {
    fn of(pass: &Pass<'a>, start: usize, end: usize, trimmed_len: usize) -> Option<Place<'a>> {
        let Some(latest) = pass.segments.last() else {
            // As gitleaks does: the trimmed length moves the end, so a trailing newline the
            // regex consumed does not push the finding onto the next line.
            return Some(Place { span: Span::new(start, start + trimmed_len), tags: Vec::new(), current_line: None });
        };
        let segments = decode::overlapping(latest, Span::new(start, end));
        if segments.is_empty() {
            return None;
        }
        Some(Place {
            span: decode::to_original(pass.segments, Span::new(start, end)),
            tags: decode::tags(segments),
            current_line: Some(decode::current_line(segments, pass.text)),
        })
    }
}

/// What [`Detector::detect`] needs from the scan options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DetectOptions {
    /// Lines containing `gitleaks:allow` are skipped.
    pub honour_inline_allow: bool,
    pub max_decode_depth: usize,
}

/// The secret inside a match: the configured group, else the first non-empty group, else the
/// whole match. Like gitleaks, the regex is re-run on the match text alone.
fn extract_secret<'t>(regex: &regex::Regex, matched: &'t str, secret_group: usize) -> &'t str {
    let Some(caps) = regex.captures(matched) else { return matched };
    if caps.len() < 2 {
        return matched;
    }
    if secret_group > 0 {
        return caps.get(secret_group).map(|g| g.as_str()).unwrap_or("");
    }
    caps.iter().skip(1).flatten().map(|g| g.as_str()).find(|s| !s.is_empty()).unwrap_or(matched)
}

fn commit_sha<'a>(fragment: &Fragment<'a>) -> &'a str {
    fragment.commit.map(|c| c.sha.as_str()).unwrap_or_default()
}

fn base_finding(fragment: &Fragment<'_>, rule: &Rule) -> Finding {
    let mut finding = Finding {
        rule_id: rule.id.clone(),
        description: rule.description.clone(),
        file: fragment.path.to_string(),
        symlink_file: fragment.symlink.to_string(),
        tags: rule.tags.clone(),
        ..Finding::default()
    };
    if let Some(c) = fragment.commit {
        finding.commit = c.sha.clone();
        finding.author = c.author.clone();
        finding.email = c.email.clone();
        finding.date = c.date.clone();
        finding.message = c.message.clone();
    }
    finding
}

/// A path-only rule flags the file itself.
fn path_finding(fragment: &Fragment<'_>, rule: &Rule) -> Finding {
    let mut finding = base_finding(fragment, rule);
    finding.matched = format!("file detected: {}", fragment.path);
    finding
}

/// A generic rule's finding is dropped when a specific rule found the same secret on the same
/// line (gitleaks' `filter`).
fn drop_generic_duplicates(findings: Vec<Finding>) -> Vec<Finding> {
    let is_generic = |f: &Finding| f.rule_id.to_lowercase().contains("generic");
    let keep: Vec<bool> = findings
        .iter()
        .map(|f| {
            !is_generic(f)
                || !findings.iter().any(|other| {
                    f.start_line == other.start_line
                        && f.commit == other.commit
                        && f.rule_id != other.rule_id
                        && other.secret.contains(&f.secret)
                        && !is_generic(other)
                })
        })
        .collect();
    findings.into_iter().zip(keep).filter(|(_, k)| *k).map(|(f, _)| f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector(toml: &str) -> Detector {
        Detector::new(Config::parse(toml, "t.toml").unwrap())
    }

    fn detect(d: &Detector, raw: &str) -> Vec<Finding> {
        let options = DetectOptions { honour_inline_allow: true, max_decode_depth: 0 };
        d.detect(&Fragment { raw, path: "f", symlink: "", commit: None, start_line: 1 }, &options)
    }

    #[test]
    fn trailing_newline_in_a_match_stays_on_its_line() {
        let d = detector("[[rules]]\nid = \"nl\"\nregex = '''key=[a-z0-9]+\\n'''\n");
        let f = &detect(&d, "key=abc123\nnext\n")[0];
        assert_eq!(f.matched, "key=abc123");
        assert_eq!((f.start_line, f.end_line, f.end_column), (1, 1, 10));
    }

    #[test]
    fn generic_finding_yields_to_a_specific_rule_on_the_same_secret() {
        let toml = "[[rules]]\nid = \"generic-x\"\nregex = '''token=(\\w+)'''\n\
                    [[rules]]\nid = \"vendor\"\nregex = '''vnd_\\w+'''\n";
        let d = detector(toml);
        let ids: Vec<String> = detect(&d, "token=vnd_abc123").into_iter().map(|f| f.rule_id).collect();
        assert_eq!(ids, vec!["vendor"]);
        let ids: Vec<String> = detect(&d, "token=plain123").into_iter().map(|f| f.rule_id).collect();
        assert_eq!(ids, vec!["generic-x"]);
    }

    #[test]
    fn keyword_cut_by_the_prefilter_chunk_edge_still_runs_its_rule() {
        let d = detector("[[rules]]\nid = \"vnd\"\nregex = '''(?i)vndkey_[a-z0-9]{8}'''\nkeywords = [\"VndKey\"]\n");
        // The keyword starts 3 bytes before the end of the prefilter's first 64 KiB chunk.
        let text = format!("{}VNDKEY_abcd1234\n", "a".repeat(64 * 1024 - 3));
        let f = &detect(&d, &text)[0];
        assert_eq!((f.rule_id.as_str(), f.secret.as_str()), ("vnd", "VNDKEY_abcd1234"));
    }

    #[test]
    fn keyword_inside_another_keyword_still_runs_its_rule() {
        // "cret" occurs only inside "SECRET", which a leftmost search reports instead; rule b
        // must run all the same (its match need not contain its keyword, as in gitleaks).
        let toml = "[[rules]]\nid = \"a\"\nregex = '''secret=\\d+'''\nkeywords = [\"secret\"]\n\
                    [[rules]]\nid = \"b\"\nregex = '''[a-z]+_x9'''\nkeywords = [\"cret\"]\n";
        let ids: Vec<String> = detect(&detector(toml), "SECRET abc_x9").into_iter().map(|f| f.rule_id).collect();
        assert_eq!(ids, vec!["b"]);
        assert!(detect(&detector(toml), "SECRE abc_x9").is_empty(), "without the keyword, b does not run");
    }

    #[test]
    fn secret_group_selection() {
        let re = regex::Regex::new("(a)?(b+)(c)").unwrap();
        assert_eq!(extract_secret(&re, "bbc", 0), "bb", "first non-empty group");
        assert_eq!(extract_secret(&re, "abbc", 3), "c");
        let plain = regex::Regex::new("b+").unwrap();
        assert_eq!(extract_secret(&plain, "bbb", 0), "bbb");
    }

    #[test]
    fn entropy_threshold_is_exclusive() {
        let d = detector("[[rules]]\nid = \"e\"\nregex = '''k=(\\w+)'''\nentropy = 1.0\n");
        assert!(detect(&d, "k=abab").is_empty(), "entropy exactly 1.0 is not above the threshold");
        assert_eq!(detect(&d, "k=abcd").len(), 1);
    }
}
