//! Sending one request: a POST with a deadline. Delivered on 2xx; tried again on a timeout, a
//! connection error, 408, 429 or 5xx; given up on any other answer (the Notifier is wrong).
//! Errors carry the status or the cause, never the URL (a webhook's URL is its credential).

use std::time::Duration;

use ferry_store::Attempt;

use super::payload::Request;
use crate::promotion::verify::client::describe_error;

/// How long one send may take.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) async fn post(client: &reqwest::Client, request: Request) -> Attempt {
    let mut builder = client.post(&request.url).timeout(SEND_TIMEOUT).json(&request.body);
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let what = request.what;
    match builder.send().await {
        Ok(answer) if answer.status().is_success() => Attempt::Delivered,
        Ok(answer) => {
            let status = answer.status();
            let error = format!("{what} answered HTTP {}", status.as_u16());
            if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
                Attempt::Retry { error, retry_at: 0 }
            } else {
                Attempt::GiveUp { error }
            }
        }
        Err(e) => Attempt::Retry { error: format!("{what}: {}", describe_error(e, Some(SEND_TIMEOUT))), retry_at: 0 },
    }
}
