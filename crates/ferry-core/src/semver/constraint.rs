//! Masterminds-style constraints: alternatives (`||`) of conjunctions of comparators.
//!
//! A comparator is an operator (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`, or none for
//! `=`) and a version that may be partial or use wildcards (`1`, `1.2`, `1.x`, `1.2.*`, `*`).
//! A missing or wildcard part makes the comparator a range, as Masterminds semver v3 reads it:
//! `1.2` and `1.2.x` both mean `>=1.2.0 <1.3.0`; `>1.2` means `>=1.3.0`; `<=1.2` means `<1.3.0`.
//! `A - B` is `>=A <=B`.

use std::fmt;

use super::version::{Version, compare_pre};

/// A parsed constraint; [`Constraint::matches`] checks a version against it.
#[derive(Debug, Clone)]
pub struct Constraint {
    text: String,
    alternatives: Vec<Conjunction>,
}

/// Comparators that must all hold; prereleases are considered only when one of them names one.
#[derive(Debug, Clone)]
struct Conjunction {
    comparators: Vec<Comparator>,
    includes_prereleases: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    NotEqual,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Tilde,
    Caret,
}

/// One comparator; `version` has wildcard parts filled with 0 and the `*_dirty` flags say
/// which parts were wildcards (Masterminds' `dirty`, `minorDirty`, `patchDirty`).
#[derive(Debug, Clone)]
struct Comparator {
    op: Op,
    version: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// Why a text is not a constraint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a semantic-version constraint: {reason}")]
pub struct ParseConstraintError {
    pub text: String,
    pub reason: String,
}

/// Operators, longest first so `>=` is not read as `>`.
const OPERATORS: [(&str, Op); 11] = [
    ("!=", Op::NotEqual),
    (">=", Op::GreaterOrEqual),
    ("=>", Op::GreaterOrEqual),
    ("<=", Op::LessOrEqual),
    ("=<", Op::LessOrEqual),
    ("~>", Op::Tilde),
    ("=", Op::Equal),
    (">", Op::Greater),
    ("<", Op::Less),
    ("~", Op::Tilde),
    ("^", Op::Caret),
];

impl Constraint {
    /// Parses a constraint such as `^1.2`, `>=1.0.0 <2.0.0` or `1.2 - 1.4 || 2.x`.
    pub fn parse(text: &str) -> Result<Constraint, ParseConstraintError> {
        let error = |reason: String| ParseConstraintError { text: text.to_owned(), reason };
        if text.trim().is_empty() {
            return Err(error("empty".to_owned()));
        }
        let alternatives = text.split("||").map(parse_conjunction).collect::<Result<Vec<_>, _>>().map_err(error)?;
        Ok(Constraint { text: text.to_owned(), alternatives })
    }

