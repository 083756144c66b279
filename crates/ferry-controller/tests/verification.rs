//! Verification after a promotion against real parts: Debian's `prometheus` scraping an
//! in-test exporter whose error ratio the test sets, an in-test HTTP application for probes,
//! and real programs for command checks.

mod verification {
    pub mod jobs;
    pub mod prometheus;
    pub mod servers;
}

use std::time::Duration;

use ferry_api::{CommandCheck, HttpProbe, JobCheck, PrometheusQuery, Verification};
use ferry_controller::promotion::verify::{self, CheckKind, CheckResult, Verdict, VerificationReport, VerifyContext};
use ferry_core::analysis::Phase;
use tokio_util::sync::CancellationToken;

use verification::prometheus::Prometheus;
use verification::servers::{self, ErrorRatio};

fn context() -> VerifyContext {
    VerifyContext {
        stage: "dev".into(),
        freight_alias: "brave-otter".into(),
        cancel: CancellationToken::new(),
        job_cluster: None,
    }
}

fn only_checks() -> Verification {
    Verification { health: false, ..Verification::default() }
}

async fn verify_one(verification: Verification) -> (VerificationReport, CheckResult) {
    let report = verify::run(&verification, &context()).await;
    assert_eq!(report.checks.len(), 1, "{report:#?}");
    let check = report.checks[0].clone();
    (report, check)
}

fn query(address: &str, promql: &str, success: &str) -> PrometheusQuery {
    PrometheusQuery {
        name: Some("error-rate".into()),
        address: address.to_owned(),
        query: promql.to_owned(),
        success_condition: Some(success.to_owned()),
        failure_condition: None,
        interval: Duration::from_millis(200),
        count: 3,
        failure_limit: 0,
        consecutive_error_limit: 4,
    }
}

fn with_query(q: PrometheusQuery) -> Verification {
    Verification { prometheus: vec![q], ..only_checks() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_error_rate_passes_when_low_and_fails_when_high() {
    let ratio = ErrorRatio::default();
    ratio.set(0.01);
    let exporter = servers::serve(servers::exporter(ratio.clone())).await;
    let prometheus = Prometheus::start(exporter.trim_start_matches("http://")).await;
    prometheus.wait_for("http_errors_ratio", |v| v == 0.01).await;

    // Low error rate: three measurements, all within the condition.
    let (report, check) =
        verify_one(with_query(query(&prometheus.address, "sum(http_errors_ratio)", "result[0] < 0.05"))).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(check.kind, CheckKind::Prometheus);
    assert_eq!(check.measurements.len(), 3, "{check:#?}");
    assert!(check.measurements.iter().all(|m| m.phase == Phase::Successful && m.value.as_deref() == Some("[0.01]")));

    // The same ratio from the request counters, as a real error-rate query reads it.
    let counters = "sum(http_requests_total{code=\"500\"}) / sum(http_requests_total)";
    let (report, _) = verify_one(with_query(query(&prometheus.address, counters, "result[0] <= 0.01"))).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");

    // High error rate: the first failed measurement fails the run (failureLimit 0).
    ratio.set(0.5);
    prometheus.wait_for("http_errors_ratio", |v| v == 0.5).await;
    let (report, check) =
        verify_one(with_query(query(&prometheus.address, "sum(http_errors_ratio)", "result[0] < 0.05"))).await;
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");
    assert_eq!(check.measurements.len(), 1, "stops once failure is certain: {check:#?}");
    assert!(check.message.contains("[0.5]"), "the measured value is in the message: {}", check.message);
    assert!(check.message.contains("failureLimit 0"), "{}", check.message);

    // A failureCondition alone, tolerated once: two failures out of three exceed the limit.
    let mut q = query(&prometheus.address, "http_errors_ratio", "");
    q.success_condition = None;
    q.failure_condition = Some("result[0] > 0.1".into());
    q.failure_limit = 1;
    let (report, check) = verify_one(with_query(q)).await;
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");
    assert_eq!(check.measurements.len(), 2, "{check:#?}");

    // No series matched: an empty vector, `result == []`.
    let (report, check) =
        verify_one(with_query(query(&prometheus.address, "http_errors_ratio{job=\"none\"}", "result == []"))).await;
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(check.measurements[0].value.as_deref(), Some("[]"));

    // PromQL Prometheus refuses: errors in a row, then Error with Prometheus' reason.
    let mut q = query(&prometheus.address, "sum(", "result[0] < 1");
    q.consecutive_error_limit = 1;
    let (report, check) = verify_one(with_query(q)).await;
    assert_eq!(report.verdict, Verdict::Error, "{report:#?}");
    assert_eq!(check.measurements.len(), 2);
    assert!(check.message.contains("bad_data"), "{}", check.message);
}

#[tokio::test]
async fn prometheus_down_is_an_error_after_consecutive_error_limit_plus_one() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let address = format!("http://user:hunter2@{closed}");
    let mut q = query(&address, "up", "result[0] == 1");
    q.consecutive_error_limit = 2;
    let (report, check) = verify_one(with_query(q)).await;
    assert_eq!(report.verdict, Verdict::Error, "{report:#?}");
    assert_eq!(check.measurements.len(), 3, "limit 2 ⇒ the third error in a row ends the run: {check:#?}");
    assert!(check.measurements.iter().all(|m| m.phase == Phase::Error));
    assert!(check.message.contains("3 errors in a row"), "{}", check.message);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("hunter2"), "no credentials in the report: {json}");
}

