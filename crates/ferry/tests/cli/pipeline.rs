//! `ferry pipeline validate|graph` through the real binary on the example control folder of
//! `ferry-api` (dev → staging → production + dr) and on broken ones: exit codes 0 and 2,
//! errors as FILE:LINE, and the edges and approval node of the drawings.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ferry-api/testdata/pipeline/good")
}

fn ferry(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("FERRY_LOG", "warn")
        .output()
        .expect("running ferry")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn validate_summarises_a_valid_folder() {
    let out = ferry(&example(), &["pipeline", "validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1 warehouse, 1 pipeline (4 stages)\n");
}

#[test]
fn validate_names_file_line_and_field_and_exits_2() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let pipeline = "apiVersion: ferry.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: web}\nspec:\n  stages:\n    - name: dev\n      applications: [web-dev]\n      accepts: {warehouse: web}\n";
    std::fs::write(dir.path().join("pipeline.yaml"), pipeline).expect("writing");
    let warehouse = "apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {name: api}\nspec:\n  intreval: 1m\n  subscriptions: [{image: {repoURL: ghcr.io/acme/api}}]\n";
    std::fs::write(dir.path().join("warehouse.yaml"), warehouse).expect("writing");
    let out = ferry(dir.path(), &["pipeline", "validate"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    let file = dir.path().join("pipeline.yaml");
    let file = file.display();
    let warehouse = dir.path().join("warehouse.yaml");
    let warehouse = warehouse.display();
    assert!(err.contains(&format!("{warehouse}:5: unknown field `spec.intreval`; did you mean `interval`?")), "{err}");
    assert!(
        err.contains(&format!("{file}:8: invalid `spec.stages[0].accepts.warehouse`: expected the name of a Warehouse in the control folder (there is none), found \"web\"")),
        "{err}"
    );
    assert!(err.contains(&format!("{file}:7: invalid `spec.stages[0].applications[0]`")), "{err}");
    assert!(err.ends_with(&format!("3 mistakes in {}\n", dir.path().display())), "{err}");
}

#[test]
fn graph_mermaid_draws_edges_approvals_windows_and_dr() {
    let out = ferry(&example(), &["pipeline", "graph", "web", "-o", "mermaid"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("flowchart LR\n"), "{text}");
    for line in [
        "  wh_web -->|\"new freight · auto\"| st_dev\n",
        "  st_dev -->|\"verified · soak 1h · auto\"| st_staging\n",
        "  st_staging -->|\"verified · soak 24h · manual\"| approve_production\n",
        "  approve_production{{\"2 approvals (alice, bob, carol; group sre)\"}}\n",
        "  approve_production --> window_production --> st_production\n",
        "  st_production -.->|\"follows · auto\"| st_dr\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn graph_dot_and_text() {
    let dot = stdout(&ferry(&example(), &["pipeline", "graph", "-o", "dot"]));
    assert!(dot.starts_with("digraph \"pipeline web\" {\n  rankdir=LR;"), "{dot}");
    assert!(
        dot.contains("  \"stage/production\" -> \"stage/dr\" [label=\"follows · auto\", style=dashed];\n"),
        "{dot}"
    );
    assert!(dot.contains("\"approve/production\" [shape=hexagon"), "{dot}");
    let text = stdout(&ferry(&example(), &["pipeline", "graph"]));
    let order: Vec<&str> =
        text.lines().filter(|l| l.contains("── ")).map(|l| l.trim_start_matches([' ', '│', '└', '├', '─'])).collect();
    assert_eq!(
        order,
        [
            "dev  [new freight · auto]",
            "staging  [verified · soak 1h · auto]",
            "production  [verified · soak 24h · manual]",
            "dr  [follows · auto]"
        ],
        "{text}"
    );
    assert!(text.contains("approvals: 2 approvals (alice, bob, carol; group sre)"), "{text}");
}

#[test]
fn graph_of_an_unknown_pipeline_exits_2() {
    let out = ferry(&example(), &["pipeline", "graph", "api"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: no Pipeline `api`; the control folder has web\n");
}
