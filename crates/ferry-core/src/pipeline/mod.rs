//! The graph of a Pipeline as data: Warehouses and Stages as nodes, the ways Freight moves
//! between them as edges, and the Stages in topological order (ties kept in the order they are
//! written). It feeds `ferry pipeline graph` and, later, the promotion engine.
//!
//! The input is plain names so that this stays independent of how configuration is read.

mod graph;

pub use graph::{Edge, EdgeKind, GraphError, Input, Node, PipelineGraph, StageInput, build};

#[cfg(test)]
mod tests;
