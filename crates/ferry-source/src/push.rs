//! Pushing a work tree's branch: one writer per remote branch in the process, and
//! rebase-and-retry when another writer got there first.
//!
//! Two stages promoting into one repository at the same moment must both land (Kargo's push
//! race, akuity/kargo#3071). Inside the process a lock per normalised URL and branch makes
//! writers take turns; against other processes (replicas, people) a non-fast-forward rejection
//! is answered by fetching, rebasing the local commits on the new tip, waiting a little and
//! pushing again, a bounded number of times. Pushing is idempotent: commits already on the
//! remote branch (a promotion resumed after a crash) are not pushed twice.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{CommitId, SourceError, WorkTree};

/// How often and how patiently to retry a push that lost a race.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Pushes tried in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles after each further rejection.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_attempts: 5, initial_backoff: Duration::from_millis(100), max_backoff: Duration::from_secs(5) }
    }
}

/// The per-branch locks of writers. [`PushLocks::global`] is the process's; a separate set
/// behaves like another process (tests use that to race for real).
#[derive(Debug, Clone, Default)]
pub struct PushLocks {
    locks: Arc<Mutex<HashMap<String, Arc<Mutex<()>>>>>,
}

impl PushLocks {
    /// The locks shared by every push of this process.
    pub fn global() -> &'static PushLocks {
        static GLOBAL: OnceLock<PushLocks> = OnceLock::new();
        GLOBAL.get_or_init(PushLocks::default)
    }

    fn lock_for(&self, key: String) -> Arc<Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        locks.entry(key).or_default().clone()
    }
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOutcome {
    /// The commit the remote branch now has from this work tree (after any rebase).
    pub commit: CommitId,
    /// `false` when the commits were already on the remote branch and nothing was sent.
    pub pushed: bool,
    /// Push attempts made, the last one included.
    pub attempts: u32,
}

/// How the remote answered one push.
enum Answer {
    Accepted,
    /// The remote branch is already at `HEAD`.
    UpToDate,
    /// Someone else moved the branch first: fetch, rebase, retry.
    Behind,
    Refused(String),
}

impl WorkTree {
    /// Pushes the checked-out branch to `origin`, holding `locks`' lock for this remote and
    /// branch throughout, rebasing and retrying per `policy` when the branch moved meanwhile.
    pub fn push(&self, locks: &PushLocks, policy: RetryPolicy) -> Result<PushOutcome, SourceError> {
        let Some(head) = self.head()? else {
            return Err(self.git_error("push", &"the branch has no commit to push"));
        };
        let lock = locks.lock_for(format!("{}#{}", self.remote.normalised, self.branch));
        let _turn = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut head = head;
        let mut backoff = policy.initial_backoff;
        for attempt in 1..=policy.max_attempts.max(1) {
            match self.push_once()? {
                Answer::Accepted => return Ok(PushOutcome { commit: head, pushed: true, attempts: attempt }),
                Answer::UpToDate => return Ok(PushOutcome { commit: head, pushed: false, attempts: attempt }),
                Answer::Refused(reason) => {
                    return Err(SourceError::PushRejected {
                        url: self.remote.redacted.clone(),
                        branch: self.branch.clone(),
                        reason,
                    });
                }
                Answer::Behind => {}
            }
            tracing::debug!(url = %self.remote.redacted, branch = %self.branch, attempt, "push lost a race; rebasing");
            match self.catch_up()? {
                CatchUp::AlreadyThere(commit) => return Ok(PushOutcome { commit, pushed: false, attempts: attempt }),
                CatchUp::Rebased(commit) => head = commit,
            }
            if attempt < policy.max_attempts {
                std::thread::sleep(jittered(backoff));
                backoff = (backoff * 2).min(policy.max_backoff);
            }
        }
        Err(SourceError::PushContended {
            url: self.remote.redacted.clone(),
            branch: self.branch.clone(),
            attempts: policy.max_attempts.max(1),
        })
    }

    /// `true` when `HEAD` is already on the remote branch; fetches it first.
    pub fn is_pushed(&self) -> Result<bool, SourceError> {
        let (Some(head), Some(_)) = (self.head()?, self.fetch_branch()?) else { return Ok(false) };
        let hex = head.to_hex();
        let out = self.run(&["merge-base", "--is-ancestor", &hex, &self.tracking_ref()], &[])?;
        Ok(out.success())
    }

