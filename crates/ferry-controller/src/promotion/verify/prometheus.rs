//! Prometheus queries: an instant query (`GET {address}/api/v1/query`) measured up to `count`
//! times, one `interval` apart, judged by the query's conditions. ferry-core's [`AnalysisRun`]
//! decides when to measure again and when the run is over (Argo Rollouts' semantics); this
//! file only queries and waits, on tokio's clock.

use std::time::Duration;

use ferry_api::PrometheusQuery;
use ferry_core::analysis::{AnalysisRun, AnalysisSpec, Condition, Measurement, Next, QueryResult, RunVerdict, assess};
use reqwest::{Client, Url};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::client::{describe_error, read_capped, redact_url};
use super::prometheus_answer::parse_answer;
use super::report::{CheckKind, CheckResult, MeasurementRecord, Verdict};

/// How long one query may take.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// The parsed conditions of a query.
struct Conditions {
    success: Option<Condition>,
    failure: Option<Condition>,
}

/// Runs one query to its verdict, or until `cancel` fires (then the check is an Error).
pub(crate) async fn run_query(
    client: &Client,
    query: &PrometheusQuery,
    name: String,
    cancel: &CancellationToken,
) -> CheckResult {
    let conditions = match parse_conditions(query) {
        Ok(c) => c,
        Err(message) => return CheckResult::new(name, CheckKind::Prometheus, Verdict::Error, message),
    };
    let mut run = AnalysisRun::new(spec(query));
    let mut records = Vec::new();
    let mut last_value = None;
    let mut next = run.start(Instant::now());
    let verdict = loop {
        let at = match next {
            Next::MeasureAt(at) => at,
            Next::Done(verdict) => break verdict,
        };
        tokio::select! {
            biased;
            () = cancel.cancelled() => {
                let message = format!("cancelled after {} measurement(s)", records.len());
                return with_records(CheckResult::new(name, CheckKind::Prometheus, Verdict::Error, message), records);
            }
            () = tokio::time::sleep_until(at) => {}
        }
        let (measurement, record) = measure(client, query, &conditions).await;
        last_value = record.value.clone().or(last_value);
        tracing::debug!(check = %name, phase = ?record.phase, "prometheus measurement");
        records.push(record);
        next = run.record(measurement, Instant::now());
    };
    let message = summary(query, &conditions, &verdict, last_value.as_deref(), records.len());
    with_records(CheckResult::new(name, CheckKind::Prometheus, check_verdict(&verdict), message), records)
}

fn with_records(mut check: CheckResult, records: Vec<MeasurementRecord>) -> CheckResult {
    check.measurements = records;
    check
}

fn spec(query: &PrometheusQuery) -> AnalysisSpec {
    AnalysisSpec {
        count: query.count,
        interval: query.interval,
        failure_limit: query.failure_limit,
        // Argo Rollouts' default; Ferry's API has no `inconclusiveLimit` (yet).
        inconclusive_limit: 0,
        consecutive_error_limit: query.consecutive_error_limit,
    }
}

fn parse_conditions(query: &PrometheusQuery) -> Result<Conditions, String> {
    let parse = |text: &Option<String>, field: &str| {
        text.as_deref()
            .map(Condition::parse)
            .transpose()
            .map_err(|e| format!("{field} `{}`: {e}", text.as_deref().unwrap_or("")))
    };
    Ok(Conditions {
        success: parse(&query.success_condition, "successCondition")?,
        failure: parse(&query.failure_condition, "failureCondition")?,
    })
}

/// Takes one measurement: its outcome, and the record for the report.
async fn measure(
    client: &Client,
    query: &PrometheusQuery,
    conditions: &Conditions,
) -> (Measurement, MeasurementRecord) {
    let (measurement, value) = match fetch(client, &query.address, &query.query).await {
        Ok(result) => {
            (assess(&result, conditions.success.as_ref(), conditions.failure.as_ref()), Some(result.to_string()))
        }
        Err(message) => (Measurement::Error(message), None),
    };
    let message = match &measurement {
        Measurement::Error(m) => Some(m.clone()),
        _ => None,
    };
    let record = MeasurementRecord { phase: measurement.phase(), value, message };
    (measurement, record)
}

/// One instant query.
pub(crate) async fn fetch(client: &Client, address: &str, promql: &str) -> Result<QueryResult, String> {
    let where_ = redact_url(address);
    let mut url = Url::parse(&format!("{}/api/v1/query", address.trim_end_matches('/')))
        .map_err(|e| format!("Prometheus address {where_} is not a URL ({e})"))?;
    url.query_pairs_mut().append_pair("query", promql);
    let response = client
        .get(url)
        .timeout(QUERY_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("Prometheus at {where_}: {}", describe_error(e, Some(QUERY_TIMEOUT))))?;
    let status = response.status();
    let body = read_capped(response, QUERY_TIMEOUT).await.map_err(|e| format!("Prometheus at {where_}: {e}"))?;
    parse_answer(status.as_u16(), &body).map_err(|e| format!("Prometheus at {where_}: {e}"))
}

fn check_verdict(verdict: &RunVerdict) -> Verdict {
    match verdict {
        RunVerdict::Successful => Verdict::Passed,
        RunVerdict::Failed { .. } => Verdict::Failed,
        RunVerdict::Inconclusive { .. } => Verdict::Inconclusive,
        RunVerdict::Error { .. } => Verdict::Error,
    }
}

/// E.g. `1 measurement(s) failed, more than failureLimit 0; last value [0.5] against
/// successCondition `result[0] < 0.05``.
fn summary(
    query: &PrometheusQuery,
    conditions: &Conditions,
    verdict: &RunVerdict,
    last: Option<&str>,
    taken: usize,
) -> String {
    let mut against = Vec::new();
    if let Some(c) = &conditions.success {
        against.push(format!("successCondition `{c}`"));
    }
    if let Some(c) = &conditions.failure {
        against.push(format!("failureCondition `{c}`"));
    }
    let head = match verdict {
        RunVerdict::Successful => format!("{taken} measurement(s), within limits (count {})", query.count),
        other => other.to_string(),
    };
    match last {
        Some(value) => format!("{head}; last value {value} against {}", against.join(" and ")),
        None => head,
    }
}
