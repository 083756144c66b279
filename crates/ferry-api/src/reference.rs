//! A name that points at another resource or stage, remembering the line it is written on so
//! that a dangling reference is reported where it is written.

use serde::{Serialize, Serializer};

/// A name of a Warehouse, a Stage or an Application, as written, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    /// The 1-based line the name is written on.
    pub line: usize,
}

impl Reference {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}