#[tokio::test]
async fn a_condition_that_does_not_parse_is_an_error_naming_the_column() {
    let (report, check) = verify_one(with_query(query("http://127.0.0.1:1", "up", "result[0] <"))).await;
    assert_eq!(report.verdict, Verdict::Error);
    assert!(check.measurements.is_empty());
    assert!(check.message.contains("successCondition `result[0] <`: column 12: expected"), "{}", check.message);
}

fn probe(url: String) -> HttpProbe {
    HttpProbe {
        url,
        method: "GET".into(),
        expect_status: 200,
        json_path: None,
        expect_value: None,
        timeout: Duration::from_secs(30),
    }
}

async fn probe_once(p: HttpProbe) -> CheckResult {
    verify_one(Verification { http: vec![p], ..only_checks() }).await.1
}

#[tokio::test]
async fn http_probes() {
    let app = servers::serve(servers::application()).await;

    let check = probe_once(probe(format!("{app}/healthz"))).await;
    assert_eq!((check.verdict, check.kind), (Verdict::Passed, CheckKind::Http), "{check:#?}");

    let check = probe_once(probe(format!("{app}/down"))).await;
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    assert!(check.message.contains("answered 503, expected 200"), "{}", check.message);

    let check = probe_once(HttpProbe { expect_status: 503, ..probe(format!("{app}/down")) }).await;
    assert_eq!(check.verdict, Verdict::Passed, "{check:#?}");

    let json = |path: &str, value: &str| HttpProbe {
        json_path: Some(path.into()),
        expect_value: Some(value.into()),
        ..probe(format!("{app}/healthz"))
    };
    let check = probe_once(json("$.status", "ok")).await;
    assert_eq!(check.verdict, Verdict::Passed, "{check:#?}");
    let check = probe_once(json(".checks[0].ok", "true")).await;
    assert_eq!(check.verdict, Verdict::Passed, "{check:#?}");
    let check = probe_once(json("$.status", "degraded")).await;
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    assert!(check.message.contains("`$.status` is `ok`, expected `degraded`"), "{}", check.message);
    let check = probe_once(json("$.missing", "x")).await;
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");

    let check = probe_once(HttpProbe { timeout: Duration::from_millis(300), ..probe(format!("{app}/slow")) }).await;
    assert_eq!(check.verdict, Verdict::Error, "{check:#?}");
    assert!(check.message.contains("no answer within 300ms"), "{}", check.message);

    let check = probe_once(HttpProbe { json_path: Some("$.pad".into()), ..probe(format!("{app}/huge")) }).await;
    assert_eq!(check.verdict, Verdict::Error, "{check:#?}");
    assert!(check.message.contains("larger than"), "{}", check.message);

    let secret_url = format!("{}/down?token=s3cr3t", app.replace("http://", "http://admin:hunter2@"));
    let check = probe_once(probe(secret_url)).await;
    assert!(!check.message.contains("hunter2") && !check.message.contains("s3cr3t"), "{}", check.message);
}

