//! An HTTP probe of a Stage's verification: a URL that must answer the expected status, and
//! optionally a JSON body field with the expected value.

use std::time::Duration;

use serde::Serialize;

use crate::decode::Decoder;
use crate::duration;
use crate::node::Node;

/// How long a probe waits for an answer when `timeout` is absent.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// `verification.http[]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpProbe {
    pub url: String,
    /// `GET` when absent.
    pub method: String,
    /// 200 when absent.
    pub expect_status: u16,
    /// A field of the JSON answer, e.g. `$.status` or `.checks[0].ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// The value that field must have, compared as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect_value: Option<String>,
    #[serde(serialize_with = "duration::serialize")]
    pub timeout: Duration,
}

const METHODS: &[(&str, &str)] = &[("GET", "GET"), ("HEAD", "HEAD"), ("POST", "POST")];

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<HttpProbe> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, path)?;
    let url_node = f.peek("url");
    let url = f.required_string(d, "url", "an `http://` or `https://` URL");
    if let (Some(u), Some(n)) = (&url, url_node)
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        d.invalid(n, &f.path("url"), "an `http://` or `https://` URL");
    }
    let method = f.choice(d, "method", METHODS).unwrap_or("GET").to_owned();
    let status_node = f.peek("expectStatus");
    let expect_status = f.int(d, "expectStatus").unwrap_or(200);
    if let Some(n) = status_node.filter(|_| !(100..=599).contains(&expect_status)) {
        d.invalid(n, &f.path("expectStatus"), "an HTTP status from 100 to 599");
    }
    let json_path_node = f.peek("jsonPath");
    let json_path = f.string(d, "jsonPath");
    if let (Some(p), Some(n)) = (&json_path, json_path_node)
        && !(p.starts_with("$.") || p.starts_with('.') || p == "$")
    {
        d.invalid(n, &f.path("jsonPath"), "a path into the JSON answer such as `$.status` or `.checks[0].ok`");
    }
    let expect_value_node = f.peek("expectValue");
    let expect_value = f.string(d, "expectValue");
    if let (Some(n), None) = (expect_value_node.filter(|_| expect_value.is_some()), &json_path) {
        d.invalid(n, &f.path("expectValue"), "`expectValue` together with `jsonPath`");
    }
    let timeout = f.duration(d, "timeout").unwrap_or(DEFAULT_PROBE_TIMEOUT);
    f.finish(d);
    let probe = HttpProbe {
        url: url?,
        method,
        expect_status: u16::try_from(expect_status).ok()?,
        json_path,
        expect_value,
        timeout,
    };
    (d.error_count() == errors_before).then_some(probe)
}
