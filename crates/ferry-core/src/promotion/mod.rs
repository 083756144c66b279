//! Promotion: what decides whether and when a Freight may move into a Stage.

pub mod window;
