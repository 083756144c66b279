//! Docker credential helpers (`credsStore`, `credHelpers` of a Docker `config.json`), run
//! the way the Docker CLI runs them: `docker-credential-<name> get` found on the search path
//! (`$PATH` by default), the server URL on stdin, and `{"ServerURL", "Username", "Secret"}`
//! as JSON on stdout. A helper that exits non-zero printing `credentials not found in native
//! keychain` has no credentials for the server (anonymous access); Username `<token>` marks
//! Secret as an identity token.
//!
//! A helper runs with a deadline and an output cap and is killed past either. Its stdout may
//! hold the secret, so no error ever quotes it; only the helper's name, the host, the exit
//! status and the last line of its stderr are reported.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use oci_client::secrets::RegistryAuth;
use serde::Deserialize;

use super::DiscoveryError;

/// How long one helper run may take by default.
pub(crate) const DEFAULT_HELPER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most stdout accepted from a helper; credentials are a few kilobytes at most.
const MAX_OUTPUT_BYTES: usize = 64 * 1024;
/// The most stderr kept for the error message.
const MAX_STDERR_BYTES: usize = 4 * 1024;
/// What a helper prints when it has nothing for the server (docker-credential-helpers'
/// `ErrCredentialsNotFound`).
const NOT_FOUND: &str = "credentials not found in native keychain";
/// The Username that marks Secret as an identity token.
const TOKEN_USERNAME: &str = "<token>";

/// Where helpers are looked for and how long one may run.
#[derive(Debug, Clone)]
pub(crate) struct HelperSettings {
    /// Directories searched for `docker-credential-<name>`; `None`: the process's `PATH`.
    pub(crate) search_path: Option<OsString>,
    pub(crate) timeout: Duration,
}

/// The helper's answer. Not `Debug`: it holds the secret.
#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Runs helper `name` for `server_url` (the config key as written, or Docker Hub's
/// `https://index.docker.io/v1/`); `host` names the registry in errors.
pub(crate) fn get(
    name: &str,
    server_url: &str,
    host: &str,
    settings: &HelperSettings,
) -> Result<RegistryAuth, DiscoveryError> {
    let helper = format!("docker-credential-{name}");
    let fail = |retryable: bool, reason: String| DiscoveryError::CredentialHelper {
        helper: helper.clone(),
        host: host.to_owned(),
        reason,
        retryable,
    };
    if name.is_empty() || name.contains(['/', '\\', '\0']) {
        return Err(fail(false, "the helper name must be a plain name, not a path".to_owned()));
    }
    let program = locate(&helper, settings.search_path.as_ref()).ok_or_else(|| {
        let place = if settings.search_path.is_some() { "the helper search path" } else { "PATH" };
        fail(false, format!("not found on {place}"))
    })?;
    let ran = run(&program, server_url, settings.timeout).map_err(|e| fail(true, format!("cannot run it: {e}")))?;
    match ran {
        Ran::Exited { success: true, stdout, .. } => answer(&stdout).map_err(|reason| fail(true, reason)),
        Ran::Exited { success: false, stdout, .. } if String::from_utf8_lossy(&stdout).trim() == NOT_FOUND => {
            Ok(RegistryAuth::Anonymous)
        }
        Ran::Exited { status, stderr, .. } => {
            let said = last_line(&stderr).map(|l| format!("; stderr: {l}")).unwrap_or_default();
            Err(fail(true, format!("{status}{said} (its stdout is not shown: it may hold a secret)")))
        }
        Ran::TimedOut => Err(fail(true, format!("did not answer within {}s", settings.timeout.as_secs_f32()))),
        Ran::Overflowed => Err(fail(true, format!("printed more than {MAX_OUTPUT_BYTES} bytes"))),
    }
}

/// The credentials in a helper's stdout. serde_json's message is reduced to line and column,
/// as its type errors may quote a value.
fn answer(stdout: &[u8]) -> Result<RegistryAuth, String> {
    let answer: Answer = serde_json::from_slice(stdout).map_err(|e| {
        format!("its answer is not JSON with Username and Secret (line {}, column {})", e.line(), e.column())
    })?;
    Ok(match (answer.username.as_str(), answer.secret) {
        (_, secret) if secret.is_empty() => RegistryAuth::Anonymous,
        // oci-client sends a Bearer token as is; it does not trade a refresh token for one.
        (TOKEN_USERNAME, token) => RegistryAuth::Bearer(token),
        (user, secret) => RegistryAuth::Basic(user.to_owned(), secret),
    })
}

