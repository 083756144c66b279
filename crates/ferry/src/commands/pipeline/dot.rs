//! A Pipeline as a Graphviz `digraph` (left to right): the same nodes and edges as the Mermaid
//! drawing, for `dot -Tsvg`.

use std::fmt::Write;

use ferry_api::{Stage, StageKind};
use ferry_core::pipeline::{EdgeKind, Node};

use super::view::{self, PipelineView};

pub fn draw(view: &PipelineView<'_>) -> String {
    let mut out = format!(
        "digraph {} {{\n  rankdir=LR;\n  node [shape=box, style=rounded];\n",
        quote(&format!("pipeline {}", view.name))
    );
    for w in &view.warehouses {
        let mut lines = vec![format!("Warehouse {}", w.name)];
        lines.extend(w.subscriptions.iter().cloned());
        let _ = writeln!(
            out,
            "  {} [shape=cylinder, label={}];",
            quote(&format!("warehouse/{}", w.name)),
            quote(&lines.join("\n"))
        );
    }
    for stage in &view.stages {
        let mut lines = vec![stage.name.clone()];
        lines.extend(view::stage_lines(stage));
        let style = if stage.kind == StageKind::Dr { ", style=\"rounded,dashed\"" } else { "" };
        let _ = writeln!(out, "  {} [label={}{style}];", node("stage", &stage.name), quote(&lines.join("\n")));
        if let Some(a) = &stage.approvals {
            let _ = writeln!(
                out,
                "  {} [shape=hexagon, label={}];",
                node("approve", &stage.name),
                quote(&view::approvals(a))
            );
        }
        if !stage.windows.is_empty() {
            let lines: Vec<String> = stage.windows.iter().map(view::window).collect();
            let _ = writeln!(
                out,
                "  {} [shape=parallelogram, label={}];",
                node("window", &stage.name),
                quote(&lines.join("\n"))
            );
        }
    }
    for (from, stage, kind) in view.edges() {
        let from = match from {
            Node::Warehouse(w) => quote(&format!("warehouse/{w}")),
            Node::Stage(s) => node("stage", s),
        };
        let style = if kind == EdgeKind::Follows { ", style=dashed" } else { "" };
        let _ = writeln!(out, "  {from} -> {} [label={}{style}];", entry(stage), quote(&view.edge_label(kind, stage)));
    }
    for stage in &view.stages {
        chain(&mut out, stage);
    }
    out.push_str("}\n");
    out
}

fn entry(stage: &Stage) -> String {
    if stage.approvals.is_some() {
        node("approve", &stage.name)
    } else if !stage.windows.is_empty() {
        node("window", &stage.name)
    } else {
        node("stage", &stage.name)
    }
}

/// approvals → windows → Stage, when the Stage has either.
fn chain(out: &mut String, stage: &Stage) {
    if stage.approvals.is_none() && stage.windows.is_empty() {
        return;
    }
    let mut hops = Vec::new();
    if stage.approvals.is_some() {
        hops.push(node("approve", &stage.name));
    }
    if !stage.windows.is_empty() {
        hops.push(node("window", &stage.name));
    }
    hops.push(node("stage", &stage.name));
    let _ = writeln!(out, "  {};", hops.join(" -> "));
}

fn node(prefix: &str, name: &str) -> String {
    quote(&format!("{prefix}/{name}"))
}

/// A DOT string: quotes and backslashes escaped, line breaks as `\n`.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}
