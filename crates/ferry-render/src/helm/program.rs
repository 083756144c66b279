//! The `helm` program: where it is, and running it with a deadline and an output cap.
//!
//! Argo CD's repo-server forks `helm template` with a 90 s timeout; Ferry does the same, kills
//! the process when the deadline passes or when it prints more than the cap, and reports
//! helm's stderr (trimmed) when it fails.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::error::HelmError;
use crate::directory::MAX_OUTPUT_BYTES;

/// The environment variable naming the `helm` program to run instead of `helm` on `PATH`.
pub const HELM_ENV: &str = "FERRY_HELM";
/// How long one `helm` run may take (Argo CD's default exec timeout).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);
/// The longest stderr kept for error messages.
const MAX_STDERR_BYTES: usize = 64 * 1024;

/// The `helm` program Ferry runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmProgram {
    /// A path, or a name looked up on `PATH`.
    pub command: String,
    /// How long one run may take before it is killed.
    pub timeout: Duration,
    /// The most bytes of stdout accepted before the run is killed.
    pub max_output_bytes: usize,
}

impl Default for HelmProgram {
    fn default() -> HelmProgram {
        HelmProgram::new("helm")
    }
}

/// What one run printed.
pub(crate) struct Output {
    pub stdout: Vec<u8>,
}

impl HelmProgram {
    /// `command` (a path or a name on `PATH`) with the default timeout and output cap.
    pub fn new(command: impl Into<String>) -> HelmProgram {
        HelmProgram { command: command.into(), timeout: DEFAULT_TIMEOUT, max_output_bytes: MAX_OUTPUT_BYTES }
    }

    /// `$FERRY_HELM` when set and not empty, else `helm` on `PATH`.
    pub fn from_env() -> HelmProgram {
        match std::env::var(HELM_ENV) {
            Ok(command) if !command.trim().is_empty() => HelmProgram::new(command),
            _ => HelmProgram::default(),
        }
    }

    /// The program's path, or [`HelmError::ProgramMissing`].
    pub fn locate(&self) -> Result<PathBuf, HelmError> {
        let missing = |detail: String| HelmError::ProgramMissing { detail };
        if self.command.contains('/') {
            let path = PathBuf::from(&self.command);
            return if path.is_file() { Ok(path) } else { Err(missing(format!("{:?} does not exist", self.command))) };
        }
        let search = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&search)
            .map(|dir| dir.join(&self.command))
            .find(|candidate| candidate.is_file())
            .ok_or_else(|| missing(format!("{:?} is not on PATH", self.command)))
    }

    /// Runs `helm args…` in `cwd` with `env` added; fails with helm's stderr when it exits
    /// non-zero. `chart` names the chart in errors.
    pub(crate) fn run(
        &self,
        chart: &str,
        args: &[OsString],
        env: &[(String, OsString)],
        cwd: &Path,
    ) -> Result<Output, HelmError> {
        let program = self.locate()?;
        let command = describe(args);
        let io =
            |e: std::io::Error| HelmError::Io { chart: chart.to_owned(), message: format!("cannot run helm: {e}") };
        let mut child = spawn(|| {
            Command::new(&program)
                .args(args)
                .envs(env.iter().map(|(k, v)| (k, v)))
                .current_dir(cwd)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        })
        .map_err(io)?;
        let (overflow_tx, overflow_rx) = mpsc::channel();
        let stdout = child.stdout.take().map(|pipe| spawn_reader(pipe, self.max_output_bytes, Some(overflow_tx)));
        let stderr = child.stderr.take().map(|pipe| spawn_reader(pipe, MAX_STDERR_BYTES, None));
        let ended = self.wait(&mut child, &overflow_rx).map_err(io)?;
        let stdout = stdout.map(join).unwrap_or_default();
        let stderr = stderr.map(join).unwrap_or_default();
        match ended {
            Ended::Exited(true) => Ok(Output { stdout: stdout.bytes }),
            Ended::Exited(false) => Err(HelmError::Failed {
                chart: chart.to_owned(),
                command,
                stderr: String::from_utf8_lossy(&stderr.bytes).trim().to_owned(),
            }),
            Ended::TimedOut => {
                Err(HelmError::Timeout { chart: chart.to_owned(), command, seconds: self.timeout.as_secs() })
            }
            Ended::Overflowed => {
                Err(HelmError::OutputTooLarge { chart: chart.to_owned(), command, limit: self.max_output_bytes })
            }
        }
    }

    /// Waits for the child until it exits, the deadline passes or stdout overflows; kills it
    /// in the last two cases.
    fn wait(&self, child: &mut Child, overflow: &mpsc::Receiver<()>) -> std::io::Result<Ended> {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(status) = child.try_wait()? {
                return Ok(Ended::Exited(status.success()));
            }
            let now = Instant::now();
            if now >= deadline {
                kill(child);
                return Ok(Ended::TimedOut);
            }
            // Wakes early when stdout overflows; otherwise re-checks the child every 10 ms.
            let slice = (deadline - now).min(Duration::from_millis(10));
            if overflow.recv_timeout(slice).is_ok() {
                kill(child);
                return Ok(Ended::Overflowed);
            }
        }
    }
}

