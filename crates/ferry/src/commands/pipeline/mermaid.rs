//! A Pipeline as a Mermaid `flowchart LR`: Warehouses as cylinders, Stages as boxes with their
//! gates, steps and verification, approvals as hexagons and windows as parallelograms on the
//! way into a Stage, a DR Stage behind a dotted `follows` edge.

use std::fmt::Write;

use ferry_api::Stage;
use ferry_core::pipeline::{EdgeKind, Node};

use super::view::{self, PipelineView};

pub fn draw(view: &PipelineView<'_>) -> String {
    let mut out = format!("---\ntitle: Pipeline {}\n---\nflowchart LR\n", view.name);
    for w in &view.warehouses {
        let mut lines = vec![format!("Warehouse {}", w.name)];
        lines.extend(w.subscriptions.iter().cloned());
        let _ = writeln!(out, "  {}[(\"{}\")]", id("wh", &w.name), label(&lines));
    }
    for stage in &view.stages {
        let mut lines = vec![format!("<b>{}</b>", escape(&stage.name))];
        lines.extend(view::stage_lines(stage).iter().map(|l| escape(l)));
        let _ = writeln!(out, "  {}[\"{}\"]", id("st", &stage.name), lines.join("<br/>"));
        gate_nodes(&mut out, stage);
    }
    for (from, stage, kind) in view.edges() {
        let from = match from {
            Node::Warehouse(w) => id("wh", w),
            Node::Stage(s) => id("st", s),
        };
        let arrow = if kind == EdgeKind::Follows { "-.->" } else { "-->" };
        let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {}", escape(&view.edge_label(kind, stage)), entry(stage));
    }
    for stage in &view.stages {
        chain(&mut out, stage);
    }
    out.push_str("  classDef dr stroke-dasharray: 5 5\n");
    for stage in view.stages.iter().filter(|s| s.kind == ferry_api::StageKind::Dr) {
        let _ = writeln!(out, "  class {} dr", id("st", &stage.name));
    }
    out
}

/// The approval and window nodes in front of a Stage.
fn gate_nodes(out: &mut String, stage: &Stage) {
    if let Some(a) = &stage.approvals {
        let _ = writeln!(out, "  {}{{{{\"{}\"}}}}", id("approve", &stage.name), escape(&view::approvals(a)));
    }
    if !stage.windows.is_empty() {
        let lines: Vec<String> = stage.windows.iter().map(view::window).collect();
        let _ = writeln!(out, "  {}[/\"{}\"/]", id("window", &stage.name), label(&lines));
    }
}

/// The first node on the way into a Stage: its approvals, else its windows, else itself.
fn entry(stage: &Stage) -> String {
    if stage.approvals.is_some() {
        id("approve", &stage.name)
    } else if !stage.windows.is_empty() {
        id("window", &stage.name)
    } else {
        id("st", &stage.name)
    }
}

/// approvals → windows → Stage.
fn chain(out: &mut String, stage: &Stage) {
    let mut hops = Vec::new();
    if stage.approvals.is_some() {
        hops.push(id("approve", &stage.name));
    }
    if !stage.windows.is_empty() {
        hops.push(id("window", &stage.name));
    }
    if !hops.is_empty() {
        hops.push(id("st", &stage.name));
        let _ = writeln!(out, "  {}", hops.join(" --> "));
    }
}

fn id(prefix: &str, name: &str) -> String {
    let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{prefix}_{name}")
}

fn label(lines: &[String]) -> String {
    lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br/>")
}

/// Mermaid's entity codes for characters that would end a label or open markup.
fn escape(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}