    /// Whether `version` satisfies one of the alternatives.
    pub fn matches(&self, version: &Version) -> bool {
        self.alternatives.iter().any(|c| c.matches(version))
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_conjunction(text: &str) -> Result<Conjunction, String> {
    let text = text.trim();
    let comparators = if let Some((low, high)) = text.split_once(" - ") {
        vec![comparator(Op::GreaterOrEqual, low.trim())?, comparator(Op::LessOrEqual, high.trim())?]
    } else {
        let tokens = tokens(text);
        if tokens.is_empty() {
            return Err("an empty alternative".to_owned());
        }
        tokens.iter().map(|t| parse_comparator(t)).collect::<Result<Vec<_>, _>>()?
    };
    let includes_prereleases = comparators.iter().any(|c| c.version.is_prerelease());
    Ok(Conjunction { comparators, includes_prereleases })
}

/// Splits on spaces and commas, joining an operator written apart from its version (`>= 1.2`).
fn tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split([' ', ',']).filter(|p| !p.is_empty()) {
        match out.last_mut() {
            Some(last) if OPERATORS.iter().any(|(op, _)| op == last) => last.push_str(part),
            _ => out.push(part.to_owned()),
        }
    }
    out
}

fn parse_comparator(text: &str) -> Result<Comparator, String> {
    let (op, rest) = OPERATORS
        .iter()
        .find_map(|(symbol, op)| text.strip_prefix(symbol).map(|rest| (*op, rest)))
        .unwrap_or((Op::Equal, text));
    comparator(op, rest.trim())
}

/// Reads a possibly partial, possibly wildcard version for `op`.
fn comparator(op: Op, text: &str) -> Result<Comparator, String> {
    let bad = || format!("{text:?} is not a version");
    let body = text.strip_prefix('v').unwrap_or(text);
    let body = body.split_once('+').map_or(body, |(b, _)| b);
    let (core, pre) = body.split_once('-').map_or((body, None), |(c, p)| (c, Some(p)));
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err(bad());
    }
    let wildcard = |i: usize| parts.get(i).is_none_or(|p| matches!(*p, "x" | "X" | "*"));
    let number = |i: usize| -> Result<u64, String> {
        let p = parts.get(i).copied().unwrap_or("0");
        if wildcard(i) { Ok(0) } else { p.parse().map_err(|_| bad()) }
    };
    let pre = match pre {
        Some(p)
            if p.split('.').all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')) =>
        {
            p.split('.').map(str::to_owned).collect()
        }
        Some(_) => return Err(bad()),
        None => Vec::new(),
    };
    let (major, minor, patch) = (number(0)?, number(1)?, number(2)?);
    let (dirty, minor_dirty, patch_dirty) = if wildcard(0) {
        (true, false, false)
    } else if wildcard(1) {
        (true, true, false)
    } else if wildcard(2) {
        (true, false, true)
    } else {
        (false, false, false)
    };
    let version = if wildcard(0) {
        Version::release(0, 0, 0, pre)
    } else if wildcard(1) {
        Version::release(major, 0, 0, pre)
    } else {
        Version::release(major, minor, patch, pre)
    };
    Ok(Comparator { op, version, dirty, minor_dirty, patch_dirty })
}

impl Conjunction {
    fn matches(&self, v: &Version) -> bool {
        if v.is_prerelease() && !self.includes_prereleases {
            return false;
        }
        self.comparators.iter().all(|c| c.matches(v))
    }
}

impl Comparator {
    fn matches(&self, v: &Version) -> bool {
        match self.op {
            Op::Equal => self.equal_or_tilde(v),
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => v < &self.version,
            Op::GreaterOrEqual => v >= &self.version,
            Op::LessOrEqual => self.less_or_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    /// A range (`1.2`, `1.x`, `*`) reads as `~`; otherwise exact equality.
    fn equal_or_tilde(&self, v: &Version) -> bool {
        if self.dirty { self.tilde(v) } else { v == &self.version }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.version;
        if !self.dirty {
            return v != c;
        }
        if c.major != v.major {
            return true;
        }
        if self.minor_dirty {
            return false;
        }
        if c.minor != v.minor {
            return true;
        }
        if self.patch_dirty {
            return compare_pre(&v.pre, &c.pre).is_ne() && (v.is_prerelease() || c.is_prerelease());
        }
        v != c
    }

    fn greater(&self, v: &Version) -> bool {
        let c = &self.version;
        if !self.dirty {
            return v > c;
        }
        if v.major != c.major {
            return v.major > c.major;
        }
        if self.minor_dirty {
            return false;
        }
        if self.patch_dirty {
            return v.minor > c.minor;
        }
        v > c
    }

    fn less_or_equal(&self, v: &Version) -> bool {
        let c = &self.version;
        if !self.dirty {
            return v <= c;
        }
        if v.major > c.major {
            return false;
        }
        !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
    }

    /// `~1.2.3` is `>=1.2.3 <1.3.0`; `~1` and `~1.x` are `>=1.0.0 <2.0.0`; `~0.0.0` is anything.
    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v < c {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (self.minor_dirty || v.minor == c.minor)
    }

    /// `^1.2.3` is `>=1.2.3 <2.0.0`; `^0.2.3` is `>=0.2.3 <0.3.0`; `^0.0.3` is `=0.0.3`;
    /// `^0.0` is `<0.1.0`; `^0` is `<1.0.0`.
    fn caret(&self, v: &Version) -> bool {
        let c = &self.version;
        if v < c {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        v.patch == c.patch
    }
}
