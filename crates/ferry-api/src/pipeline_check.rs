//! Checks across the Stages of one Pipeline: unique names, upstream Stages that exist, no
//! cycles, `dr` Stages following a normal Stage, each Application in one Stage only.

use std::collections::HashMap;

use crate::accepts::Accepts;
use crate::decode::Decoder;
use crate::reference::Reference;
use crate::stage::{Stage, StageKind};

/// Reports every mistake across `stages` (each Stage already valid on its own).
pub(crate) fn check_stages(d: &mut Decoder, stages: &[Stage]) {
    let index = unique_names(d, stages);
    check_references(d, stages, &index);
    check_cycles(d, stages, &index);
    check_applications(d, stages);
}

/// Stage names → positions; a repeated name is reported at its second definition.
fn unique_names<'s>(d: &mut Decoder, stages: &'s [Stage]) -> HashMap<&'s str, usize> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, stage) in stages.iter().enumerate() {
        if let Some(&first) = index.get(stage.name.as_str()) {
            let expected =
                format!("a stage name used once (`{}` is defined at line {})", stage.name, stages[first].line);
            d.invalid_at(stage.line, &format!("spec.stages[{i}].name"), &expected, format!("{:?} again", stage.name));
        } else {
            index.insert(stage.name.as_str(), i);
        }
    }
    index
}

fn known_names(stages: &[Stage]) -> String {
    stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn check_references(d: &mut Decoder, stages: &[Stage], index: &HashMap<&str, usize>) {
    for (i, stage) in stages.iter().enumerate() {
        if let Some(follows) = &stage.follows {
            let field = format!("spec.stages[{i}].follows");
            check_target(d, stages, index, follows, &field, &stage.name);
        }
        if let Some(Accepts::Upstream { stages: upstream, .. }) = &stage.accepts {
            for (j, reference) in upstream.iter().enumerate() {
                let field = format!("spec.stages[{i}].accepts.upstream[{j}]");
                check_target(d, stages, index, reference, &field, &stage.name);
            }
        }
    }
}

/// A referenced Stage must exist, be another Stage, and not be a `dr` Stage.
fn check_target(
    d: &mut Decoder,
    stages: &[Stage],
    index: &HashMap<&str, usize>,
    target: &Reference,
    field: &str,
    own: &str,
) {
    let found = format!("{:?}", target.name);
    match index.get(target.name.as_str()) {
        None => {
            let expected = format!("the name of a stage of this pipeline ({})", known_names(stages));
            d.invalid_at(target.line, field, &expected, found);
        }
        Some(_) if target.name == own => d.invalid_at(target.line, field, "another stage than this one", found),
        Some(&t) if stages[t].kind == StageKind::Dr => {
            d.invalid_at(target.line, field, "a normal stage (a `dr` stage is the end of its line)", found)
        }
        Some(_) => {}
    }
}

/// The upstream Stages of stage `i` that exist (and are not itself).
fn upstream(stages: &[Stage], index: &HashMap<&str, usize>, i: usize) -> Vec<usize> {
    let mut edges: Vec<usize> = match &stages[i].accepts {
        Some(Accepts::Upstream { stages: names, .. }) => {
            names.iter().filter_map(|r| index.get(r.as_str()).copied()).collect()
        }
        _ => Vec::new(),
    };
    edges.extend(stages[i].follows.as_ref().and_then(|r| index.get(r.as_str()).copied()));
    edges.retain(|&u| u != i);
    edges
}

/// Each cycle of upstream edges, reported once at the Stage where the search closes it.
fn check_cycles(d: &mut Decoder, stages: &[Stage], index: &HashMap<&str, usize>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(i: usize, edges: &[Vec<usize>], marks: &mut [Mark], trail: &mut Vec<usize>, cycles: &mut Vec<Vec<usize>>) {
        marks[i] = Mark::Open;
        trail.push(i);
        for &u in &edges[i] {
            match marks[u] {
                Mark::New => visit(u, edges, marks, trail, cycles),
                Mark::Open => {
                    let start = trail.iter().position(|&t| t == u).unwrap_or(0);
                    cycles.push(trail[start..].to_vec());
                }
                Mark::Done => {}
            }
        }
        trail.pop();
        marks[i] = Mark::Done;
    }
    let edges: Vec<Vec<usize>> = (0..stages.len()).map(|i| upstream(stages, index, i)).collect();
    let mut marks = vec![Mark::New; stages.len()];
    let mut cycles = Vec::new();
    for i in 0..stages.len() {
        if marks[i] == Mark::New {
            visit(i, &edges, &mut marks, &mut Vec::new(), &mut cycles);
        }
    }
    for cycle in cycles {
        let last = *cycle.last().unwrap_or(&0);
        let mut names: Vec<&str> = cycle.iter().rev().map(|&i| stages[i].name.as_str()).collect();
        names.push(names[0]);
        let line = stages[last].accepts.as_ref().map_or(stages[last].line, |_| upstream_line(&stages[last]));
        let field = format!("spec.stages[{last}].accepts.upstream");
        d.invalid_at(line, &field, "upstream stages without a cycle", format!("the cycle {}", names.join(" → ")));
    }
}

fn upstream_line(stage: &Stage) -> usize {
    match &stage.accepts {
        Some(Accepts::Upstream { stages, .. }) => stages.first().map_or(stage.line, |r| r.line),
        _ => stage.line,
    }
}

/// An Application is deployed by one Stage: two Stages syncing it would fight.
fn check_applications(d: &mut Decoder, stages: &[Stage]) {
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for (i, stage) in stages.iter().enumerate() {
        for (j, app) in stage.applications.iter().enumerate() {
            match owner.get(app.as_str()) {
                Some(first) if *first != stage.name => {
                    let expected =
                        format!("an Application in one stage only (`{}` is already in stage `{first}`)", app.name);
                    d.invalid_at(
                        app.line,
                        &format!("spec.stages[{i}].applications[{j}]"),
                        &expected,
                        format!("{:?}", app.name),
                    );
                }
                Some(_) => {}
                None => {
                    owner.insert(app.as_str(), stage.name.as_str());
                }
            }
        }
    }
}
