//! Reading a cached bare repository's history with the `git` program: commits of a branch
//! with the paths each changes (streamed, so a long history is read only as far as needed),
//! tags with their dates, and tagged commits with the paths each changes.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::DiscoveryError;
use super::git_paths::PathFilter;

/// What discovery reports about a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommitRecord {
    pub(crate) sha: String,
    pub(crate) author_email: String,
    pub(crate) time: i64,
    pub(crate) subject: String,
}

/// A tag leading to a commit; `date` is the tagger date of an annotated tag, else the commit date.
#[derive(Debug, Clone)]
pub(crate) struct TagRecord {
    pub(crate) name: String,
    pub(crate) commit: String,
    pub(crate) date: i64,
}

/// One record per commit: `\x1e` then the fields separated by `\x1f`.
const COMMIT_FORMAT: &str = "--format=%x1e%H%x1f%ae%x1f%ct%x1f%s";

/// How many tagged commits one `git log` reads.
const TAG_BATCH: usize = 256;

/// A cached bare repository and its redacted URL for errors.
#[derive(Debug)]
pub(crate) struct History {
    pub(crate) dir: PathBuf,
    pub(crate) repo: String,
}

impl History {
    fn command(&self) -> Command {
        let mut command = Command::new("git");
        command
            .arg("--git-dir")
            .arg(&self.dir)
            .args(["-c", "core.quotePath=false", "-c", "log.showSignature=false"])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .stdin(Stdio::null());
        command
    }

    fn failed(&self, reason: impl std::fmt::Display) -> DiscoveryError {
        DiscoveryError::GitHistory { repo: self.repo.clone(), reason: reason.to_string() }
    }

    fn run(&self, args: &[&str]) -> Result<String, DiscoveryError> {
        let out = self.command().args(args).output().map_err(|e| self.failed(format!("git cannot start: {e}")))?;
        if !out.status.success() {
            return Err(self.failed(String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Whether `rev` names a commit.
    pub(crate) fn has_commit(&self, rev: &str) -> bool {
        let spec = format!("{rev}^{{commit}}");
        self.command()
            .args(["rev-parse", "--verify", "--quiet", &spec])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Up to `limit` commits reachable from `rev`, newest first, that `filter` admits. Merge
    /// commits are judged by their diff against the first parent.
    pub(crate) fn commits(
        &self,
        rev: &str,
        limit: usize,
        filter: &PathFilter,
    ) -> Result<Vec<CommitRecord>, DiscoveryError> {
        let max_count = format!("--max-count={limit}");
        let mut args = vec!["log", COMMIT_FORMAT];
        if filter.is_empty() {
            args.push(&max_count);
        } else {
            args.extend(["--name-only", "--no-renames", "--diff-merges=first-parent"]);
        }
        args.extend(["--end-of-options", rev]);
        let mut command = self.command();
        command.args(args);
        self.stream(command, limit, filter)
    }

    fn stream(
        &self,
        mut command: Command,
        limit: usize,
        filter: &PathFilter,
    ) -> Result<Vec<CommitRecord>, DiscoveryError> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.failed(format!("git cannot start: {e}")))?;
        let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut out = Vec::new();
        let mut chunk = Vec::new();
        loop {
            chunk.clear();
            let read = reader.read_until(0x1e, &mut chunk).map_err(|e| self.failed(e))?;
            let text = String::from_utf8_lossy(chunk.strip_suffix(&[0x1e]).unwrap_or(&chunk)).into_owned();
            if let Some((record, paths)) = parse_record(&text)
                && (filter.is_empty() || filter.admits(paths.iter().map(String::as_str)))
            {
                out.push(record);
            }
            if read == 0 || out.len() >= limit {
                break;
            }
        }
        if out.len() >= limit {
            // Enough commits read: stop git rather than let it walk the rest of the history.
            let _ = child.kill();
        }
        let status = child.wait().map_err(|e| self.failed(e))?;
        if !status.success() && out.len() < limit {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
            }
            return Err(self.failed(stderr.trim()));
        }
        Ok(out)
    }

    /// Every tag that leads to a commit.
    pub(crate) fn tags(&self) -> Result<Vec<TagRecord>, DiscoveryError> {
        let format = "--format=%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f%(*objecttype)%1f%(*objectname)%1f%(creatordate:unix)";
        let text = self.run(&["for-each-ref", format, "refs/tags"])?;
        Ok(text.lines().filter_map(parse_tag).collect())
    }

    /// Up to `limit` of the commits `shas` (tagged commits, best first), in the order given,
    /// that `filter` admits. Each commit is judged by its diff against its first parent (a
    /// root commit by all its files); the commits are read in batches, so a long list of tags
    /// is read only as far as needed and never makes a command line too long.
    pub(crate) fn tagged_commits(
        &self,
        shas: &[&str],
        limit: usize,
        filter: &PathFilter,
    ) -> Result<Vec<CommitRecord>, DiscoveryError> {
        let mut out = Vec::new();
        for batch in shas.chunks(TAG_BATCH) {
            if out.len() >= limit {
                break;
            }
            let mut command = self.command();
            command.args(["log", "--no-walk=unsorted", COMMIT_FORMAT]);
            if !filter.is_empty() {
                command.args(["--name-only", "--no-renames", "--diff-merges=first-parent", "--root"]);
            }
            command.arg("--end-of-options").args(batch);
            out.extend(self.stream(command, limit - out.len(), filter)?);
        }
        Ok(out)
    }
}

/// `sha \x1f email \x1f time \x1f subject` then, after a blank line, changed paths.
fn parse_record(text: &str) -> Option<(CommitRecord, Vec<String>)> {
    let mut lines = text.lines();
    let header = lines.next()?;
    let fields: Vec<&str> = header.splitn(4, '\x1f').collect();
    let [sha, email, time, subject] = fields.as_slice() else { return None };
    let record = CommitRecord {
        sha: (*sha).to_owned(),
        author_email: (*email).to_owned(),
        time: time.parse().ok()?,
        subject: subject.trim_end().to_owned(),
    };
    let paths = lines.filter(|l| !l.is_empty()).map(str::to_owned).collect();
    Some((record, paths))
}

fn parse_tag(line: &str) -> Option<TagRecord> {
    let f: Vec<&str> = line.split('\x1f').collect();
    let [name, kind, object, peeled_kind, peeled, date] = f.as_slice() else { return None };
    let commit = match (*kind, *peeled_kind) {
        ("commit", _) => object,
        ("tag", "commit") => peeled,
        _ => return None,
    };
    Some(TagRecord { name: (*name).to_owned(), commit: (*commit).to_owned(), date: date.parse().unwrap_or(0) })
}
