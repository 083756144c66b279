//! Benchmark (not a test): every template of Ferry's library (testdata/policy/library) with one
//! constraint each (its first sample's), against a generated set of objects reviewed the way
//! `ferry check` reviews them: `PolicySet::evaluate` once per object, with every object in the
//! inventory. Prints evaluations per second (object × constraint, and the Rego runs of the
//! constraints that matched), objects per second, p50/p99 per object, total time and peak RSS;
//! then the same pass with an inventory of the Namespaces only (what the full inventory costs),
//! each constraint timed alone (where the time goes), and the fixed cost of one Rego run (a policy
//! that never holds).
//!
//! Run: `cargo bench -p ferry-gates --bench policy_eval` (`FERRY_BENCH_OBJECTS`, default 1000).
//! With `FERRY_BENCH_EXPORT=<file>` it also writes the templates, the inventory and every
//! matched (object, constraint) input with Ferry's violation count, for the OPA peer
//! (`benches/policy_eval_opa.py`), which runs the same evaluations in OPA and compares counts.

#[path = "policy_eval/workload.rs"]
mod workload;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ferry_gates::policy::{Constraint, Inventory, Operation, PolicySet, ReviewRequest, Template};
use serde_json::{Value, json};

fn main() {
    let count = env_usize("FERRY_BENCH_OBJECTS", 1000);
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/policy/library");
    let started = Instant::now();
    let (set, sources) = load_library(&library);
    let load = started.elapsed();
    let objects = workload::objects(count);
    let started = Instant::now();
    let inventory = Inventory::from_objects(&objects);
    let build_inventory = started.elapsed();
    let reviews: Vec<ReviewRequest> =
        objects.iter().cloned().map(|o| ReviewRequest::from_object(o, Operation::Create)).collect();
    let constraints = set.constraints().len();
    println!(
        "policy_eval: {} templates, {constraints} constraints (compiled in {}), {} objects (inventory built in {})",
        set.templates().count(),
        ms(load),
        reviews.len(),
        ms(build_inventory)
    );
    let matched = matched_pairs(&set, &reviews, &inventory);
    println!(
        "{} object × constraint pairs, {} matched (Rego runs per pass)",
        reviews.len() * constraints,
        matched.len()
    );

    // One pass to warm caches and allocator; the measured pass follows.
    let _ = run(&set, &reviews, &inventory);
    let full = run(&set, &reviews, &inventory);
    report("full inventory (as ferry check)", &full, reviews.len() * constraints, matched.len());
    println!("peak RSS {} MiB", own_memory_kib("VmHWM:") / 1024);
    let namespaces: Vec<Value> = objects.iter().filter(|o| o["kind"] == "Namespace").cloned().collect();
    let small = run(&set, &reviews, &Inventory::from_objects(&namespaces));
    report("inventory of the Namespaces only", &small, reviews.len() * constraints, matched.len());

    where_the_time_goes(&set, &reviews, &inventory);
    fixed_cost(&reviews, &inventory, &Inventory::from_objects(&namespaces));

    if let Ok(path) = std::env::var("FERRY_BENCH_EXPORT") {
        export(Path::new(&path), &set, &sources, &reviews, &inventory, &matched, &full.per_pair);
        println!("workload for the OPA peer written to {path}");
    }
}

/// A template's Rego as the file gives it, for the peer.
struct Source {
    kind: String,
    version: String,
    modules: Vec<String>,
}

/// Every library folder's template and its first sample's constraint.
fn load_library(dir: &Path) -> (PolicySet, Vec<Source>) {
    let mut set = PolicySet::default();
    let mut sources = Vec::new();
    for folder in sorted_dirs(dir) {
        let template_path = folder.join("template.yaml");
        let object = read_yaml(&template_path);
        let template = Template::parse(&object, &template_path.display().to_string()).expect("template compiles");
        sources.push(source_of(&object, template.kind()));
        set.add_template(template).expect("template kinds are unique");
        let sample = sorted_dirs(&folder.join("samples")).into_iter().next().expect("a sample");
        let constraint_path = sample.join("constraint.yaml");
        let constraint = Constraint::parse(&read_yaml(&constraint_path), &constraint_path.display().to_string())
            .expect("constraint parses");
        set.add_constraint(constraint).expect("constraint has its template");
    }
    (set, sources)
}

fn source_of(template: &Value, kind: &str) -> Source {
    let target = &template["spec"]["targets"][0];
    let code = target["code"].as_array().and_then(|c| c.iter().find(|e| e["engine"] == "Rego"));
    let (source, version) = match code {
        Some(entry) => (&entry["source"], entry["source"]["version"].as_str().unwrap_or("v0")),
        None => (target, "v0"),
    };
    let mut modules = vec![source["rego"].as_str().unwrap_or_default().to_owned()];
    modules.extend(source["libs"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned));
    Source { kind: kind.to_owned(), version: version.to_owned(), modules }
}

/// What one pass measured.
struct Pass {
    per_object: Vec<Duration>,
    /// Violations per matched (object, constraint), in `matched_pairs` order.
    per_pair: Vec<usize>,
    violations: usize,
    /// The time spent in `PolicySet::evaluate`, summed over the objects.
    total: Duration,
}

