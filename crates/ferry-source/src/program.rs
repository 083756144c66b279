//! Running the `git` program: the one place that builds its command line, for the checkouts
//! Ferry reads ([`crate::LocalRepo`]) and the ones it writes and pushes ([`crate::WorkTree`]).
//!
//! Writing goes through `git` rather than gix because commit, rebase and push must behave
//! exactly as the user's own `git` does against their remotes (hooks, credential helpers).

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

/// What one `git` run printed and how it ended.
#[derive(Debug)]
pub(crate) struct GitOutput {
    /// The exit code; `None` when a signal ended it.
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl GitOutput {
    pub(crate) fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Settings given to every run so the user's configuration cannot change what Ferry writes:
/// no signing prompts, no line-ending conversion, no pager, no interactive credential prompt.
const FIXED_CONFIG: [&str; 8] = [
    "-c",
    "commit.gpgsign=false",
    "-c",
    "core.autocrlf=false",
    "-c",
    "advice.detachedHead=false",
    "-c",
    "core.pager=cat",
];

/// Runs `git -C dir ARGS` with `env` added; an error only when the program cannot start.
pub(crate) fn run_git(dir: &Path, args: &[&str], env: &[(&str, &OsStr)]) -> std::io::Result<GitOutput> {
    let mut command = Command::new("git");
    command.args(FIXED_CONFIG).arg("-C").arg(dir).args(args);
    command.env("GIT_TERMINAL_PROMPT", "0").env("LC_ALL", "C").stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output()?;
    Ok(GitOutput {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
    })
}
