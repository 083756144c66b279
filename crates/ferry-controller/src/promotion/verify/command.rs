//! Command checks: a program run on Ferry's host (no shell) that must exit 0 within its
//! timeout. It is killed on timeout or cancellation; its last lines of output (stdout and
//! stderr interleaved as they arrive) go into the report. It learns the Stage and Freight from
//! `FERRY_STAGE` and `FERRY_FREIGHT`.

use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferry_api::CommandCheck;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use super::VerifyContext;
use super::client::humanize;
use super::report::{CheckKind, CheckResult, Verdict};
use super::tail::Tail;

/// How long to keep reading output after the program ended (a child it started may hold the
/// pipes open).
const DRAIN_GRACE: Duration = Duration::from_secs(1);

/// How the wait ended.
enum End {
    Exited(ExitStatus),
    TimedOut,
    Cancelled,
}

/// Runs the command to its verdict.
pub(crate) async fn run_command(check: &CommandCheck, ctx: &VerifyContext) -> CheckResult {
    // Only the program's name goes into messages: arguments may carry tokens.
    let program = check.run[0].clone();
    let mut child = match spawn(check, ctx) {
        Ok(child) => child,
        Err(e) => {
            return CheckResult::new(
                "command",
                CheckKind::Command,
                Verdict::Error,
                format!("cannot start `{program}`: {e}"),
            );
        }
    };
    let tail = Arc::new(Mutex::new(Tail::default()));
    let readers = [pump(child.stdout.take(), &tail), pump(child.stderr.take(), &tail)];
    let end = wait(&mut child, check.timeout, ctx).await;
    for reader in readers {
        let abort = reader.abort_handle();
        if tokio::time::timeout(DRAIN_GRACE, reader).await.is_err() {
            abort.abort();
        }
    }
    let (verdict, message) = judge(&program, end, check.timeout);
    let mut result = CheckResult::new("command", CheckKind::Command, verdict, message);
    result.output = std::mem::take(&mut *tail.lock().unwrap_or_else(|e| e.into_inner())).into_lines();
    result
}

fn spawn(check: &CommandCheck, ctx: &VerifyContext) -> std::io::Result<Child> {
    Command::new(&check.run[0])
        .args(&check.run[1..])
        .env("FERRY_STAGE", &ctx.stage)
        .env("FERRY_FREIGHT", &ctx.freight_alias)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
}

/// Waits for the program, killing it on timeout or cancellation.
async fn wait(child: &mut Child, timeout: Duration, ctx: &VerifyContext) -> End {
    let end = tokio::select! {
        status = child.wait() => match status {
            Ok(status) => return End::Exited(status),
            // Waiting failed: treat it as a timeout so the program is killed below.
            Err(_) => End::TimedOut,
        },
        () = tokio::time::sleep(timeout) => End::TimedOut,
        () = ctx.cancel.cancelled() => End::Cancelled,
    };
    let _ = child.start_kill();
    let _ = child.wait().await;
    end
}

/// Copies a pipe into the tail until it closes.
fn pump(pipe: Option<impl AsyncRead + Unpin + Send + 'static>, tail: &Arc<Mutex<Tail>>) -> JoinHandle<()> {
    let tail = Arc::clone(tail);
    tokio::spawn(async move {
        let Some(mut pipe) = pipe else { return };
        let mut buffer = vec![0u8; 8192];
        while let Ok(n @ 1..) = pipe.read(&mut buffer).await {
            tail.lock().unwrap_or_else(|e| e.into_inner()).push(&buffer[..n]);
        }
    })
}

fn judge(program: &str, end: End, timeout: Duration) -> (Verdict, String) {
    match end {
        End::Exited(status) if status.success() => (Verdict::Passed, format!("`{program}` exited 0")),
        End::Exited(status) => match status.code() {
            Some(code) => (Verdict::Failed, format!("`{program}` exited with status {code}")),
            None => (Verdict::Failed, format!("`{program}` was ended by a signal ({status})")),
        },
        End::TimedOut => {
            (Verdict::Failed, format!("`{program}` did not finish within {}; it was killed", humanize(timeout)))
        }
        End::Cancelled => (Verdict::Error, format!("cancelled; `{program}` was killed")),
    }
}
