//! A Pipeline as an indented tree: each Warehouse, the Stages it feeds, and below each Stage
//! the Stages that take Freight from it. A Stage with several upstream Stages is drawn under
//! the first and named under the others.

use std::fmt::Write;

use ferry_api::Stage;
use ferry_core::pipeline::Node;

use super::view::{self, PipelineView};

pub fn draw(view: &PipelineView<'_>) -> String {
    let mut out = format!("Pipeline {}\n", view.name);
    let mut drawn: Vec<String> = Vec::new();
    for w in &view.warehouses {
        let subscriptions =
            if w.subscriptions.is_empty() { String::new() } else { format!(" ({})", w.subscriptions.join("; ")) };
        let _ = writeln!(out, "Warehouse {}{subscriptions}", w.name);
        let node = Node::Warehouse(w.name.clone());
        children(view, &node, "", &mut drawn, &mut out);
    }
    out
}

fn children(view: &PipelineView<'_>, from: &Node, indent: &str, drawn: &mut Vec<String>, out: &mut String) {
    let edges: Vec<_> = view.edges().filter(|(f, _, _)| *f == from).collect();
    for (i, (_, stage, kind)) in edges.iter().enumerate() {
        let last = i + 1 == edges.len();
        let (branch, more) = if last { ("└── ", "    ") } else { ("├── ", "│   ") };
        if drawn.contains(&stage.name) {
            let _ = writeln!(out, "{indent}{branch}{} (drawn above)", stage.name);
            continue;
        }
        drawn.push(stage.name.clone());
        let _ = writeln!(out, "{indent}{branch}{}  [{}]", stage.name, view.edge_label(*kind, stage));
        let inner = format!("{indent}{more}");
        for line in details(stage) {
            let _ = writeln!(out, "{inner}  {line}");
        }
        children(view, &Node::Stage(stage.name.clone()), &inner, drawn, out);
    }
}

fn details(stage: &Stage) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(a) = &stage.approvals {
        lines.push(format!("approvals: {}", view::approvals(a)));
    }
    lines.extend(stage.windows.iter().map(|w| format!("window: {}", view::window(w))));
    lines.extend(view::stage_lines(stage));
    lines
}
