use super::*;

fn res(name: &str, status: &str) -> ResourceResult {
    ResourceResult {
        group: "apps".into(),
        kind: "Deployment".into(),
        namespace: "default".into(),
        name: name.into(),
        action: "apply".into(),
        status: status.into(),
        message: String::new(),
    }
}

fn new_sync<'a>(app: &'a str, rev: &'a str, at: i64) -> NewSync<'a> {
    NewSync {
        application: app,
        revision: rev,
        source: "file:///repo guestbook",
        trigger: Trigger::Manual,
        started_at: at,
    }
}

#[tokio::test]
async fn a_sync_is_recorded_from_start_to_finish() {
    let store = Store::memory().await.unwrap();
    let id = store.begin_sync(&new_sync("guestbook", "abc123", 100)).await.unwrap();
    let running = store.sync("guestbook", id).await.unwrap().unwrap();
    assert_eq!(running.phase, Phase::Running);
    store.finish_sync(id, Phase::Succeeded, "ok", 105, &[res("web", "Synced"), res("db", "Synced")]).await.unwrap();
    let done = store.sync("guestbook", id).await.unwrap().unwrap();
    assert_eq!(done.phase, Phase::Succeeded);
    assert_eq!(done.finished_at, Some(105));
    assert_eq!(done.resources.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["web", "db"]);
    assert!(store.sync("other", id).await.unwrap().is_none(), "ids are per application");
}

#[tokio::test]
async fn history_is_newest_first_and_pruned_to_the_limit() {
    let store = Store::memory().await.unwrap();
    for i in 0..5 {
        let id = store.begin_sync(&new_sync("app", &format!("rev{i}"), i)).await.unwrap();
        store.finish_sync(id, Phase::Succeeded, "", i + 1, &[]).await.unwrap();
    }
    let running = store.begin_sync(&new_sync("app", "rev5", 10)).await.unwrap();
    assert_eq!(store.prune_history("app", 2).await.unwrap(), 3);
    let h = store.history("app", 10).await.unwrap();
    let revs: Vec<&str> = h.iter().map(|r| r.revision.as_str()).collect();
    assert_eq!(revs, ["rev5", "rev4", "rev3"], "running syncs are kept");
    assert_eq!(h[0].id, running);
}

#[tokio::test]
async fn a_crash_leaves_running_syncs_that_a_restart_finds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferry.db");
    {
        let store = Store::open(&path).await.unwrap();
        let done = store.begin_sync(&new_sync("app", "r1", 1)).await.unwrap();
        store.finish_sync(done, Phase::Succeeded, "", 2, &[res("web", "Synced")]).await.unwrap();
        store.begin_sync(&new_sync("app", "r2", 3)).await.unwrap();
        // Dropped without finishing: as if the process died mid-sync.
    }
    let store = Store::open(&path).await.unwrap();
    let interrupted = store.take_interrupted(9).await.unwrap();
    assert_eq!(interrupted.len(), 1);
    assert_eq!(interrupted[0].revision, "r2");
    let h = store.history("app", 10).await.unwrap();
    assert_eq!(h[0].phase, Phase::Interrupted);
    assert_eq!(h[1].resources.len(), 1, "finished history intact");
    assert!(store.take_interrupted(10).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_database_from_a_newer_ferry_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ferry.db");
    let store = Store::open(&path).await.unwrap();
    sqlx::query("INSERT INTO schema_version (version) VALUES (99)").execute(&store.pool_for_tests()).await.unwrap();
    drop(store);
    let err = Store::open(&path).await.unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
}

#[tokio::test]
async fn notifications_are_sent_once_per_key_and_retried_until_delivered_or_given_up() {
    let store = Store::memory().await.unwrap();
    let payload = serde_json::json!({"event": "rollback", "stage": "dev"});
    assert!(store.enqueue_notification("sre", "rollback", "rollback/7/sre", &payload, 100).await.unwrap());
    assert!(!store.enqueue_notification("sre", "rollback", "rollback/7/sre", &payload, 101).await.unwrap());
    assert!(store.enqueue_notification("ops", "rollback", "rollback/7/ops", &payload, 100).await.unwrap());
    let due = store.due_notifications(100, 10).await.unwrap();
    assert_eq!(due.iter().map(|n| n.notifier.as_str()).collect::<Vec<_>>(), ["sre", "ops"]);
    assert_eq!(due[0].payload, payload);

    let retry = Attempt::Retry { error: "HTTP 503".into(), retry_at: 110 };
    store.record_attempt(due[0].id, &retry, 100).await.unwrap();
    store.record_attempt(due[1].id, &Attempt::GiveUp { error: "HTTP 404".into() }, 100).await.unwrap();
    assert!(store.due_notifications(105, 10).await.unwrap().is_empty(), "retried later; the other gave up");
    let again = store.due_notifications(110, 10).await.unwrap();
    assert_eq!((again.len(), again[0].attempts, again[0].last_error.as_str()), (1, 1, "HTTP 503"));
    store.record_attempt(again[0].id, &Attempt::Delivered, 110).await.unwrap();
    assert!(store.due_notifications(1000, 10).await.unwrap().is_empty());
    let all = store.notifications(10).await.unwrap();
    assert_eq!(all[0].notifier, "ops");
    assert!(all[0].gave_up && all[0].delivered_at.is_none());
    assert_eq!((all[1].delivered_at, all[1].attempts, all[1].last_error.as_str()), (Some(110), 2, ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_opened_at_once_on_a_new_file_migrate_it_once() {
    // `ferry controller` and a CLI command may open a new (or older) database at the same
    // moment: each must see the other's migrations instead of applying them twice.
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ferry.db");
        let opens: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                tokio::spawn(async move { Store::open(&path).await.map(|_| ()) })
            })
            .collect();
        for opened in opens {
            opened.await.unwrap().unwrap();
        }
        let store = Store::open(&path).await.unwrap();
        let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_version ORDER BY version")
            .fetch_all(&store.pool_for_tests())
            .await
            .unwrap();
        assert_eq!(versions, (1..=versions.len() as i64).collect::<Vec<_>>(), "each migration once");
    }
}