    fn push_once(&self) -> Result<Answer, SourceError> {
        let refspec = format!("HEAD:refs/heads/{}", self.branch);
        let out = self.run(&["push", "--porcelain", "origin", &refspec], &[])?;
        // `--porcelain` prints one line per ref: flag, TAB, from:to, TAB, summary (reason).
        let line = out.stdout.lines().find(|l| l.contains(&format!(":refs/heads/{}", self.branch)));
        match line.and_then(|l| l.chars().next()) {
            Some('=') if out.success() => Ok(Answer::UpToDate),
            Some(' ' | '*' | '+') if out.success() => Ok(Answer::Accepted),
            Some('!') if line.is_some_and(lost_race) => Ok(Answer::Behind),
            Some('!') => Ok(Answer::Refused(self.refusal(line.unwrap_or(""), &out.stderr))),
            _ if out.success() => Ok(Answer::Accepted),
            _ => Err(self.network_error(&out)),
        }
    }

    /// The remote's words: its `remote:` lines (hook output) and the ref's status line.
    fn refusal(&self, line: &str, stderr: &str) -> String {
        let status = line.rsplit('\t').next().unwrap_or(line).trim();
        let remote_lines: Vec<&str> =
            stderr.lines().filter_map(|l| l.strip_prefix("remote:")).map(str::trim).filter(|l| !l.is_empty()).collect();
        let text = if remote_lines.is_empty() {
            status.to_owned()
        } else {
            format!("{status}; the remote said: {}", remote_lines.join(" / "))
        };
        self.remote.scrub(&text)
    }
}

enum CatchUp {
    /// The local commits are already on the remote branch (or were dropped by the rebase as
    /// already applied there): nothing left to push.
    AlreadyThere(CommitId),
    /// The local commits now sit on the remote's tip.
    Rebased(CommitId),
}

impl WorkTree {
    fn catch_up(&self) -> Result<CatchUp, SourceError> {
        let Some(tip) = self.fetch_branch()? else {
            return Err(self.git_error("fetch", &"the remote branch disappeared during the push"));
        };
        if self.is_ancestor_of_tracking()? {
            return Ok(CatchUp::AlreadyThere(tip));
        }
        let committer = self.git(&["log", "-1", "--format=%cn%x00%ce"])?;
        let (name, email) = committer.trim_end().split_once('\0').unwrap_or(("ferry", "ferry@localhost"));
        let env = crate::worktree::identity_env(name, email, "");
        let env: Vec<(&str, &OsStr)> = env.iter().map(|(k, v)| (*k, OsStr::new(v.as_str()))).collect();
        let tracking = self.tracking_ref();
        let out = self.run(&["rebase", "-q", "--committer-date-is-author-date", &tracking], &env)?;
        if !out.success() {
            let files = self.git(&["diff", "--name-only", "--diff-filter=U"]).unwrap_or_default();
            let _ = self.run(&["rebase", "--abort"], &[]);
            let files = files.split_whitespace().collect::<Vec<_>>().join(", ");
            return Err(SourceError::RebaseConflict {
                url: self.remote.redacted.clone(),
                branch: self.branch.clone(),
                files: if files.is_empty() { self.remote.scrub(&out.stderr) } else { files },
            });
        }
        let head = self.head()?.ok_or_else(|| self.git_error("rebase", &"no commit after the rebase"))?;
        if head == tip { Ok(CatchUp::AlreadyThere(tip)) } else { Ok(CatchUp::Rebased(head)) }
    }

    fn is_ancestor_of_tracking(&self) -> Result<bool, SourceError> {
        let out = self.run(&["merge-base", "--is-ancestor", "HEAD", &self.tracking_ref()], &[])?;
        Ok(out.success())
    }
}

/// Whether a rejected ref's status line says another writer moved the branch first: the
/// remote saw our push as behind, or the branch moved between its check and its update
/// ("failed to update ref" when two pushes reach the remote together).
fn lost_race(line: &str) -> bool {
    ["(fetch first)", "(non-fast-forward)", "(failed to update ref)", "(stale info)"].iter().any(|s| line.contains(s))
}

/// `wait` plus up to half of it again, so racing writers in other processes spread out.
fn jittered(wait: Duration) -> Duration {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let spread = wait.as_nanos() as u64 / 2;
    if spread == 0 { wait } else { wait + Duration::from_nanos(u64::from(nanos) % spread) }
}