fn command(run: &[&str], timeout: Duration) -> Verification {
    Verification {
        command: Some(CommandCheck { run: run.iter().map(|s| s.to_string()).collect(), timeout }),
        ..only_checks()
    }
}

#[tokio::test]
async fn command_checks() {
    let minute = Duration::from_secs(60);
    let (_, check) = verify_one(command(&["true"], minute)).await;
    assert_eq!((check.verdict, check.kind), (Verdict::Passed, CheckKind::Command), "{check:#?}");

    let (_, check) = verify_one(command(&["false"], minute)).await;
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    assert!(check.message.contains("exited with status 1"), "{}", check.message);

    let script = "echo start; echo stage=$FERRY_STAGE freight=$FERRY_FREIGHT; echo oops >&2; exit 3";
    let (_, check) = verify_one(command(&["sh", "-c", script], minute)).await;
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    assert!(check.output.contains(&"stage=dev freight=brave-otter".to_owned()), "{:?}", check.output);
    assert!(check.output.contains(&"oops".to_owned()), "{:?}", check.output);
    assert!(!check.message.contains("echo"), "arguments stay out of the message: {}", check.message);

    let (_, check) = verify_one(command(&["/nonexistent/program"], minute)).await;
    assert_eq!(check.verdict, Verdict::Error, "{check:#?}");
    assert!(check.message.contains("cannot start `/nonexistent/program`"), "{}", check.message);
}

#[tokio::test]
async fn a_command_past_its_timeout_is_killed() {
    let started = std::time::Instant::now();
    let (_, check) = verify_one(command(&["sleep", "30"], Duration::from_millis(300))).await;
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    assert!(check.message.contains("did not finish within 300ms; it was killed"), "{}", check.message);
    // Not a timing assertion: `sleep 30` would take 30 s had it not been killed.
    assert!(started.elapsed() < Duration::from_secs(25), "the program was killed, not waited for");
}

#[tokio::test]
async fn checks_run_together_and_the_worst_verdict_wins() {
    let app = servers::serve(servers::application()).await;
    let verification = Verification {
        http: vec![probe(format!("{app}/healthz"))],
        job: Some(JobCheck {
            image: Some("busybox".into()),
            command: vec![],
            spec: None,
            namespace: None,
            timeout: Duration::from_secs(60),
        }),
        ..command(&["false"], Duration::from_secs(60))
    };
    let report = verify::run(&verification, &context()).await;
    let verdicts: Vec<_> = report.checks.iter().map(|c| (c.name.as_str(), c.verdict)).collect();
    assert_eq!(verdicts, [("http-1", Verdict::Passed), ("command", Verdict::Failed), ("job", Verdict::Error)]);
    assert_eq!(report.verdict, Verdict::Failed);
    assert!(report.checks[2].message.contains("no cluster to run the Job in"), "{}", report.checks[2].message);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!((json["stage"].as_str(), json["verdict"].as_str()), (Some("dev"), Some("Failed")));
}

#[tokio::test]
async fn cancelling_stops_every_check() {
    let app = servers::serve(servers::application()).await;
    let mut q = query("http://127.0.0.1:1", "up", "result[0] == 1");
    q.interval = Duration::from_secs(3600);
    q.consecutive_error_limit = 100;
    let verification = Verification {
        http: vec![probe(format!("{app}/slow"))],
        prometheus: vec![q],
        ..command(&["sleep", "30"], Duration::from_secs(3600))
    };
    let ctx = context();
    ctx.cancel.cancel();
    let report = verify::run(&verification, &ctx).await;
    assert_eq!(report.checks.len(), 3);
    for check in &report.checks {
        assert_eq!(check.verdict, Verdict::Error, "{check:#?}");
        assert!(check.message.contains("cancelled"), "{}", check.message);
    }
}
