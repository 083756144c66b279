use std::path::Path;

use super::*;

const PIPELINE: &str = r#"
apiVersion: ferry.dev/v1alpha1
kind: Pipeline
metadata: {name: demo}
spec:
  stages:
  - name: dev
    applications: [web-dev]
    accepts: {warehouse: web}
  - name: staging
    applications: [web-staging]
    accepts: {upstream: [dev]}
    soak: 10m
    autoPromote: true
  - name: production
    applications: [web-prod]
    accepts: {upstream: [staging]}
    autoPromote: true
    approvals: {required: 2, from: {users: [alice, bob, carol], groups: [sre]}}
  - name: canary-a
    applications: [web-a]
    accepts: {upstream: [dev, staging], require: allOf}
  - name: dr
    kind: dr
    follows: production
    applications: [web-dr]
"#;

fn stage(name: &str) -> ferry_api::Stage {
    let resources = ferry_api::parse_resources(PIPELINE, Path::new("pipeline.yaml")).unwrap();
    resources.pipelines[0].value.stage(name).unwrap().clone()
}

fn freight(id: &str, created_at: i64) -> FreightView {
    FreightView {
        id: id.into(),
        alias: format!("alias-{id}"),
        warehouse: "web".into(),
        created_at,
        authors: vec!["dave@example.com".into()],
    }
}

fn fact(stage: &str, freight: &str, outcome: Outcome, at: i64) -> PromotionFact {
    let deployed = !matches!(outcome, Outcome::FailedBeforeDeploy);
    PromotionFact { stage: stage.into(), freight: freight.into(), outcome, deployed, finished_at: Some(at) }
}

const OPEN: Result<(), String> = Ok(());

#[test]
fn a_warehouse_stage_takes_the_newest_freight_and_then_idles() {
    let freights = [freight("f2", 20), freight("f1", 10)];
    let none = |_: &FreightView| ApprovalVerdict::NotRequired;
    let state = PipelineState::from_facts(&[fact("dev", "f1", Outcome::Verified, 15)]);
    assert!(
        matches!(next_auto(&stage("dev"), &freights, &state, 30, &none, &OPEN), Next::Promote { freight, .. } if freight == "f2")
    );
    let state = PipelineState::from_facts(&[fact("dev", "f2", Outcome::Verified, 25)]);
    assert!(matches!(next_auto(&stage("dev"), &freights, &state, 30, &none, &OPEN), Next::Idle { .. }));
    let busy = PipelineState::from_facts(&[fact("dev", "f2", Outcome::InProgress, 25)]);
    assert!(
        matches!(next_auto(&stage("dev"), &freights, &busy, 30, &none, &OPEN), Next::Idle { reason } if reason.contains("in progress"))
    );
}

#[test]
fn downstream_waits_for_verification_and_soak() {
    let freights = [freight("f1", 10)];
    let none = |_: &FreightView| ApprovalVerdict::NotRequired;
    let staging = stage("staging");
    let nothing = PipelineState::default();
    assert!(matches!(next_auto(&staging, &freights, &nothing, 100, &none, &OPEN), Next::Idle { .. }));
    let verified = PipelineState::from_facts(&[fact("dev", "f1", Outcome::Verified, 100)]);
    match next_auto(&staging, &freights, &verified, 300, &none, &OPEN) {
        Next::Wait { freight, reason } => assert!(freight == "f1" && reason.contains("700"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(next_auto(&staging, &freights, &verified, 700, &none, &OPEN), Next::Promote { .. }));
}

#[test]
fn all_of_needs_every_upstream_stage() {
    let f = freight("f1", 10);
    let a = stage("canary-a");
    let dev_only = PipelineState::from_facts(&[fact("dev", "f1", Outcome::Verified, 100)]);
    assert_eq!(
        eligible(&a, &f, &dev_only, 200),
        Err(NotEligible::NotVerifiedUpstream { missing: vec!["staging".into()] })
    );
    let both = PipelineState::from_facts(&[
        fact("dev", "f1", Outcome::Verified, 100),
        fact("staging", "f1", Outcome::Verified, 150),
    ]);
    assert_eq!(eligible(&a, &f, &both, 200), Ok(()));
}

#[test]
fn production_waits_for_two_distinct_approvers_who_did_not_write_it() {
    let gate = stage("production").approvals.unwrap();
    let authors = vec!["dave@example.com".to_owned()];
    let d = |who: &str, ok: bool| Decision { approver: who.into(), approved: ok, comment: String::new() };
    assert!(may_decide(Some(&gate), "mallory", &[], &authors).unwrap_err().contains("may not approve"));
    assert!(may_decide(Some(&gate), "erin", &["sre".into()], &authors).is_ok(), "group members may");
    assert!(may_decide(Some(&gate), "dave", &["sre".into()], &authors).unwrap_err().contains("wrote a commit"));
    assert_eq!(
        tally(Some(&gate), &[d("alice", true)], &authors),
        ApprovalVerdict::Pending { need: 2, by: vec!["alice".into()] }
    );
    assert!(!tally(Some(&gate), &[d("alice", true), d("alice", true)], &authors).passes(), "one person counts once");
    assert!(tally(Some(&gate), &[d("alice", true), d("bob", true)], &authors).passes());
    assert!(
        matches!(tally(Some(&gate), &[d("alice", true), d("bob", false)], &authors), ApprovalVerdict::Rejected { by, .. } if by == "bob")
    );
    assert_eq!(tally(None, &[], &authors), ApprovalVerdict::NotRequired);
}

#[test]
fn a_failed_freight_is_not_promoted_again_by_itself_and_rollback_finds_the_last_verified() {
    let freights = [freight("f2", 20), freight("f1", 10)];
    let none = |_: &FreightView| ApprovalVerdict::NotRequired;
    let state = PipelineState::from_facts(&[
        fact("dev", "f1", Outcome::Verified, 15),
        fact("dev", "f2", Outcome::FailedVerification, 25),
    ]);
    assert!(
        matches!(next_auto(&stage("dev"), &freights, &state, 30, &none, &OPEN), Next::Wait { reason, .. } if reason.contains("failed here"))
    );
    assert_eq!(state.rollback_target("dev", "f2"), Some("f1".into()));
    assert_eq!(state.stage("dev").current.as_deref(), Some("f2"));
}

#[test]
fn blockers_list_approvals_and_closed_windows() {
    let f = freight("f1", 10);
    let state = PipelineState::from_facts(&[fact("staging", "f1", Outcome::Verified, 10)]);
    let pending = ApprovalVerdict::Pending { need: 2, by: vec![] };
    let closed = Err("deny window active".to_owned());
    let b = blockers(&stage("production"), &f, &state, 20, &pending, &closed);
    assert_eq!(b, ["waiting for 2 approval(s)", "deny window active"]);
    let dr = stage("dr");
    assert!(eligible(&dr, &f, &state, 20).is_err());
    let prod = PipelineState::from_facts(&[fact("production", "f1", Outcome::Verified, 10)]);
    assert!(eligible(&dr, &f, &prod, 20).is_ok(), "dr follows production");
}
