//! `CommitId`: a resolved Git revision, the full object name of a commit.

use std::fmt;
use std::str::FromStr;

/// The full SHA-1 of a commit, as Ferry records it (a Revision in DESIGN.md's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitId(pub(crate) gix::ObjectId);

impl CommitId {
    /// The 40 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        self.0.to_hex().to_string()
    }

    /// The first `len` hex digits, as `git log --oneline` shows them.
    pub fn short(&self, len: usize) -> String {
        let mut hex = self.to_hex();
        hex.truncate(len);
        hex
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.to_hex())
    }
}

/// The string is not a full 40-digit hex object name.
#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not a full commit SHA (40 hex digits)")]
pub struct ParseCommitIdError(String);

impl FromStr for CommitId {
    type Err = ParseCommitIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 40 {
            return Err(ParseCommitIdError(s.to_owned()));
        }
        gix::ObjectId::from_hex(s.as_bytes()).map(CommitId).map_err(|_| ParseCommitIdError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_hex() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        let id: CommitId = hex.parse().unwrap();
        assert_eq!(id.to_string(), hex);
        assert_eq!(id.short(7), "0123456");
        assert!("0123456".parse::<CommitId>().is_err());
        assert!("zz23456789abcdef0123456789abcdef01234567".parse::<CommitId>().is_err());
    }
}
