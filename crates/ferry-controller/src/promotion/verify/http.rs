//! HTTP probes: one request that must answer `expectStatus`, and, with `jsonPath`, a JSON
//! answer whose field exists (and equals `expectValue` as text, when given).
//!
//! A wrong status or field is Failed; no answer (refused, timed out, too large) is Error. The
//! answer body never reaches the report or the log: only the one field compared, shortened.

use ferry_api::HttpProbe;
use reqwest::{Client, Method};

use super::client::{describe_error, read_capped, redact_url};
use super::json_path;
use super::report::{CheckKind, CheckResult, Verdict};

/// Field values longer than this are cut in messages.
const MAX_VALUE_CHARS: usize = 200;

/// Runs one probe.
pub(crate) async fn probe(client: &Client, probe: &HttpProbe, name: String) -> CheckResult {
    let what = format!("{} {}", probe.method, redact_url(&probe.url));
    let (verdict, detail) = match check(client, probe).await {
        Ok(detail) => (Verdict::Passed, detail),
        Err((verdict, detail)) => (verdict, detail),
    };
    tracing::debug!(check = %name, %what, ?verdict, "http probe");
    CheckResult::new(name, CheckKind::Http, verdict, format!("{what}: {detail}"))
}

type Outcome = Result<String, (Verdict, String)>;

async fn check(client: &Client, probe: &HttpProbe) -> Outcome {
    let method = Method::from_bytes(probe.method.as_bytes())
        .map_err(|_| (Verdict::Error, format!("method `{}` is not valid", probe.method)))?;
    let response = client
        .request(method, &probe.url)
        .timeout(probe.timeout)
        .send()
        .await
        .map_err(|e| (Verdict::Error, describe_error(e, Some(probe.timeout))))?;
    let status = response.status().as_u16();
    if status != probe.expect_status {
        return Err((Verdict::Failed, format!("answered {status}, expected {}", probe.expect_status)));
    }
    let Some(path) = &probe.json_path else {
        return Ok(format!("answered {status}"));
    };
    let body = read_capped(response, probe.timeout).await.map_err(|e| (Verdict::Error, e))?;
    field(&body, path, probe.expect_value.as_deref()).map(|detail| format!("answered {status}, {detail}"))
}

/// Checks the field at `path` of a JSON body.
fn field(body: &[u8], path: &str, expected: Option<&str>) -> Outcome {
    let document: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| (Verdict::Failed, format!("the answer is not JSON ({e})")))?;
    let found = json_path::lookup(&document, path).map_err(|e| (Verdict::Error, e))?;
    let Some(value) = found else {
        return Err((Verdict::Failed, format!("the answer has no `{path}`")));
    };
    let text = json_path::as_text(value);
    match expected {
        Some(expected) if text != expected => {
            Err((Verdict::Failed, format!("`{path}` is `{}`, expected `{expected}`", shorten(&text))))
        }
        _ => Ok(format!("`{path}` is `{}`", shorten(&text))),
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Body, path, expected value, and the verdict when the check does not pass.
    type Case<'a> = (&'a [u8], &'a str, Option<&'a str>, Option<Verdict>);

    #[test]
    fn field_checks() {
        let body = br#"{"status":"ok","checks":[{"ok":true}],"n":3}"#;
        let cases: &[Case<'_>] = &[
            (body, "$.status", Some("ok"), None),
            (body, ".checks[0].ok", Some("true"), None),
            (body, "$.n", Some("3"), None),
            (body, "$.n", None, None),
            (body, "$.status", Some("degraded"), Some(Verdict::Failed)),
            (body, "$.missing", None, Some(Verdict::Failed)),
            (b"<html>", "$.status", Some("ok"), Some(Verdict::Failed)),
            (body, "$.a[", None, Some(Verdict::Error)),
        ];
        for (body, path, expected, verdict) in cases {
            let outcome = field(body, path, *expected);
            assert_eq!(outcome.as_ref().err().map(|e| e.0), *verdict, "{path} {expected:?}: {outcome:?}");
        }
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(1000);
        let body = format!(r#"{{"v":"{long}"}}"#);
        let Err((_, message)) = field(body.as_bytes(), "$.v", Some("y")) else { panic!() };
        assert!(message.len() < 400, "{message}");
    }
}