enum Ended {
    Exited(bool),
    TimedOut,
    Overflowed,
}

#[derive(Default)]
struct Captured {
    bytes: Vec<u8>,
}

/// Reads a pipe to its end (or to `limit` bytes, then signals `overflow` and stops).
fn spawn_reader(
    mut pipe: impl Read + Send + 'static,
    limit: usize,
    overflow: Option<mpsc::Sender<()>>,
) -> thread::JoinHandle<Captured> {
    thread::spawn(move || {
        let mut captured = Captured::default();
        let mut buffer = [0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) if captured.bytes.len() + n > limit => {
                    let room = limit - captured.bytes.len();
                    captured.bytes.extend_from_slice(&buffer[..room]);
                    if let Some(tx) = &overflow {
                        let _ = tx.send(());
                        break;
                    }
                }
                Ok(n) => captured.bytes.extend_from_slice(&buffer[..n]),
            }
        }
        captured
    })
}

fn join(handle: thread::JoinHandle<Captured>) -> Captured {
    handle.join().unwrap_or_default()
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The command line for messages: `template rel /tmp/…/chart -f values.yaml`.
fn describe(args: &[OsString]) -> String {
    args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ")
}

/// Spawns, retrying briefly while the program file is still open for writing somewhere
/// (ETXTBSY: another thread of this process forked while the file was being written, e.g. a
/// helm binary just installed or replaced); other errors return at once.
fn spawn(start: impl Fn() -> std::io::Result<std::process::Child>) -> std::io::Result<std::process::Child> {
    let mut delay = Duration::from_millis(10);
    for _ in 0..8 {
        match start() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => std::thread::sleep(delay),
            other => return other,
        }
        delay *= 2;
    }
    start()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_says_how_to_get_helm() {
        let err = HelmProgram::new("ferry-no-such-helm-program").locate().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("the `helm` program is required to render Helm charts"), "{text}");
        assert!(text.contains("FERRY_HELM"), "{text}");
        assert!(HelmProgram::new("/no/such/dir/helm").locate().is_err());
    }

    /// A stand-in script, not Helm: the runner's own contract (stderr kept, a run over its
    /// deadline killed) needs a program that fails and one that hangs on demand; real Helm is
    /// exercised in tests/helm_render.rs.
    #[test]
    fn failures_carry_stderr_and_slow_runs_are_killed() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("fake-helm");
        std::fs::write(
            &script,
            "#!/bin/sh\nif [ \"$1\" = slow ]; then exec sleep 30; fi\necho '  Error: boom  ' >&2\nexit 3\n",
        )
        .unwrap();
        make_executable(&script);
        let mut helm = HelmProgram::new(script.to_string_lossy());
        let err = helm.run("demo", &["template".into()], &[], dir.path()).err().unwrap();
        assert_eq!(
            err,
            HelmError::Failed { chart: "demo".into(), command: "template".into(), stderr: "Error: boom".into() }
        );
        helm.timeout = Duration::from_millis(200);
        let started = Instant::now();
        let err = helm.run("demo", &["slow".into()], &[], dir.path()).err().unwrap();
        assert!(matches!(err, HelmError::Timeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10), "the run was killed, not waited for");
    }

    #[test]
    fn output_beyond_the_cap_stops_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("chatty-helm");
        std::fs::write(&script, "#!/bin/sh\nexec yes 'kind: ConfigMap'\n").unwrap();
        make_executable(&script);
        let mut helm = HelmProgram::new(script.to_string_lossy());
        helm.max_output_bytes = 100_000;
        let err = helm.run("demo", &["template".into()], &[], dir.path()).err().unwrap();
        assert!(matches!(err, HelmError::OutputTooLarge { limit: 100_000, .. }), "{err}");
    }

    fn make_executable(path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