fn run(set: &PolicySet, reviews: &[ReviewRequest], inventory: &Inventory) -> Pass {
    let mut per_object = Vec::with_capacity(reviews.len());
    let mut per_pair = Vec::new();
    let mut violations = 0;
    for review in reviews {
        let one = Instant::now();
        let found = set.evaluate(review, inventory).expect("evaluation succeeds");
        per_object.push(one.elapsed());
        violations += found.len();
        let namespace = review.namespace().and_then(|ns| inventory.namespace(ns));
        for constraint in set.constraints() {
            if constraint.matcher().matches(review, namespace).unwrap_or(false) {
                per_pair.push(found.iter().filter(|v| v.constraint == constraint.name()).count());
            }
        }
    }
    let total = per_object.iter().sum();
    Pass { per_object, per_pair, violations, total }
}

/// Each constraint alone over every object, the costliest first: which policies the time goes to.
fn where_the_time_goes(set: &PolicySet, reviews: &[ReviewRequest], inventory: &Inventory) {
    let mut costs = Vec::new();
    for constraint in set.constraints() {
        let mut alone = PolicySet::default();
        let template = set.templates().find(|t| t.kind() == constraint.kind()).expect("its template");
        alone.add_template(template.clone()).expect("one template");
        alone.add_constraint(constraint.clone()).expect("its constraint");
        let (mut runs, mut spent) = (0, Duration::ZERO);
        for review in reviews {
            let namespace = review.namespace().and_then(|ns| inventory.namespace(ns));
            if constraint.matcher().matches(review, namespace).unwrap_or(false) {
                let started = Instant::now();
                let _ = alone.evaluate(review, inventory).expect("evaluation succeeds");
                spent += started.elapsed();
                runs += 1;
            }
        }
        costs.push((spent, runs, constraint.name().to_owned()));
    }
    costs.sort_by_key(|c| std::cmp::Reverse(c.0));
    let all: Duration = costs.iter().map(|c| c.0).sum();
    println!("where the time goes (each constraint alone, full inventory; {} in all):", ms(all));
    for (spent, runs, name) in costs.iter().take(8) {
        let each = if *runs > 0 { *spent / *runs } else { Duration::ZERO };
        println!("  {name:<32} {:>10} {runs:>5} runs, {} each", ms(*spent), us(each));
    }
}

/// What one Rego run costs when the policy does nothing: a template whose violation rule never
/// holds, matching every object, with the full inventory and with the Namespaces only.
fn fixed_cost(reviews: &[ReviewRequest], full: &Inventory, small: &Inventory) {
    let template = json!({"apiVersion": "templates.gatekeeper.sh/v1", "kind": "ConstraintTemplate",
        "metadata": {"name": "k8snothing"},
        "spec": {"crd": {"spec": {"names": {"kind": "K8sNothing"}}},
                 "targets": [{"target": "admission.k8s.gatekeeper.sh",
                              "rego": "package k8snothing\n\nviolation[{\"msg\": msg}] {\n  false\n  msg := \"never\"\n}\n"}]}});
    let constraint = json!({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": "K8sNothing",
        "metadata": {"name": "nothing"}, "spec": {}});
    let set = PolicySet::from_objects(&[template, constraint]).expect("the empty policy loads");
    for (label, inventory) in [("full inventory", full), ("Namespaces only", small)] {
        let started = Instant::now();
        for review in reviews {
            let _ = set.evaluate(review, inventory).expect("evaluation succeeds");
        }
        println!("fixed cost of one Rego run ({label}): {}", us(started.elapsed() / reviews.len().max(1) as u32));
    }
}

/// (object index, constraint index) for every constraint that matches an object.
fn matched_pairs(set: &PolicySet, reviews: &[ReviewRequest], inventory: &Inventory) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, review) in reviews.iter().enumerate() {
        let namespace = review.namespace().and_then(|ns| inventory.namespace(ns));
        for (c, constraint) in set.constraints().iter().enumerate() {
            if constraint.matcher().matches(review, namespace).unwrap_or(false) {
                pairs.push((i, c));
            }
        }
    }
    pairs
}

fn report(label: &str, pass: &Pass, pairs: usize, matched: usize) {
    let mut sorted = pass.per_object.clone();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)];
    let seconds = pass.total.as_secs_f64();
    println!(
        "{label}: total {} for {} objects, {} violations; {:.0} objects/s; {:.0} evaluations/s (object × constraint), \
         {:.0} Rego runs/s; per object p50 {} p99 {} max {}",
        ms(pass.total),
        sorted.len(),
        pass.violations,
        sorted.len() as f64 / seconds,
        pairs as f64 / seconds,
        matched as f64 / seconds,
        us(at(0.50)),
        us(at(0.99)),
        us(sorted[sorted.len() - 1]),
    );
}

fn export(
    path: &Path,
    set: &PolicySet,
    sources: &[Source],
    reviews: &[ReviewRequest],
    inventory: &Inventory,
    matched: &[(usize, usize)],
    counts: &[usize],
) {
    let templates: serde_json::Map<String, Value> =
        sources.iter().map(|s| (s.kind.clone(), json!({"version": s.version, "modules": s.modules}))).collect();
    let tasks: Vec<Value> = matched
        .iter()
        .zip(counts)
        .map(|(&(object, c), &violations)| {
            let constraint = &set.constraints()[c];
            let mut input = json!({"review": reviews[object].to_input()});
            if let Some(parameters) = constraint.parameters() {
                input["parameters"] = parameters.clone();
            }
            json!({"object": object, "constraint": constraint.name(), "kind": constraint.kind(),
                   "input": input, "violations": violations})
        })
        .collect();
    let document =
        json!({"objects": reviews.len(), "templates": templates, "inventory": inventory.tree(), "tasks": tasks});
    std::fs::write(path, serde_json::to_vec(&document).expect("JSON")).expect("export written");
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A field (`VmHWM:`) of this process's `/proc/self/status`, in KiB.
fn own_memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}
