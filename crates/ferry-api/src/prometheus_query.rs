//! A Prometheus query of a Stage's verification, with Argo Rollouts analysis semantics: the
//! query runs `count` times every `interval`; a measurement fails when `failureCondition`
//! holds (or `successCondition` does not); more than `failureLimit` failures fail the
//! verification, and so do more than `consecutiveErrorLimit` query errors in a row.

use std::time::Duration;

use serde::Serialize;

use crate::decode::Decoder;
use crate::duration;
use crate::node::Node;

/// Argo Rollouts' default for `consecutiveErrorLimit`.
pub const DEFAULT_CONSECUTIVE_ERROR_LIMIT: u32 = 4;
/// Time between measurements when `interval` is absent.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

/// `verification.prometheus[]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusQuery {
    /// A label in output (`query-N` when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Prometheus server, e.g. `http://prometheus:9090`.
    pub address: String,
    /// PromQL.
    pub query: String,
    /// An expression over `result`, e.g. `result[0] < 0.05`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_condition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_condition: Option<String>,
    #[serde(serialize_with = "duration::serialize")]
    pub interval: Duration,
    /// Measurements taken (1 when absent).
    pub count: u32,
    /// Failed measurements tolerated (0 when absent).
    pub failure_limit: u32,
    /// Query errors in a row tolerated (4 when absent).
    pub consecutive_error_limit: u32,
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<PrometheusQuery> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, path)?;
    let name = f.string(d, "name");
    let address_node = f.peek("address");
    let address = f.required_string(d, "address", "the Prometheus server's URL, e.g. `http://prometheus:9090`");
    if let (Some(a), Some(n)) = (&address, address_node)
        && !(a.starts_with("http://") || a.starts_with("https://"))
    {
        d.invalid(n, &f.path("address"), "an `http://` or `https://` URL");
    }
    let query = f.required_string(d, "query", "a PromQL query");
    let success_condition = f.string(d, "successCondition");
    let failure_condition = f.string(d, "failureCondition");
    if success_condition.is_none() && failure_condition.is_none() {
        d.missing(
            f.line(),
            &f.path("successCondition"),
            "a `successCondition` or a `failureCondition`, e.g. `result[0] < 0.05`",
        );
    }
    let interval = f.duration(d, "interval").unwrap_or(DEFAULT_INTERVAL);
    let count = counter(d, &mut f, "count", 1, 1);
    let failure_limit = counter(d, &mut f, "failureLimit", 0, 0);
    let consecutive_error_limit = counter(d, &mut f, "consecutiveErrorLimit", DEFAULT_CONSECUTIVE_ERROR_LIMIT, 0);
    if failure_limit >= count {
        let line = f.peek("failureLimit").map_or(f.line(), |n| n.line);
        let expected = format!("fewer than `count` ({count}) failures, or the query could never fail the verification");
        d.invalid_at(line, &f.path("failureLimit"), &expected, failure_limit.to_string());
    }
    f.finish(d);
    let query = PrometheusQuery {
        name,
        address: address?,
        query: query?,
        success_condition,
        failure_condition,
        interval,
        count,
        failure_limit,
        consecutive_error_limit,
    };
    (d.error_count() == errors_before).then_some(query)
}

/// A whole number of at least `min`, `default` when absent.
fn counter(d: &mut Decoder, f: &mut crate::decode::Fields<'_>, key: &'static str, default: u32, min: u32) -> u32 {
    let node = f.peek(key);
    match f.int(d, key) {
        None => default,
        Some(n) => match u32::try_from(n) {
            Ok(n) if n >= min => n,
            _ => {
                if let Some(node) = node {
                    d.invalid(node, &f.path(key), &format!("a whole number of at least {min}"));
                }
                default
            }
        },
    }
}
