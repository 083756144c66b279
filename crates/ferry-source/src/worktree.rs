//! `WorkTree`: a private checkout of one branch of a remote that Ferry edits, commits and
//! pushes (a promotion's working copy), driven through the `git` program.
//!
//! A work tree knows its remote and branch from its own Git configuration (`origin`, the
//! checked-out branch), so a step that commits or pushes needs nothing but the directory: a
//! promotion resumed after a crash reopens the same directory and carries on.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::program::{GitOutput, run_git};
use crate::remote_url::RemoteUrl;
use crate::{CommitId, SourceError};

/// What to do when the branch to check out does not exist on the remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingBranch {
    /// Fail with [`SourceError::UnknownRevision`].
    Fail,
    /// Start the branch with no history (an orphan), as a rendered-manifests stage branch
    /// starts; the first push creates it on the remote.
    CreateOrphan,
}

/// Who a commit is by: Git's author (and committer) name and email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub email: String,
}

/// A checkout of one branch of one remote.
pub struct WorkTree {
    pub(crate) dir: PathBuf,
    pub(crate) remote: RemoteUrl,
    pub(crate) branch: String,
}

impl std::fmt::Debug for WorkTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkTree")
            .field("dir", &self.dir)
            .field("url", &self.remote.redacted)
            .field("branch", &self.branch)
            .finish()
    }
}

impl WorkTree {
    /// Checks `branch` of `url` out into `dir`, which must be missing or empty; it is created
    /// readable by this user only. Only that branch is fetched.
    pub fn checkout(url: &str, branch: &str, dir: &Path, missing: MissingBranch) -> Result<WorkTree, SourceError> {
        let remote = RemoteUrl::parse(url)?;
        check_branch_name(&remote, branch)?;
        prepare_dir(dir).map_err(|e| SourceError::Git {
            dir: dir.display().to_string(),
            command: "checkout".to_owned(),
            reason: e.to_string(),
        })?;
        let tree = WorkTree { dir: dir.to_path_buf(), remote, branch: branch.to_owned() };
        tree.git(&["init", "-q"])?;
        tree.git(&["remote", "add", "origin", &tree.remote.fetch_url])?;
        match tree.fetch_branch()? {
            Some(_) => tree.git(&["checkout", "-q", "-B", branch, &tree.tracking_ref()])?,
            None if missing == MissingBranch::CreateOrphan => {
                tree.git(&["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")])?
            }
            None => {
                return Err(SourceError::UnknownRevision {
                    url: tree.remote.redacted.clone(),
                    revision: branch.to_owned(),
                    available: Vec::new(),
                });
            }
        };
        Ok(tree)
    }

    /// The work tree at `dir`, made earlier by [`WorkTree::checkout`].
    pub fn open(dir: &Path) -> Result<WorkTree, SourceError> {
        let placeholder = RemoteUrl::parse(&dir.to_string_lossy())?;
        let probe = WorkTree { dir: dir.to_path_buf(), remote: placeholder, branch: String::new() };
        let url = probe.git(&["config", "--get", "remote.origin.url"])?;
        let branch = probe.git(&["symbolic-ref", "--short", "HEAD"])?;
        Ok(WorkTree { dir: dir.to_path_buf(), remote: RemoteUrl::parse(url.trim())?, branch: branch.trim().to_owned() })
    }

    /// The directory of the checkout.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The checked-out branch.
    pub fn branch(&self) -> &str {
        &self.branch
    }

    /// The remote's URL without credentials, for messages.
    pub fn redacted_url(&self) -> &str {
        &self.remote.redacted
    }

    /// The commit checked out, or `None` on a branch with no commit yet (a new orphan).
    pub fn head(&self) -> Result<Option<CommitId>, SourceError> {
        let out = self.run(&["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], &[])?;
        if !out.success() {
            return Ok(None);
        }
        self.parse_commit(&out.stdout).map(Some)
    }

    /// Commits every change of the working tree (new, changed and deleted files) as `author`
    /// at `when`; `None` when nothing differs from `HEAD`.
    pub fn commit(&self, message: &str, author: &Signature, when: SystemTime) -> Result<Option<CommitId>, SourceError> {
        self.git(&["add", "--all", "--", "."])?;
        let diff = self.run(&["diff", "--cached", "--quiet"], &[])?;
        let has_head = self.head()?.is_some();
        let nothing_staged = self.run(&["ls-files"], &[])?.stdout.trim().is_empty();
        if (has_head && diff.success()) || (!has_head && nothing_staged) {
            return Ok(None);
        }
        let seconds = when.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let date = format!("@{seconds} +0000");
        let env = identity_env(&author.name, &author.email, &date);
        let env: Vec<(&str, &OsStr)> = env.iter().map(|(k, v)| (*k, OsStr::new(v.as_str()))).collect();
        let out = self.run(&["commit", "-q", "--no-verify", "--allow-empty-message", "-m", message], &env)?;
        self.check(&out, "commit")?;
        self.head()
    }

    /// The same checkout, pushing to (and rebasing onto) `branch` of the same remote instead of
    /// the branch it checked out: `git-push`'s `targetBranch`. The branch is created by the
    /// first push when the remote has none.
    pub fn pushing_to(&self, branch: &str) -> Result<WorkTree, SourceError> {
        check_branch_name(&self.remote, branch)?;
        Ok(WorkTree { dir: self.dir.clone(), remote: self.remote.clone(), branch: branch.to_owned() })
    }

    /// Fetches the branch from the remote into its remote-tracking ref; its commit there, or
    /// `None` when the remote has no such branch.
    pub fn fetch_branch(&self) -> Result<Option<CommitId>, SourceError> {
        let head_ref = format!("refs/heads/{}", self.branch);
        let listed = self.run(&["ls-remote", "--exit-code", "origin", &head_ref], &[])?;
        match listed.code {
            Some(0) => {}
            Some(2) => return Ok(None),
            _ => return Err(self.network_error(&listed)),
        }
        let refspec = format!("+{head_ref}:{}", self.tracking_ref());
        let fetched = self.run(&["fetch", "-q", "--no-tags", "origin", &refspec], &[])?;
        if !fetched.success() {
            return Err(self.network_error(&fetched));
        }
        let tip = self.git(&["rev-parse", "--verify", &format!("{}^{{commit}}", self.tracking_ref())])?;
        self.parse_commit(&tip).map(Some)
    }

    /// The remote-tracking ref that [`WorkTree::fetch_branch`] updates.
    pub(crate) fn tracking_ref(&self) -> String {
        format!("refs/remotes/origin/{}", self.branch)
    }

    /// Runs git in the work tree; stdout, or [`SourceError::Git`] with its (scrubbed) stderr.
    pub(crate) fn git(&self, args: &[&str]) -> Result<String, SourceError> {
        let out = self.run(args, &[])?;
        self.check(&out, args.first().copied().unwrap_or("git"))?;
        Ok(out.stdout)
    }

    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &OsStr)]) -> Result<GitOutput, SourceError> {
        run_git(&self.dir, args, env).map_err(|e| self.git_error(args.first().copied().unwrap_or("git"), &e))
    }

    pub(crate) fn check(&self, out: &GitOutput, command: &str) -> Result<(), SourceError> {
        if out.success() { Ok(()) } else { Err(self.git_error(command, &out.stderr)) }
    }

    pub(crate) fn git_error(&self, command: &str, reason: &dyn std::fmt::Display) -> SourceError {
        SourceError::Git {
            dir: self.dir.display().to_string(),
            command: command.to_owned(),
            reason: self.remote.scrub(&reason.to_string()),
        }
    }

    /// A failed conversation with the remote: unreachable, or refused.
    pub(crate) fn network_error(&self, out: &GitOutput) -> SourceError {
        let reason = self.remote.scrub(&out.stderr);
        let unreachable = ["unable to connect", "Connection refused", "Could not resolve host", "does not appear"];
        if unreachable.iter().any(|needle| reason.contains(needle)) {
            SourceError::Unreachable { url: self.remote.redacted.clone(), reason }
        } else {
            SourceError::Fetch { url: self.remote.redacted.clone(), reason }
        }
    }

    pub(crate) fn parse_commit(&self, hex: &str) -> Result<CommitId, SourceError> {
        hex.trim().parse().map_err(|e| self.git_error("rev-parse", &e))
    }
}

