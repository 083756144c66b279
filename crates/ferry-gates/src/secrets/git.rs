//! Running the `git` program and feeding its diff output to the parser.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

use super::error::SecretsError;
use super::gitdiff::{DiffParser, Hunk, LOG_FORMAT};

/// Options every diff-producing command gets, so user configuration cannot change the format.
/// `--diff-filter=d`: deleted files add no line, so git need not inflate and print them (as
/// gitleaks' `--diff-filter=tuxdb` also leaves them out); commits that only delete files then
/// drop out of `git log`, and they had no hunk to scan either.
const DIFF_ARGS: [&str; 7] =
    ["-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--diff-filter=d", "--src-prefix=a/", "--dst-prefix=b/"];

/// Streams the added hunks of `git log -p` over `log_opts` (default: every commit on every ref).
pub(crate) fn log_hunks(
    repo: &Path,
    log_opts: Option<&str>,
    emit: &mut impl FnMut(&Hunk<'_>),
) -> Result<(), SecretsError> {
    let mut args: Vec<String> = vec!["log".into(), "-p".into(), LOG_FORMAT.into()];
    args.extend(DIFF_ARGS.iter().map(|s| s.to_string()));
    match log_opts.map(str::trim).filter(|o| !o.is_empty()) {
        Some(opts) => args.extend(opts.split_whitespace().map(str::to_string)),
        None => args.extend(["--full-history".to_string(), "--all".to_string()]),
    }
    run(repo, &args, true, emit)
}

/// Streams the added hunks of the staged changes (`git diff --cached`).
pub(crate) fn staged_hunks(repo: &Path, emit: &mut impl FnMut(&Hunk<'_>)) -> Result<(), SecretsError> {
    let mut args: Vec<String> = vec!["diff".into(), "--cached".into()];
    args.extend(DIFF_ARGS.iter().map(|s| s.to_string()));
    run(repo, &args, false, emit)
}

fn run(repo: &Path, args: &[String], with_commits: bool, emit: &mut impl FnMut(&Hunk<'_>)) -> Result<(), SecretsError> {
    let shown = args.join(" ");
    let git_error = |message: String| SecretsError::Git { args: shown.clone(), message };
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "core.quotepath=off", "-c", "diff.noprefix=false", "-c", "log.showSignature=false"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| git_error(format!("cannot run git: {e}")))?;
    let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(git_error("git's output pipes are missing".into()));
    };
    // Drained on its own thread so a chatty stderr cannot block git while we read stdout.
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let read_result = feed(stdout, with_commits, emit);
    let status = child.wait().map_err(|e| git_error(e.to_string()))?;
    let stderr_text = stderr_reader.join().unwrap_or_default();
    read_result.map_err(|e| git_error(format!("reading output: {e}")))?;
    if !status.success() {
        return Err(git_error(format!("{status}: {}", stderr_text.trim())));
    }
    Ok(())
}

fn feed(stdout: impl Read, with_commits: bool, emit: &mut impl FnMut(&Hunk<'_>)) -> std::io::Result<()> {
    // Large reads: a full history is hundreds of MiB of diff.
    let mut reader = BufReader::with_capacity(1 << 20, stdout);
    let mut parser = DiffParser::new(with_commits);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        parser.push(&buf, emit);
    }
    parser.finish(emit);
    Ok(())
}
