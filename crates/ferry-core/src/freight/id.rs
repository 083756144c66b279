//! The Freight id: SHA-256 over the sorted, de-duplicated canonical forms of its Revisions,
//! each followed by a newline, written as lowercase hex.

use std::fmt;

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::revision::Revision;

/// A Freight's content address (64 hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FreightId([u8; 32]);

impl FreightId {
    /// The id of a set of Revisions, whatever their order or repetitions.
    pub fn of(revisions: &[Revision]) -> FreightId {
        let mut lines: Vec<String> = revisions.iter().map(Revision::canonical).collect();
        lines.sort();
        lines.dedup();
        let mut hasher = Sha256::new();
        for line in &lines {
            hasher.update(line.as_bytes());
            hasher.update(b"\n");
        }
        FreightId(hasher.finalize().into())
    }

    /// The raw digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The full id in hex.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The first 12 hex digits, as shown in lists.
    pub fn short(&self) -> String {
        self.hex()[..12].to_owned()
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<FreightId> {
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(FreightId(bytes))
    }
}

impl fmt::Display for FreightId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl Serialize for FreightId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hex())
    }
}
