//! Building a [`PipelineGraph`]: edges from each Stage's inputs, then Kahn's algorithm.

use std::collections::HashMap;

use serde::Serialize;
use thiserror::Error;

/// Where a Stage's Freight comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// New Freight of a Warehouse.
    Warehouse(String),
    /// Freight verified in an upstream Stage.
    Upstream(String),
    /// The Freight of the Stage a disaster-recovery Stage mirrors.
    Follows(String),
}

/// One Stage: its name and inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageInput {
    pub name: String,
    pub inputs: Vec<Input>,
}

/// A node of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "camelCase")]
pub enum Node {
    Warehouse(String),
    Stage(String),
}

/// How Freight moves along an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EdgeKind {
    /// From a Warehouse: new Freight.
    Freight,
    /// From an upstream Stage: Freight verified there.
    Verified,
    /// From the Stage a `dr` Stage follows.
    Follows,
}

/// An edge from a Warehouse or Stage to a Stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: Node,
    pub to: String,
    pub kind: EdgeKind,
}

/// The graph of one Pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineGraph {
    /// Warehouses in the order first referred to.
    pub warehouses: Vec<String>,
    /// Stages in topological order: every Stage after the Stages it takes Freight from.
    pub stages: Vec<String>,
    /// Edges in the order of `stages`, then of each Stage's inputs.
    pub edges: Vec<Edge>,
}

impl PipelineGraph {
    /// The edges leaving `from`, in order.
    pub fn downstream<'g>(&'g self, from: &'g Node) -> impl Iterator<Item = &'g Edge> + 'g {
        self.edges.iter().filter(move |e| &e.from == from)
    }

    /// The edges entering Stage `to`, in order.
    pub fn upstream<'g>(&'g self, to: &'g str) -> impl Iterator<Item = &'g Edge> + 'g {
        self.edges.iter().filter(move |e| e.to == to)
    }
}

/// Why Stages do not make a graph.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GraphError {
    #[error("stage `{0}` is defined twice")]
    DuplicateStage(String),
    #[error("stage `{stage}` takes Freight from `{missing}`, which is not a stage of the pipeline")]
    UnknownStage { stage: String, missing: String },
    #[error("stages form a cycle: {}", .0.join(" → "))]
    Cycle(Vec<String>),
}

/// Orders `stages` topologically and collects their edges.
pub fn build(stages: &[StageInput]) -> Result<PipelineGraph, GraphError> {
    let index = index_of(stages)?;
    let parents = parents(stages, &index)?;
    let order = topological(stages, &parents)?;
    let mut warehouses: Vec<String> = Vec::new();
    let mut edges = Vec::new();
    for &i in &order {
        for input in &stages[i].inputs {
            let to = stages[i].name.clone();
            edges.push(match input {
                Input::Warehouse(w) => {
                    if !warehouses.contains(w) {
                        warehouses.push(w.clone());
                    }
                    Edge { from: Node::Warehouse(w.clone()), to, kind: EdgeKind::Freight }
                }
                Input::Upstream(s) => Edge { from: Node::Stage(s.clone()), to, kind: EdgeKind::Verified },
                Input::Follows(s) => Edge { from: Node::Stage(s.clone()), to, kind: EdgeKind::Follows },
            });
        }
    }
    let stages = order.iter().map(|&i| stages[i].name.clone()).collect();
    Ok(PipelineGraph { warehouses, stages, edges })
}

fn index_of(stages: &[StageInput]) -> Result<HashMap<&str, usize>, GraphError> {
    let mut index = HashMap::new();
    for (i, stage) in stages.iter().enumerate() {
        if index.insert(stage.name.as_str(), i).is_some() {
            return Err(GraphError::DuplicateStage(stage.name.clone()));
        }
    }
    Ok(index)
}

/// For each Stage, the positions of the Stages it takes Freight from.
fn parents(stages: &[StageInput], index: &HashMap<&str, usize>) -> Result<Vec<Vec<usize>>, GraphError> {
    stages
        .iter()
        .map(|stage| {
            stage
                .inputs
                .iter()
                .filter_map(|input| match input {
                    Input::Upstream(s) | Input::Follows(s) => Some(s),
                    Input::Warehouse(_) => None,
                })
                .map(|s| {
                    index
                        .get(s.as_str())
                        .copied()
                        .ok_or_else(|| GraphError::UnknownStage { stage: stage.name.clone(), missing: s.clone() })
                })
                .collect()
        })
        .collect()
}

/// Kahn's algorithm, always taking the first ready Stage in written order.
fn topological(stages: &[StageInput], parents: &[Vec<usize>]) -> Result<Vec<usize>, GraphError> {
    let mut waiting: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut placed = vec![false; stages.len()];
    let mut order = Vec::with_capacity(stages.len());
    while let Some(next) = (0..stages.len()).find(|&i| !placed[i] && waiting[i] == 0) {
        placed[next] = true;
        order.push(next);
        for (child, ps) in parents.iter().enumerate() {
            waiting[child] -= ps.iter().filter(|&&p| p == next).count();
        }
    }
    if order.len() < stages.len() {
        return Err(GraphError::Cycle(cycle(stages, parents, &placed)));
    }
    Ok(order)
}

/// A cycle among the Stages left unplaced, in the direction Freight flows.
fn cycle(stages: &[StageInput], parents: &[Vec<usize>], placed: &[bool]) -> Vec<String> {
    let start = placed.iter().position(|p| !p).unwrap_or(0);
    let mut trail = vec![start];
    let mut current = start;
    // Every unplaced Stage has an unplaced parent, so this walk must come back on itself.
    while let Some(&parent) = parents[current].iter().find(|&&p| !placed[p]) {
        if let Some(pos) = trail.iter().position(|&t| t == parent) {
            let mut ring: Vec<usize> = trail[pos..].iter().rev().copied().collect();
            // Start at the Stage written first, so the same cycle always reads the same.
            let first = ring.iter().enumerate().min_by_key(|&(_, i)| *i).map_or(0, |(at, _)| at);
            ring.rotate_left(first);
            ring.push(ring[0]);
            return ring.iter().map(|&i| stages[i].name.clone()).collect();
        }
        trail.push(parent);
        current = parent;
    }
    trail.iter().map(|&i| stages[i].name.clone()).collect()
}
