//! The HTTP client of HTTP probes and Prometheus queries, reading answers with a size cap, and
//! the text of a URL or an HTTP error that is safe to put in a report.

use std::error::Error as _;
use std::time::Duration;

use reqwest::{Client, Response, Url};

/// Answers larger than this are refused (probes and Prometheus answers are small).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A client that does not follow redirects (a probe's `expectStatus` sees the real status, and
/// an answer cannot send Ferry elsewhere). Proxies come from the environment as usual.
pub(crate) fn client() -> Result<Client, String> {
    // HTTPS needs the process-wide rustls provider; installing it again is harmless.
    ferry_cluster::install_crypto_provider();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", describe_error(e, None)))
}

/// Reads the answer's body, refusing more than [`MAX_BODY_BYTES`].
pub(crate) async fn read_capped(mut response: Response, timeout: Duration) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| describe_error(e, Some(timeout)))? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(format!("the answer is larger than {} KiB", MAX_BODY_BYTES / 1024));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `url` without userinfo and with its query replaced by `?…`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return "(an unparsable URL)".to_owned();
    };
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    let had_query = parsed.query().is_some();
    parsed.set_query(None);
    parsed.set_fragment(None);
    let mut text = parsed.to_string();
    if had_query {
        text.push_str("?…");
    }
    text
}

/// What went wrong with a request, without the URL (which may carry credentials): a timeout,
/// or the chain of causes, e.g. `client error (Connect): tcp connect error: Connection refused`.
pub(crate) fn describe_error(err: reqwest::Error, timeout: Option<Duration>) -> String {
    let err = err.without_url();
    if err.is_timeout() {
        return match timeout {
            Some(t) => format!("no answer within {}", humanize(t)),
            None => "timed out".to_owned(),
        };
    }
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// `300ms`, `5s`, `1m30s`.
pub(crate) fn humanize(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 || !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_credentials_and_queries() {
        let cases = [
            ("http://user:secret@example.com:8080/health", "http://example.com:8080/health"),
            ("https://example.com/api?token=abc", "https://example.com/api?…"),
            ("http://example.com", "http://example.com/"),
            ("not a url", "(an unparsable URL)"),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected);
        }
    }

    #[test]
    fn durations_read_like_config() {
        let cases = [(300, "300ms"), (5000, "5s"), (90_000, "1m30s"), (120_000, "2m"), (1500, "1500ms")];
        for (ms, expected) in cases {
            assert_eq!(humanize(Duration::from_millis(ms)), expected);
        }
    }
}
