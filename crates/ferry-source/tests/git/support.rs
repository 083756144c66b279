//! Real repositories made by the `git` program in temp dirs, and real servers for them:
//! `git daemon` for `git://` and `git http-backend` behind a tiny Python HTTP server.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Runs `git` isolated from the machine's configuration, failing the test on error.
pub fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Ferry Test", "-c", "user.email=test@ferry.dev", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_AUTHOR_DATE", "1700000000 +0000")
        .env("GIT_COMMITTER_DATE", "1700000000 +0000")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A working repository (`work/`) and a bare copy to serve (`srv/app.git`), plus a cache dir.
pub struct Upstream {
    pub tmp: TempDir,
}

impl Upstream {
    /// Two commits on `main`, a `release` branch, a lightweight tag `v1`, an annotated tag
    /// `v1.1`, nested directories, symlinks in and out of the repository, and a submodule.
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let up = Self { tmp };
        std::fs::create_dir_all(up.work()).unwrap();
        std::fs::create_dir_all(up.srv()).unwrap();
        up.git(&["init", "-q"]);
        up.write("README.md", "demo\n");
        up.write("apps/guestbook/deployment.yaml", "kind: Deployment\n");
        up.commit("first commit");
        up.git(&["tag", "v1"]);
        up.write("apps/guestbook/nested/service.yaml", "kind: Service\n");
        up.write("shared/base.yaml", "kind: ConfigMap\n");
        up.symlink("../../shared/base.yaml", "apps/guestbook/base.yaml");
        up.symlink("guestbook/nested", "apps/linked");
        up.symlink("../../etc/passwd", "escape-rel/passwd");
        up.symlink("/etc/passwd", "escape-abs/passwd");
        up.symlink(".", "loop/self");
        up.symlink("missing.yaml", "dangling/link.yaml");
        up.write("dangling/ok.yaml", "ok: true\n");
        // A submodule entry (gitlink) without a checkout of it: added to the index by hand.
        let first = up.git(&["rev-parse", "HEAD"]);
        up.git(&["add", "-A"]);
        up.git(&["update-index", "--add", "--cacheinfo", &format!("160000,{first},apps/guestbook/vendored")]);
        up.git(&["commit", "-q", "-m", "add service, shared base and links\n\nbody text"]);
        // An empty directory is how an uninitialised submodule looks, so later `add -A` keeps it.
        std::fs::create_dir_all(up.work().join("apps/guestbook/vendored")).unwrap();
        up.git(&["tag", "-a", "v1.1", "-m", "annotated"]);
        up.git(&["branch", "release", "HEAD~1"]);
        up.git(&["clone", "-q", "--bare", up.work().to_str().unwrap(), up.bare().to_str().unwrap()]);
        up
    }

    pub fn home(&self) -> PathBuf {
        self.tmp.path().to_path_buf()
    }
    pub fn work(&self) -> PathBuf {
        self.tmp.path().join("work")
    }
    pub fn srv(&self) -> PathBuf {
        self.tmp.path().join("srv")
    }
    pub fn bare(&self) -> PathBuf {
        self.srv().join("app.git")
    }
    pub fn cache_dir(&self) -> PathBuf {
        self.tmp.path().join("cache")
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(&self.home(), &self.work(), args)
    }

    pub fn write(&self, path: &str, contents: &str) {
        let full = self.work().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }

    pub fn symlink(&self, target: &str, path: &str) {
        let full = self.work().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, full).unwrap();
    }

    /// Commits everything and returns the new commit's SHA.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Pushes every branch and tag of the working repository to the served bare one.
    pub fn push(&self) {
        let bare = self.bare();
        self.git(&[
            "push",
            "-q",
            "--force",
            bare.to_str().unwrap(),
            "refs/heads/*:refs/heads/*",
            "refs/tags/*:refs/tags/*",
        ]);
    }

    pub fn rev(&self, rev: &str) -> String {
        self.git(&["rev-parse", &format!("{rev}^{{commit}}")])
    }
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(child.try_wait().unwrap().is_none(), "server exited before listening on {port}");
        assert!(Instant::now() < deadline, "server did not listen on {port} in time");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A server process that is killed when the test drops it.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `git daemon` exporting every repository under `base` on 127.0.0.1.
pub fn git_daemon(home: &Path, base: &Path) -> Server {
    git_daemon_with(home, base, &[])
}

/// `git daemon` as [`git_daemon`], with `extra` arguments (`--enable=receive-pack` to accept pushes).
pub fn git_daemon_with(home: &Path, base: &Path, extra: &[&str]) -> Server {
    let port = closed_port();
    let mut child = Command::new("git")
        .args(["daemon", "--export-all", "--reuseaddr", "--informative-errors", "--listen=127.0.0.1"])
        .args(extra)
        .arg(format!("--base-path={}", base.display()))
        .arg(format!("--port={port}"))
        .arg(base)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("git daemon starts");
    wait_for_port(port, &mut child);
    Server { child, port }
}

const HTTP_BACKEND: &str = r#"
import http.server, os, subprocess, sys

ROOT = sys.argv[1]

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def serve(self):
        path, _, query = self.path.partition("?")
        body = self.body()
        env = dict(os.environ, GIT_PROJECT_ROOT=ROOT, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_ADDR="127.0.0.1",
                   CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)))
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        sep = b"\r\n\r\n" if b"\r\n\r\n" in out else b"\n\n"
        head, _, payload = out.partition(sep)
        status, headers = 200, []
        for line in head.splitlines():
            if b":" not in line:
                continue
            key, value = line.split(b":", 1)
            if key.strip().lower() == b"status":
                status = int(value.split()[0])
            else:
                headers.append((key.strip().decode(), value.strip().decode()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// A smart-HTTP Git server (`git http-backend` as CGI) for every repository under `root`.
pub fn http_server(home: &Path, root: &Path) -> Server {
    let script = home.join("git_http_server.py");
    std::fs::write(&script, HTTP_BACKEND).unwrap();
    let mut child = Command::new("python3")
        .arg(&script)
        .arg(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.trim().parse().unwrap_or_else(|_| panic!("no port from the HTTP server: {line:?}"));
    wait_for_port(port, &mut child);
    Server { child, port }
}
