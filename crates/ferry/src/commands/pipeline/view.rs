//! What a drawing shows of a Pipeline: its Warehouses and Stages in topological order (from
//! `ferry_core::pipeline`), each with short lines for its gates, approvals, windows and
//! verification. The three formats only lay this out.

use std::time::Duration;

use anyhow::Context;
use ferry_api::{
    Accepts, Approvals, Config, Pipeline, Schedule, Stage, StageKind, Subscription, Verification, Window, WindowKind,
};
use ferry_core::pipeline::{self, EdgeKind, Input, Node, PipelineGraph, StageInput};

/// A Pipeline ready to draw.
pub struct PipelineView<'p> {
    pub name: &'p str,
    pub graph: PipelineGraph,
    pub warehouses: Vec<WarehouseView>,
    pub stages: Vec<&'p Stage>,
}

/// A Warehouse and one line per subscription.
pub struct WarehouseView {
    pub name: String,
    pub subscriptions: Vec<String>,
}

impl<'p> PipelineView<'p> {
    pub fn new(config: &Config, pipeline: &'p Pipeline) -> anyhow::Result<PipelineView<'p>> {
        let inputs: Vec<StageInput> = pipeline.spec.stages.iter().map(stage_input).collect();
        let graph = pipeline::build(&inputs).with_context(|| format!("pipeline {}", pipeline.metadata.name))?;
        let stages = graph.stages.iter().filter_map(|name| pipeline.stage(name)).collect();
        let warehouses = graph
            .warehouses
            .iter()
            .map(|name| WarehouseView {
                name: name.clone(),
                subscriptions: config
                    .warehouse(name)
                    .map(|w| w.value.spec.subscriptions.iter().map(subscription).collect())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(PipelineView { name: &pipeline.metadata.name, graph, warehouses, stages })
    }

    /// The label of the edge into `stage` from `from`.
    pub fn edge_label(&self, kind: EdgeKind, stage: &Stage) -> String {
        let mut parts = vec![match kind {
            EdgeKind::Freight => "new freight".to_owned(),
            EdgeKind::Verified => "verified".to_owned(),
            EdgeKind::Follows => "follows".to_owned(),
        }];
        if !stage.soak.is_zero() {
            parts.push(format!("soak {}", duration(stage.soak)));
        }
        parts.push(if stage.auto_promote { "auto".to_owned() } else { "manual".to_owned() });
        parts.join(" · ")
    }

    /// The edges in drawing order, with the Stage they enter.
    pub fn edges(&self) -> impl Iterator<Item = (&Node, &'p Stage, EdgeKind)> + '_ {
        self.graph
            .edges
            .iter()
            .filter_map(|e| self.stages.iter().find(|s| s.name == e.to).map(|s| (&e.from, *s, e.kind)))
    }
}

fn stage_input(stage: &Stage) -> StageInput {
    let mut inputs = Vec::new();
    match &stage.accepts {
        Some(Accepts::Warehouse(w)) => inputs.push(Input::Warehouse(w.name.clone())),
        Some(Accepts::Upstream { stages, .. }) => inputs.extend(stages.iter().map(|s| Input::Upstream(s.name.clone()))),
        None => {}
    }
    inputs.extend(stage.follows.iter().map(|f| Input::Follows(f.name.clone())));
    StageInput { name: stage.name.clone(), inputs }
}

fn subscription(s: &Subscription) -> String {
    match s {
        Subscription::Git(g) => {
            format!("git {}{}", g.repo_url, g.branch.as_ref().map(|b| format!(" ({b})")).unwrap_or_default())
        }
        Subscription::Image(i) => {
            format!("image {}{}", i.repo_url, i.semver_constraint.as_ref().map(|c| format!(" {c}")).unwrap_or_default())
        }
        Subscription::Chart(c) => format!("chart {}", c.chart_name()),
    }
}

/// The lines describing a Stage (after its name).
pub fn stage_lines(stage: &Stage) -> Vec<String> {
    let mut lines =
        vec![format!("apps: {}", stage.applications.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", "))];
    if stage.kind == StageKind::Dr {
        lines.push(format!("disaster recovery of {}", stage.follows.as_ref().map_or("?", |f| f.name.as_str())));
    }
    if let Some(Accepts::Upstream { stages, require: ferry_api::Require::AllOf }) = &stage.accepts
        && stages.len() > 1
    {
        lines.push("needs all upstream stages".to_owned());
    }
    let gates = gates(stage);
    if !gates.is_empty() {
        lines.push(format!("gates: {}", gates.join(", ")));
    }
    if !stage.steps.is_empty() {
        lines.push(format!("steps: {}", stage.steps.iter().map(|s| s.action.uses()).collect::<Vec<_>>().join(" → ")));
    }
    let checks = verification(&stage.verification);
    if !checks.is_empty() {
        let rollback = if stage.rollback.on_verification_failure { ", rollback on failure" } else { "" };
        lines.push(format!("verify: {}{rollback}", checks.join(", ")));
    }
    lines
}

fn gates(stage: &Stage) -> Vec<String> {
    let g = &stage.gates;
    let mut out = Vec::new();
    if g.secrets {
        out.push("secrets".to_owned());
    }
    if let Some(p) = &g.policy {
        out.push(format!("policy {}", p.path));
    }
    if let Some(s) = &g.schema {
        out.push(match (&s.kubernetes_version, s.strict) {
            (Some(v), true) => format!("schema {v} strict"),
            (Some(v), false) => format!("schema {v}"),
            (None, true) => "schema strict".to_owned(),
            (None, false) => "schema".to_owned(),
        });
    }
    if let Some(v) = &g.vulnerabilities {
        out.push(format!("vulnerabilities {}", v.policy));
    }
    out
}

fn verification(v: &Verification) -> Vec<String> {
    let mut out = Vec::new();
    if v.health {
        out.push("health".to_owned());
    }
    out.extend(v.http.iter().map(|h| format!("http {} {}", h.expect_status, h.url)));
    out.extend(v.prometheus.iter().enumerate().map(|(i, p)| {
        format!("prometheus {} ×{}", p.name.clone().unwrap_or_else(|| format!("query-{}", i + 1)), p.count)
    }));
    out.extend(v.command.iter().map(|c| format!("command {}", c.run.join(" "))));
    out.extend(v.job.iter().map(|j| format!("job {}", j.image.as_deref().unwrap_or("(its own JobSpec)"))));
    out
}

/// `2 of 3 approvals (alice, bob, carol; group sre)`.
pub fn approvals(a: &Approvals) -> String {
    let mut who: Vec<String> = Vec::new();
    if !a.from.users.is_empty() {
        who.push(a.from.users.join(", "));
    }
    if !a.from.groups.is_empty() {
        who.push(format!("group {}", a.from.groups.join(", ")));
    }
    let of = if a.from.groups.is_empty() { format!(" of {}", a.from.users.len()) } else { String::new() };
    let noun = if a.required == 1 && of.is_empty() { "approval" } else { "approvals" };
    format!("{}{of} {noun} ({})", a.required, who.join("; "))
}

/// `allow Mon–Thu 09:00–16:00 Europe/Berlin` or `deny cron 0 0 24 12 * for 48h UTC`.
pub fn window(w: &Window) -> String {
    let kind = match w.kind {
        WindowKind::Allow => "allow",
        WindowKind::Deny => "deny",
    };
    let when = match &w.schedule {
        Schedule::Weekly { days, start, end } => {
            let days: Vec<String> = days.iter().map(|d| format!("{d:?}")).collect();
            format!("{} {:02}:{:02}–{:02}:{:02}", days.join(","), start.0 / 60, start.0 % 60, end.0 / 60, end.0 % 60)
        }
        Schedule::Cron { cron, duration: d } => format!("cron {cron} for {}", duration(*d)),
    };
    format!("{kind} {when} {}", w.timezone)
}

/// `1h`, `90s`, `24h`: the largest exact unit.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s > 0 && s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ if s > 0 && s.is_multiple_of(60) => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}
