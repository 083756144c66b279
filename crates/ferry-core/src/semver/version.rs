//! A semantic version: `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, optionally written with a `v`.

use std::cmp::Ordering;
use std::fmt;

/// A parsed semantic version. Equality and ordering ignore build metadata and the `v` prefix,
/// as semver.org §10–11 say.
#[derive(Debug, Clone)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Dot-separated prerelease identifiers; empty for a release.
    pub pre: Vec<String>,
    /// Build metadata, kept for display only.
    pub build: Option<String>,
}

/// Why a text is not a semantic version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a semantic version ({reason})")]
pub struct ParseVersionError {
    pub text: String,
    pub reason: &'static str,
}

impl Version {
    /// A full version: three numbers, an optional `v`, prerelease and build metadata
    /// (`1.2.3`, `v1.2.3-rc.1+b7`). This is how tags and chart versions are read.
    pub fn parse(text: &str) -> Result<Version, ParseVersionError> {
        parse(text, true)
    }

    /// Like [`Version::parse`] but missing minor and patch numbers count as 0 (`1.2` is
    /// `1.2.0`), as Masterminds' `NewVersion` allows.
    pub fn parse_lenient(text: &str) -> Result<Version, ParseVersionError> {
        parse(text, false)
    }

    /// Whether this is a prerelease (`1.2.3-rc.1`).
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    pub(crate) fn release(major: u64, minor: u64, patch: u64, pre: Vec<String>) -> Version {
        Version { major, minor, patch, pre, build: None }
    }
}

fn parse(text: &str, strict: bool) -> Result<Version, ParseVersionError> {
    let error = |reason| ParseVersionError { text: text.to_owned(), reason };
    let body = text.strip_prefix('v').unwrap_or(text);
    let (body, build) = match body.split_once('+') {
        Some((b, meta)) => (b, Some(meta)),
        None => (body, None),
    };
    let (core, pre) = match body.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (body, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    if numbers.len() > 3 || (strict && numbers.len() != 3) {
        return Err(error("expected MAJOR.MINOR.PATCH"));
    }
    let mut parsed = [0u64; 3];
    for (slot, number) in parsed.iter_mut().zip(&numbers) {
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error("version numbers must be digits"));
        }
        *slot = number.parse().map_err(|_| error("a version number is too large"))?;
    }
    let pre = match pre {
        Some(p) => identifiers(p).ok_or_else(|| error("bad prerelease"))?,
        None => Vec::new(),
    };
    if let Some(meta) = build
        && identifiers(meta).is_none()
    {
        return Err(error("bad build metadata"));
    }
    Ok(Version { major: parsed[0], minor: parsed[1], patch: parsed[2], pre, build: build.map(str::to_owned) })
}

/// Dot-separated, non-empty identifiers of `[0-9A-Za-z-]`.
fn identifiers(text: &str) -> Option<Vec<String>> {
    let ids: Vec<String> = text.split('.').map(str::to_owned).collect();
    let ok = ids.iter().all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    ok.then_some(ids)
}

/// Prerelease precedence (semver.org §11): a release is greater than any prerelease; numeric
/// identifiers compare as numbers and below alphanumeric ones; a longer list wins a tie.
pub(crate) fn compare_pre(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| compare_pre(&self.pre, &other.pre))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        if let Some(build) = &self.build {
            write!(f, "+{build}")?;
        }
        Ok(())
    }
}