/// Author and committer set alike, so a machine without a Git identity can commit.
pub(crate) fn identity_env(name: &str, email: &str, date: &str) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("GIT_AUTHOR_NAME", name.to_owned()),
        ("GIT_AUTHOR_EMAIL", email.to_owned()),
        ("GIT_COMMITTER_NAME", name.to_owned()),
        ("GIT_COMMITTER_EMAIL", email.to_owned()),
    ];
    if !date.is_empty() {
        env.push(("GIT_AUTHOR_DATE", date.to_owned()));
        env.push(("GIT_COMMITTER_DATE", date.to_owned()));
    }
    env
}

fn check_branch_name(remote: &RemoteUrl, branch: &str) -> Result<(), SourceError> {
    let valid = !branch.is_empty()
        && !branch.starts_with('-')
        && run_git(Path::new("."), &["check-ref-format", "--branch", branch], &[]).is_ok_and(|o| o.success());
    if valid {
        return Ok(());
    }
    Err(SourceError::UnknownRevision {
        url: remote.redacted.clone(),
        revision: branch.to_owned(),
        available: Vec::new(),
    })
}

/// Creates `dir` (owner-only on Unix) or accepts it when it exists and is empty.
fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        if std::fs::read_dir(dir)?.next().is_some() {
            return Err(std::io::Error::other("the directory exists and is not empty"));
        }
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
