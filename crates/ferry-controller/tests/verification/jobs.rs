//! Job checks against Ferry's local cluster, whose simulated Job controller completes a Job
//! after a delay, or fails it when its pod template carries `localkube.ferry.dev/fail: "true"`.

use std::time::Duration;

use ferry_api::{JobCheck, Verification};
use ferry_cluster::Clusters;
use ferry_controller::promotion::verify::{self, CheckKind, JobCluster, Verdict, VerifyContext};
use ferry_localkube::{ClusterSpec, LocalKube, ServeOptions, Settings};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

struct Cluster {
    _lk: LocalKube,
    _dir: tempfile::TempDir,
    target: JobCluster,
}

async fn cluster() -> Cluster {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let opts = ServeOptions {
        clusters: vec![ClusterSpec { name: "dev".into(), port: None }],
        kubeconfig: kubeconfig.clone(),
        state: None,
        settings: Settings { ready_delay: Duration::from_millis(100) },
    };
    let lk = LocalKube::start(opts).await.unwrap();
    let client = Clusters::load(Some(&kubeconfig)).unwrap().client("dev").await.unwrap();
    Cluster { _lk: lk, _dir: dir, target: JobCluster { client, namespace: "default".into() } }
}

fn context(c: &Cluster) -> VerifyContext {
    VerifyContext {
        stage: "dev".into(),
        freight_alias: "brave-otter".into(),
        cancel: CancellationToken::new(),
        job_cluster: Some(c.target.clone()),
    }
}

fn job(image: Option<&str>, spec: Option<Value>, timeout: Duration) -> Verification {
    let check = JobCheck {
        image: image.map(String::from),
        command: if image.is_some() { vec!["make".into(), "smoke-test".into()] } else { vec![] },
        spec,
        namespace: None,
        timeout,
    };
    Verification { health: false, job: Some(check), ..Verification::default() }
}

/// The Verification Jobs left in the cluster.
async fn jobs_left(c: &Cluster) -> Vec<Value> {
    let jobs = kube::api::ApiResource {
        group: "batch".into(),
        version: "v1".into(),
        api_version: "batch/v1".into(),
        kind: "Job".into(),
        plural: "jobs".into(),
    };
    let api: kube::Api<kube::api::DynamicObject> = kube::Api::namespaced_with(c.target.client.kube(), "default", &jobs);
    let list = api.list(&kube::api::ListParams::default().labels("ferry.dev/verification-stage=dev")).await.unwrap();
    list.items.into_iter().map(|o| serde_json::to_value(o).unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_completes_passes_and_is_deleted() {
    let c = cluster().await;
    let report =
        verify::run(&job(Some("registry.local/acme/smoke:1"), None, Duration::from_secs(60)), &context(&c)).await;
    let check = &report.checks[0];
    assert_eq!((check.kind, check.verdict), (CheckKind::Job, Verdict::Passed), "{check:#?}");
    assert!(check.message.contains("Job default/ferry-verify-dev-brave-otter-"), "{}", check.message);
    assert!(check.message.ends_with("in cluster dev completed"), "{}", check.message);
    // Deleted with background propagation: gone, or going.
    let left = jobs_left(&c).await;
    assert!(left.iter().all(|j| j.pointer("/metadata/deletionTimestamp").is_some()), "{left:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_fails_the_verification_and_is_kept_for_its_logs() {
    let c = cluster().await;
    let spec = json!({
        "backoffLimit": 1,
        "template": {
            "metadata": {"annotations": {"localkube.ferry.dev/fail": "true"}},
            "spec": {"containers": [{"name": "smoke", "image": "registry.local/acme/smoke:1", "args": ["--fail-fast"]}]},
        },
    });
    let report = verify::run(&job(None, Some(spec), Duration::from_secs(60)), &context(&c)).await;
    let check = &report.checks[0];
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    assert!(
        check.message.contains("failed: BackoffLimitExceeded: Job has reached the specified backoff limit"),
        "{}",
        check.message
    );
    let left = jobs_left(&c).await;
    assert_eq!(left.len(), 1, "{left:#?}");
    let kept = &left[0];
    // The user's spec is kept; Ferry adds only what was absent.
    assert_eq!(kept.pointer("/spec/backoffLimit"), Some(&json!(1)));
    assert_eq!(kept.pointer("/spec/activeDeadlineSeconds"), Some(&json!(60)));
    assert_eq!(kept.pointer("/spec/template/spec/restartPolicy"), Some(&json!("Never")));
    assert_eq!(kept.pointer("/metadata/labels/ferry.dev~1verification-freight"), Some(&json!("brave-otter")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_past_its_timeout_fails_and_is_deleted() {
    let c = cluster().await;
    // A suspended Job never starts, so it never finishes.
    let spec = json!({"suspend": true, "template": {"spec": {"containers": [{"name": "smoke", "image": "smoke:1"}]}}});
    let report = verify::run(&job(None, Some(spec), Duration::from_millis(700)), &context(&c)).await;
    let check = &report.checks[0];
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    assert!(check.message.contains("did not finish within 700ms; it was deleted"), "{}", check.message);
    let left = jobs_left(&c).await;
    assert!(left.iter().all(|j| j.pointer("/metadata/deletionTimestamp").is_some()), "{left:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_the_cluster_refuses_is_an_error_naming_it() {
    let c = cluster().await;
    let mut ctx = context(&c);
    ctx.job_cluster.as_mut().unwrap().namespace = "Not_A_Namespace".into();
    let report = verify::run(&job(Some("smoke:1"), None, Duration::from_secs(60)), &ctx).await;
    let check = &report.checks[0];
    assert_eq!(check.verdict, Verdict::Error, "{check:#?}");
    assert!(
        check.message.starts_with("cannot create Job Not_A_Namespace/ferry-verify-dev-brave-otter-"),
        "{}",
        check.message
    );
}
