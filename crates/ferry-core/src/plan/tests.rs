//! Properties of whole plans that the fixture table does not show: what tasks carry (hook
//! delete policies, objects, options), the SyncFail steps, dry runs.

use serde_json::{Value, json};

use super::*;

fn desired(object: Value) -> DesiredObject {
    DesiredObject { key: ResourceKey::from_object(&object).unwrap(), object }
}

fn live(object: Value) -> LiveObject {
    LiveObject { key: ResourceKey::from_object(&object).unwrap(), object }
}

fn job(name: &str, annotations: Value) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "ns", "annotations": annotations}})
}

fn all_out_of_sync(mut input: PlanInput) -> PlanInput {
    input.out_of_sync = input.desired.iter().map(|d| d.key.clone()).collect();
    input
}

#[test]
fn hook_tasks_carry_delete_policies_and_object() {
    let input = all_out_of_sync(PlanInput {
        desired: vec![
            desired(job("after", json!({HOOK: "PostSync", HOOK_DELETE_POLICY: "HookSucceeded"}))),
            desired(job("before", json!({HOOK: "PreSync"}))),
        ],
        ..PlanInput::default()
    });
    let plan = plan(&input).unwrap();
    let policies: Vec<_> = plan.tasks.iter().map(|t| t.hook.clone().unwrap().delete_policies).collect();
    assert_eq!(policies, [vec![HookDeletePolicy::BeforeHookCreation], vec![HookDeletePolicy::HookSucceeded]]);
    assert_eq!(plan.tasks[0].object.as_ref(), Some(&input.desired[1].object));
}

#[test]
fn sync_fail_hooks_are_separate_steps() {
    let input = PlanInput {
        desired: vec![
            desired(job("cleanup", json!({HOOK: "SyncFail", SYNC_WAVE: "1"}))),
            desired(job("alert", json!({HOOK: "SyncFail"}))),
            desired(job("migrate", json!({HOOK: "PreSync"}))),
        ],
        ..PlanInput::default()
    };
    let plan = plan(&input).unwrap();
    let names = |steps: Vec<Step<'_>>| -> Vec<(Phase, i32, Vec<String>)> {
        steps.into_iter().map(|(p, w, tasks)| (p, w, tasks.iter().map(|t| t.key.name.clone()).collect())).collect()
    };
    assert_eq!(names(plan.waves()), [(Phase::PreSync, 0, vec!["migrate".to_owned()])]);
    assert_eq!(
        names(plan.sync_fail_waves()),
        [(Phase::SyncFail, 0, vec!["alert".to_owned()]), (Phase::SyncFail, 1, vec!["cleanup".to_owned()])]
    );
}

#[test]
fn prunes_take_options_from_the_live_object_and_carry_no_object() {
    let old = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "old", "namespace": "ns", "annotations": {SYNC_OPTIONS: "Force=true"}}});
    let input = PlanInput {
        live: vec![live(old)],
        prune: true,
        options: SyncOptions::parse(["PrunePropagationPolicy=background"]).unwrap(),
        ..PlanInput::default()
    };
    let plan = plan(&input).unwrap();
    let task = &plan.tasks[0];
    assert_eq!((task.action, task.object.as_ref()), (Action::Prune, None));
    assert!(task.options.force);
    assert_eq!(task.options.prune_propagation_policy, PropagationPolicy::Background);
}

#[test]
fn created_namespace_object_and_dry_run() {
    let input = PlanInput {
        options: SyncOptions::parse(["CreateNamespace=true"]).unwrap(),
        destination_namespace: Some("shop".to_owned()),
        dry_run: true,
        ..PlanInput::default()
    };
    let plan = plan(&input).unwrap();
    assert!(plan.dry_run);
    assert_eq!(plan.tasks.len(), 1);
    assert_eq!(plan.tasks[0].to_string(), "PreSync/-1/Apply//Namespace//shop");
    assert_eq!(
        plan.tasks[0].object,
        Some(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}))
    );
    let without = PlanInput { destination_namespace: None, ..input };
    assert!(super::plan(&without).unwrap().tasks.is_empty());
}

#[test]
fn a_crd_moves_into_the_phase_of_a_custom_resource_hook() {
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "checks.example.com"},
        "spec": {"group": "example.com", "names": {"kind": "Check"}}});
    let check = json!({"apiVersion": "example.com/v1", "kind": "Check",
        "metadata": {"name": "smoke", "namespace": "ns", "annotations": {HOOK: "PreSync"}}});
    let input = all_out_of_sync(PlanInput { desired: vec![desired(check), desired(crd)], ..PlanInput::default() });
    let plan = plan(&input).unwrap();
    let tasks: Vec<String> = plan.tasks.iter().map(ToString::to_string).collect();
    assert_eq!(
        tasks,
        [
            "PreSync/0/Apply/apiextensions.k8s.io/CustomResourceDefinition//checks.example.com",
            "PreSync/0/Create/example.com/Check/ns/smoke"
        ]
    );
    assert_eq!(plan.waves().len(), 2, "the custom resource waits for its CRD");
}

#[test]
fn server_side_apply_is_the_default_and_can_be_turned_off() {
    let cm = |annotations: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "ns", "annotations": annotations}});
    let input = all_out_of_sync(PlanInput { desired: vec![desired(cm(json!({})))], ..PlanInput::default() });
    assert!(plan(&input).unwrap().tasks[0].options.server_side_apply);
    let input = all_out_of_sync(PlanInput {
        desired: vec![desired(cm(json!({SYNC_OPTIONS: "ServerSideApply=false"})))],
        ..PlanInput::default()
    });
    assert!(!plan(&input).unwrap().tasks[0].options.server_side_apply);
}
