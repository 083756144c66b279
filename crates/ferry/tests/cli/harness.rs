//! Starts `ferry localkube serve` in a temp dir, runs kubectl against it, stops it on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Long enough for a loaded 2-core machine; waits end as soon as the condition holds.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub struct LocalCluster {
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
    child: Option<Child>,
    extra: Vec<String>,
}

impl LocalCluster {
    pub fn start(clusters: &[&str]) -> Self {
        Self::start_with(clusters, &[])
    }

    /// Starts with extra `serve` flags (e.g. `--state FILE`).
    pub fn start_with(clusters: &[&str], extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        let mut c = LocalCluster { dir, kubeconfig, child: None, extra: extra.iter().map(|s| s.to_string()).collect() };
        c.spawn(clusters);
        c
    }

    fn spawn(&mut self, clusters: &[&str]) {
        let _ = std::fs::remove_file(&self.kubeconfig);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
        cmd.args(["localkube", "serve", "--ready-delay-ms", "200", "--kubeconfig"]).arg(&self.kubeconfig);
        for c in clusters {
            cmd.args(["--cluster", c]);
        }
        // FERRY_TEST_SERVER_LOG=1 shows the server's log (set FERRY_LOG=debug for requests).
        let show = std::env::var_os("FERRY_TEST_SERVER_LOG").is_some();
        cmd.args(&self.extra).stdout(Stdio::null()).stderr(if show { Stdio::inherit() } else { Stdio::null() });
        self.child = Some(cmd.spawn().expect("start ferry localkube serve"));
        let path = self.kubeconfig.clone();
        wait_until("kubeconfig written", || path.exists());
    }

    /// Stops with SIGTERM (the path that saves state) and waits for the exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let deadline = Instant::now() + DEADLINE;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn restart(&mut self, clusters: &[&str]) {
        self.stop();
        self.spawn(clusters);
    }

    /// Runs kubectl with this cluster's kubeconfig and a private discovery cache.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        self.kubectl_stdin(args, None)
    }

    pub fn kubectl_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = kubectl_command(&self.kubeconfig, self.dir.path());
        cmd.args(args);
        run(cmd, stdin)
    }

    /// kubectl that must succeed; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.kubectl(args);
        assert!(out.status.success(), "kubectl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `kubectl apply -f -` with a manifest.
    pub fn apply(&self, manifest: &str, extra: &[&str]) -> Output {
        let mut args = vec!["apply", "-f", "-"];
        args.extend_from_slice(extra);
        self.kubectl_stdin(&args, Some(manifest))
    }

    /// `kubectl get ... -o json`, parsed.
    pub fn get_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["get"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-o", "json"]);
        serde_json::from_str(&self.ok(&all)).expect("kubectl printed JSON")
    }

    /// Whether `kubectl get` finds the object.
    pub fn exists(&self, args: &[&str]) -> bool {
        let mut all = vec!["get"];
        all.extend_from_slice(args);
        self.kubectl(&all).status.success()
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn kubectl_command(kubeconfig: &Path, cache: &Path) -> Command {
    let mut cmd = Command::new("kubectl");
    cmd.env("KUBECONFIG", kubeconfig).env("KUBECACHEDIR", cache.join("kube-cache")).env("HOME", cache);
    cmd
}

fn run(mut cmd: Command, stdin: Option<&str>) -> Output {
    use std::io::Write;
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("kubectl is installed");
    if let Some(text) = stdin {
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("kubectl finished")
}

/// Polls `cond` until it holds, failing the test after [`DEADLINE`].
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for: {what}");
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `git ARGS` in `repo`, isolated from the machine's Git configuration; the trimmed stdout.
pub fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("running git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