fn locate(program: &str, search_path: Option<&OsString>) -> Option<PathBuf> {
    let search = search_path.cloned().or_else(|| std::env::var_os("PATH")).unwrap_or_default();
    std::env::split_paths(&search).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

enum Ran {
    Exited { success: bool, status: String, stdout: Vec<u8>, stderr: Vec<u8> },
    TimedOut,
    Overflowed,
}

/// What a pipe gave before its end or the cap.
struct Captured {
    bytes: Vec<u8>,
    overflowed: bool,
}

fn run(program: &Path, server_url: &str, timeout: Duration) -> std::io::Result<Ran> {
    let deadline = Instant::now() + timeout;
    let mut child = spawn(|| {
        Command::new(program).arg("get").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()
    })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper may exit without reading; the URL fits in the pipe, so this never blocks.
        let _ = stdin.write_all(server_url.as_bytes());
    }
    let stdout = child.stdout.take().map(|pipe| read_capped(pipe, MAX_OUTPUT_BYTES));
    let stderr = child.stderr.take().map(|pipe| read_capped(pipe, MAX_STDERR_BYTES));
    let ran = wait(&mut child, stdout, deadline)?;
    Ok(match ran {
        Ran::Exited { success, status, stdout, .. } => {
            // stderr is only a hint: not worth waiting for if a grandchild still holds it.
            let stderr = stderr.and_then(|rx| rx.recv_timeout(Duration::from_millis(100)).ok());
            Ran::Exited { success, status, stdout, stderr: stderr.map(|c| c.bytes).unwrap_or_default() }
        }
        other => other,
    })
}

/// Waits for the child to exit and its stdout to end, until the deadline; kills the child
/// when the deadline passes or stdout overflows. A grandchild that keeps stdout open counts
/// as not answering.
fn wait(child: &mut Child, stdout: Option<Receiver<Captured>>, deadline: Instant) -> std::io::Result<Ran> {
    let mut captured = None;
    let mut exited = None;
    loop {
        if exited.is_none() {
            exited = child.try_wait()?;
        }
        if captured.as_ref().is_some_and(|c: &Captured| c.overflowed) {
            kill(child);
            return Ok(Ran::Overflowed);
        }
        if let Some(status) = exited
            && (captured.is_some() || stdout.is_none())
        {
            let bytes = captured.map(|c| c.bytes).unwrap_or_default();
            let described = status.code().map_or_else(|| status.to_string(), |c| format!("exited with status {c}"));
            return Ok(Ran::Exited { success: status.success(), status: described, stdout: bytes, stderr: Vec::new() });
        }
        let now = Instant::now();
        if now >= deadline {
            kill(child);
            return Ok(Ran::TimedOut);
        }
        // Wakes as soon as stdout ends; otherwise re-checks the child every 10 ms.
        let slice = (deadline - now).min(Duration::from_millis(10));
        match stdout.as_ref().filter(|_| captured.is_none()).map(|rx| rx.recv_timeout(slice)) {
            Some(Ok(c)) => captured = Some(c),
            Some(Err(RecvTimeoutError::Timeout)) => {}
            Some(Err(RecvTimeoutError::Disconnected)) => {
                captured = Some(Captured { bytes: Vec::new(), overflowed: false })
            }
            None => thread::sleep(slice),
        }
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads a pipe on a thread to its end, or to one byte past `limit`; sends what it read.
fn read_capped(pipe: impl Read + Send + 'static, limit: usize) -> Receiver<Captured> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.take(limit as u64 + 1).read_to_end(&mut bytes);
        let overflowed = bytes.len() > limit;
        bytes.truncate(limit);
        let _ = tx.send(Captured { bytes, overflowed });
    });
    rx
}

fn last_line(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim).rfind(|l| !l.is_empty())?;
    Some(line.chars().take(200).collect())
}

