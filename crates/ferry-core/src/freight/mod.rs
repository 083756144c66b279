//! Freight: an immutable, content-addressed bundle of Revisions that moves through the Stages
//! of a Pipeline as a unit.
//!
//! Its identity ([`FreightId`]) is the SHA-256 of its sorted set of Revisions, so the same
//! versions always make the same Freight, whichever Warehouse poll found them first; its alias
//! ([`alias`]) is a name people can say, derived from the id.

mod alias;
mod id;
mod revision;

use serde::Serialize;

pub use alias::alias;
pub use id::FreightId;
pub use revision::Revision;

/// One Freight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Freight {
    pub id: FreightId,
    /// A human-friendly name derived from the id, e.g. `brave-otter-417`.
    pub alias: String,
    /// The Warehouse that produced it.
    pub origin: String,
    /// Its Revisions, sorted by their canonical form, without duplicates.
    pub revisions: Vec<Revision>,
    /// When it was made, in seconds since the Unix epoch (time is a parameter here).
    pub created: i64,
}

impl Freight {
    /// The Freight of `revisions` from Warehouse `origin`, made at `created`.
    pub fn new(origin: &str, revisions: Vec<Revision>, created: i64) -> Freight {
        let mut revisions = revisions;
        revisions.sort_by_key(Revision::canonical);
        revisions.dedup_by_key(|r| r.canonical());
        let id = FreightId::of(&revisions);
        let alias = alias(&id);
        Freight { id, alias, origin: origin.to_owned(), revisions, created }
    }
}

#[cfg(test)]
mod tests;
