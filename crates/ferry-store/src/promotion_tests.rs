use serde_json::json;

use super::*;

fn freight(id: &str, alias: &str, at: i64) -> FreightRecord {
    FreightRecord {
        id: id.repeat(64 / id.len()),
        alias: alias.into(),
        warehouse: "web".into(),
        revisions: json!([{"kind": "git", "repoURL": "https://x/r.git", "commit": "abc"}]),
        authors: vec!["dev@example.com".into()],
        created_at: at,
    }
}

fn promotion<'a>(stage: &'a str, freight_id: &'a str) -> NewPromotion<'a> {
    NewPromotion {
        pipeline: "demo",
        stage,
        freight_id,
        kind: PromotionKind::Promote,
        requested_by: "ferry",
        at: 100,
        reason: "test",
    }
}

#[tokio::test]
async fn freight_is_written_once_and_found_by_alias_or_id_prefix() {
    let store = Store::memory().await.unwrap();
    let f = freight("ab", "brave-otter-1", 10);
    assert!(store.insert_freight(&f).await.unwrap());
    assert!(!store.insert_freight(&f).await.unwrap(), "the same Freight again is not new");
    assert!(store.insert_freight(&freight("cd", "calm-yak-2", 20)).await.unwrap());
    assert_eq!(store.find_freight("brave-otter-1").await.unwrap()[0].id, f.id);
    assert_eq!(store.find_freight("ababab").await.unwrap()[0].alias, "brave-otter-1");
    assert!(store.find_freight("abab").await.unwrap().is_empty(), "prefixes need 6 digits");
    let list = store.freight_list(Some("web"), 10).await.unwrap();
    assert_eq!(list.iter().map(|f| f.alias.as_str()).collect::<Vec<_>>(), ["calm-yak-2", "brave-otter-1"]);
    assert_eq!(list[1].authors, ["dev@example.com"]);
}

#[tokio::test]
async fn one_promotion_at_a_time_per_stage_resumable_step_by_step() {
    let store = Store::memory().await.unwrap();
    let f = freight("ab", "brave-otter-1", 10);
    store.insert_freight(&f).await.unwrap();
    let id = store.begin_promotion(&promotion("dev", &f.id), "demo/dev").await.unwrap().unwrap();
    assert_eq!(store.begin_promotion(&promotion("dev", &f.id), "demo/dev").await.unwrap(), None, "dev is busy");
    assert!(store.begin_promotion(&promotion("staging", &f.id), "demo/staging").await.unwrap().is_some());
    store.record_step(id, 1, &json!([{"step": "git-clone"}]), None).await.unwrap();
    store.record_step(id, 2, &json!([{"step": "git-clone"}, {"step": "git-push"}]), Some("c0ffee")).await.unwrap();
    let unfinished = store.unfinished_promotions().await.unwrap();
    assert_eq!(unfinished.len(), 2);
    assert_eq!((unfinished[0].next_step, unfinished[0].commit_sha.as_deref()), (2, Some("c0ffee")));
    store.mark_deployed(id).await.unwrap();
    let pushed = store.promotion(id).await.unwrap().unwrap();
    assert_eq!((pushed.deployed, pushed.phase), (true, PromotionPhase::Running), "pushed, not yet synced");
    store.mark_verifying(id).await.unwrap();
    assert_eq!(store.promotion(id).await.unwrap().unwrap().phase, PromotionPhase::Verifying);
    let end = PromotionEnd { phase: PromotionPhase::Succeeded, message: "verified", verification: None, at: 130 };
    store.finish_promotion(id, &end, "demo/dev").await.unwrap();
    let done = store.promotion(id).await.unwrap().unwrap();
    assert!(done.deployed);
    assert_eq!((done.phase, done.finished_at), (PromotionPhase::Succeeded, Some(130)));
    assert!(store.begin_promotion(&promotion("dev", &f.id), "demo/dev").await.unwrap().is_some(), "dev is free");
    let actions: Vec<String> = store.audit_log(None, 10).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["promotion.started", "promotion.succeeded", "promotion.started", "promotion.started"]);
}

#[tokio::test]
async fn a_second_decision_by_the_same_person_counts_once_and_is_audited() {
    let store = Store::memory().await.unwrap();
    let f = freight("ab", "brave-otter-1", 10);
    store.insert_freight(&f).await.unwrap();
    let approve = |who: &'static str, decision| NewApproval {
        pipeline: "demo",
        stage: "production",
        freight_id: "",
        approver: who,
        decision,
        comment: "lgtm",
        at: 50,
    };
    let mut alice = approve("alice", Decision::Approved);
    alice.freight_id = &f.id;
    assert_eq!(store.record_approval(&alice, "s").await.unwrap(), Recorded::New);
    let mut again = approve("alice", Decision::Rejected);
    again.freight_id = &f.id;
    match store.record_approval(&again, "s").await.unwrap() {
        Recorded::AlreadyDecided(earlier) => assert_eq!(earlier.decision, Decision::Approved),
        other => panic!("{other:?}"),
    }
    let decisions = store.approvals("demo", "production", &f.id).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].decision, Decision::Approved);
    let actions: Vec<String> = store.audit_log(Some("s"), 10).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["approval.repeated", "approval.recorded"]);
}

#[tokio::test]
async fn the_audit_log_is_append_only_and_chained() {
    let store = Store::memory().await.unwrap();
    for i in 0..3 {
        let e = NewAudit { at: i, actor: "alice", action: "x", subject: "demo/dev", detail: json!({"i": i}) };
        store.audit(&e).await.unwrap();
    }
    assert_eq!(store.verify_audit_chain().await.unwrap(), Ok(3));
    let pool = store.pool_for_tests();
    let refused = sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").execute(&pool).await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    assert!(sqlx::query("DELETE FROM audit_log").execute(&pool).await.is_err());
    // Behind Ferry's back (triggers dropped), an edit breaks the chain at that entry.
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").execute(&pool).await.unwrap();
    assert_eq!(store.verify_audit_chain().await.unwrap(), Err(2));
}

#[tokio::test]
async fn warehouse_polls_count_failures_in_a_row() {
    let store = Store::memory().await.unwrap();
    store.record_poll("web", 1, 61, Some("registry down"), "").await.unwrap();
    store.record_poll("web", 2, 122, Some("registry down"), "").await.unwrap();
    let polls = store.warehouse_polls().await.unwrap();
    assert_eq!((polls[0].failures, polls[0].message.as_str()), (2, "registry down"));
    store.record_poll("web", 3, 63, None, "2 new Freight").await.unwrap();
    let polls = store.warehouse_polls().await.unwrap();
    assert_eq!((polls[0].failures, polls[0].message.as_str()), (0, "2 new Freight"));
}