/// Spawns, retrying briefly while the program file is still open for writing somewhere
/// (ETXTBSY: another thread of this process forked while a just-written helper was open);
/// other errors return at once.
fn spawn(start: impl Fn() -> std::io::Result<Child>) -> std::io::Result<Child> {
    let mut delay = Duration::from_millis(10);
    for _ in 0..8 {
        match start() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => thread::sleep(delay),
            other => return other,
        }
        delay *= 2;
    }
    start()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// Writes `docker-credential-<name>` (a shell script running `body`) into `dir` and
    /// returns settings searching only `dir`.
    fn helper(dir: &Path, name: &str, body: &str) -> HelperSettings {
        let path = dir.join(format!("docker-credential-{name}"));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        HelperSettings { search_path: Some(dir.as_os_str().to_owned()), timeout: Duration::from_secs(10) }
    }

    #[test]
    fn answers_are_basic_bearer_or_anonymous() {
        let dir = tempfile::tempdir().unwrap();
        let settings = helper(
            dir.path(),
            "test",
            r#"[ "$1" = get ] || exit 3
read -r url
case "$url" in
  127.0.0.1:5000) printf '{"ServerURL":"%s","Username":"ann","Secret":"s3cret"}' "$url" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"tok3n"}' "$url" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac"#,
        );
        let basic = get("test", "127.0.0.1:5000", "127.0.0.1:5000", &settings).unwrap();
        assert!(matches!(basic, RegistryAuth::Basic(u, p) if u == "ann" && p == "s3cret"));
        let token = get("test", "https://index.docker.io/v1/", "docker.io", &settings).unwrap();
        assert!(matches!(token, RegistryAuth::Bearer(t) if t == "tok3n"), "an identity token");
        let none = get("test", "ghcr.io", "ghcr.io", &settings).unwrap();
        assert!(matches!(none, RegistryAuth::Anonymous), "not found means anonymous");
    }

    #[test]
    fn failures_name_helper_and_host_but_never_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path();
        let cases = [
            ("garbage", "echo 'Secret: s3cret-garbage'", "not JSON"),
            ("typed", r#"printf '{"Username": 5, "Secret": "s3cret-typed"}'"#, "not JSON"),
            (
                "fails",
                "echo s3cret-fail; echo 'keychain is locked' >&2; exit 2",
                "status 2; stderr: keychain is locked",
            ),
        ];
        for (name, body, expected) in cases {
            let settings = helper(path, name, body);
            let err = get(name, "registry.example", "registry.example", &settings).unwrap_err();
            let text = err.to_string();
            assert!(text.contains(&format!("docker-credential-{name}")) && text.contains("registry.example"), "{text}");
            assert!(text.contains(expected), "{text}");
            assert!(!text.contains("s3cret") && !format!("{err:?}").contains("s3cret"), "{text}");
            assert!(err.is_retryable(), "{text}");
        }
        let settings =
            HelperSettings { search_path: Some(path.as_os_str().to_owned()), timeout: Duration::from_secs(1) };
        let missing = get("nope", "ghcr.io", "ghcr.io", &settings).unwrap_err();
        assert!(missing.to_string().contains("docker-credential-nope for ghcr.io: not found"), "{missing}");
        assert!(!missing.is_retryable());
        let path_name = get("../bin/x", "ghcr.io", "ghcr.io", &settings).unwrap_err();
        assert!(path_name.to_string().contains("plain name"), "{path_name}");
    }

    #[test]
    fn slow_and_chatty_helpers_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let mut slow = helper(dir.path(), "slow", "sleep 5");
        slow.timeout = Duration::from_millis(300);
        let started = Instant::now();
        let err = get("slow", "ghcr.io", "ghcr.io", &slow).unwrap_err();
        assert!(err.to_string().contains("did not answer within 0.3s"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(3), "killed at the deadline: {:?}", started.elapsed());

        let chatty = helper(dir.path(), "chatty", "yes s3cret-flood");
        let err = get("chatty", "ghcr.io", "ghcr.io", &chatty).unwrap_err().to_string();
        assert!(
            err.contains(&format!("printed more than {MAX_OUTPUT_BYTES} bytes")) && !err.contains("s3cret"),
            "{err}"
        );
    }
}
