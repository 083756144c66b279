use super::*;

fn stage(name: &str, inputs: &[Input]) -> StageInput {
    StageInput { name: name.to_owned(), inputs: inputs.to_vec() }
}

fn up(name: &str) -> Input {
    Input::Upstream(name.to_owned())
}

fn names(graph: &PipelineGraph) -> Vec<&str> {
    graph.stages.iter().map(String::as_str).collect()
}

#[test]
fn dev_staging_production_and_dr() {
    let stages = [
        stage("dr", &[Input::Follows("production".to_owned())]),
        stage("production", &[up("staging")]),
        stage("staging", &[up("dev")]),
        stage("dev", &[Input::Warehouse("web".to_owned())]),
    ];
    let graph = build(&stages).unwrap();
    assert_eq!(names(&graph), ["dev", "staging", "production", "dr"]);
    assert_eq!(graph.warehouses, ["web"]);
    assert_eq!(
        graph.edges,
        [
            Edge { from: Node::Warehouse("web".to_owned()), to: "dev".to_owned(), kind: EdgeKind::Freight },
            Edge { from: Node::Stage("dev".to_owned()), to: "staging".to_owned(), kind: EdgeKind::Verified },
            Edge { from: Node::Stage("staging".to_owned()), to: "production".to_owned(), kind: EdgeKind::Verified },
            Edge { from: Node::Stage("production".to_owned()), to: "dr".to_owned(), kind: EdgeKind::Follows },
        ]
    );
    let production = Node::Stage("production".to_owned());
    assert_eq!(graph.downstream(&production).map(|e| e.to.as_str()).collect::<Vec<_>>(), ["dr"]);
    assert_eq!(graph.upstream("staging").count(), 1);
}

#[test]
fn ties_keep_the_written_order() {
    let wh = Input::Warehouse("w".to_owned());
    let stages = [
        stage("qa-b", std::slice::from_ref(&wh)),
        stage("qa-a", &[wh]),
        stage("prod", &[up("qa-a"), up("qa-b")]),
        stage("canary", &[up("qa-b")]),
    ];
    assert_eq!(names(&build(&stages).unwrap()), ["qa-b", "qa-a", "prod", "canary"]);
}

#[test]
fn cycles_are_found_in_flow_order() {
    let stages = [
        stage("dev", &[Input::Warehouse("w".to_owned())]),
        stage("a", &[up("dev"), up("c")]),
        stage("b", &[up("a")]),
        stage("c", &[up("b")]),
    ];
    assert_eq!(build(&stages), Err(GraphError::Cycle(vec!["a".into(), "b".into(), "c".into(), "a".into()])));
    let itself = [stage("x", &[up("x")])];
    assert_eq!(build(&itself), Err(GraphError::Cycle(vec!["x".into(), "x".into()])));
}

#[test]
fn unknown_and_duplicate_stages_are_errors() {
    let unknown = [stage("prod", &[up("stagin")])];
    assert_eq!(
        build(&unknown).unwrap_err().to_string(),
        "stage `prod` takes Freight from `stagin`, which is not a stage of the pipeline"
    );
    let twice = [stage("dev", &[]), stage("dev", &[])];
    assert_eq!(build(&twice), Err(GraphError::DuplicateStage("dev".into())));
}
