//! Promotion: moving a Freight into a Stage (DESIGN.md §1). [`steps`] holds the steps that
//! write the Freight's versions into Git.

pub mod steps;
pub mod verify;
