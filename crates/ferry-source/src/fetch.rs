//! Clone-or-fetch of one remote into its cached bare repository, with a time limit.
//!
//! All branches and tags are mirrored (`+refs/heads/*:refs/heads/*`, `+refs/tags/*:refs/tags/*`),
//! refs the remote no longer has are pruned, and the cache's `HEAD` follows the remote's
//! default branch so that `HEAD` resolves as Argo CD's `targetRevision: HEAD` does.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use gix::protocol::handshake::Ref;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::remote::Direction;

use crate::cache::{cache_error, open_or_init_bare};
use crate::remote_url::RemoteUrl;
use crate::{CommitId, GitCache, SourceError, refs};

const REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// What a fetch changed: the polling caller's signal that a new revision may need work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchOutcome {
    /// Branches and tags (full ref names) that are new or moved, with the commit they lead to now.
    pub updated_refs: Vec<(String, CommitId)>,
    /// Branches and tags that the remote no longer has and were removed from the cache.
    pub pruned_refs: Vec<String>,
}

impl GitCache {
    /// Clones `url` into the cache, or fetches what is new. Blocking: call it from a thread
    /// (`tokio::task::spawn_blocking`) in async code. Fails with [`SourceError::Timeout`]
    /// after the configured fetch timeout.
    pub fn fetch(&self, url: &str) -> Result<FetchOutcome, SourceError> {
        let remote = RemoteUrl::parse(url)?;
        let path = self.dir.join(remote.cache_dir_name());
        let lock = self.fetch_lock(&path);
        let interrupt = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let worker_remote = remote.clone();
        let worker_interrupt = interrupt.clone();
        tracing::debug!(url = %remote.redacted, path = %path.display(), "fetching git remote");
        // The fetch runs on its own thread so that a remote that stops answering cannot hold
        // the caller past the timeout; the interrupt flag then makes the thread give up.
        std::thread::Builder::new()
            .name("ferry-git-fetch".to_owned())
            .spawn(move || {
                let _guard = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if worker_interrupt.load(Ordering::Relaxed) {
                    return;
                }
                let _ = tx.send(fetch_locked(path, &worker_remote, &worker_interrupt));
            })
            .map_err(|e| cache_error(&remote, &e))?;
        match rx.recv_timeout(self.fetch_timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(SourceError::Fetch {
                url: remote.redacted,
                reason: "the fetch thread stopped without an answer (a panic in the git transport)".to_owned(),
            }),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                interrupt.store(true, Ordering::Relaxed);
                Err(SourceError::Timeout { url: remote.redacted, after: self.fetch_timeout })
            }
        }
    }
}

fn fetch_locked(path: PathBuf, remote: &RemoteUrl, interrupt: &AtomicBool) -> Result<FetchOutcome, SourceError> {
    let repo = open_or_init_bare(&path, remote)?;
    let before = refs::branch_and_tag_commits(&repo).map_err(|e| cache_error(remote, &e))?;
    let remote_refs = receive(&repo, remote, interrupt)?;
    set_head(&repo, &remote_refs).map_err(|e| cache_error(remote, &e))?;
    let pruned_refs = prune(&repo, &remote_refs).map_err(|e| cache_error(remote, &e))?;
    let after = refs::branch_and_tag_commits(&repo).map_err(|e| cache_error(remote, &e))?;
    let updated_refs = changed(&before, &after);
    tracing::debug!(url = %remote.redacted, updated = updated_refs.len(), pruned = pruned_refs.len(), "fetched");
    Ok(FetchOutcome { updated_refs, pruned_refs })
}

/// Connects, negotiates and receives the pack; returns every ref the remote advertised.
fn receive(repo: &gix::Repository, remote: &RemoteUrl, interrupt: &AtomicBool) -> Result<Vec<Ref>, SourceError> {
    // Connecting opens the TCP connection (git://) or checks the local repository exists;
    // HTTP connects lazily, in the handshake, which `classify` looks at.
    let unreachable = |e: gix::Error| {
        let reason = remote.scrub(&describe(&e));
        let url = remote.redacted.clone();
        if remote.is_local() { SourceError::Fetch { url, reason } } else { SourceError::Unreachable { url, reason } }
    };
    let connection = repo
        .remote_at(remote.fetch_url.as_str())
        .and_then(|r| r.with_refspecs(REFSPECS, Direction::Fetch))
        .map(|r| r.with_fetch_tags(gix::remote::fetch::Tags::None))
        .map_err(|e| SourceError::InvalidUrl { url: remote.redacted.clone(), reason: remote.scrub(&e.to_string()) })?;
    let connection = connection.connect(Direction::Fetch).map_err(unreachable)?;
    // `HEAD` without a destination: listed so its symref target is known, never written.
    let head_spec = gix::refspec::parse("HEAD".into(), gix::refspec::parse::Operation::Fetch)
        .map_err(|e| cache_error(remote, &e))?
        .to_owned();
    let options = gix::remote::ref_map::Options { extra_refspecs: vec![head_spec], ..Default::default() };
    let prepare = connection.prepare_fetch(gix::progress::Discard, options).map_err(|e| classify(remote, &e))?;
    let outcome = prepare.receive(gix::progress::Discard, interrupt).map_err(|e| classify(remote, &e))?;
    Ok(outcome.ref_map.remote_refs)
}

/// Failures while talking to the remote: the network's fault (retry later) or the remote's answer.
fn classify(remote: &RemoteUrl, error: &gix::Error) -> SourceError {
    let reason = remote.scrub(&describe(error));
    let network = error.iter_errors().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| is_network_io(io.kind()))
            || e.to_string().contains("error sending request")
    });
    if network || error.can_retry_lenient() {
        SourceError::Unreachable { url: remote.redacted.clone(), reason }
    } else {
        SourceError::Fetch { url: remote.redacted.clone(), reason }
    }
}

/// Every message in the error's chain, outermost first, without repeats.
fn describe(error: &gix::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in error.iter_errors() {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

fn is_network_io(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        kind,
        ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | NotConnected
            | TimedOut
            | HostUnreachable
            | NetworkUnreachable
            | NetworkDown
            | AddrNotAvailable
            | BrokenPipe
            | UnexpectedEof
    )
}

/// Points the cache's `HEAD` where the remote's `HEAD` points (its default branch).
fn set_head(repo: &gix::Repository, remote_refs: &[Ref]) -> Result<(), gix::Error> {
    let new = remote_refs.iter().find_map(|r| match r {
        Ref::Symbolic { full_ref_name, target, .. } if full_ref_name == "HEAD" => {
            gix::refs::FullName::try_from(target.clone()).ok().map(gix::refs::Target::Symbolic)
        }
        Ref::Direct { full_ref_name, object } if full_ref_name == "HEAD" => Some(gix::refs::Target::Object(*object)),
        _ => None,
    });
    let Some(new) = new else { return Ok(()) };
    repo.edit_reference(RefEdit {
        change: Change::Update { log: LogChange::default(), expected: PreviousValue::Any, new },
        name: "HEAD".try_into().map_err(gix::Error::from_error)?,
        deref: false,
    })?;
    Ok(())
}

/// Deletes cached branches and tags that the remote no longer advertises.
fn prune(repo: &gix::Repository, remote_refs: &[Ref]) -> Result<Vec<String>, gix::Error> {
    let advertised: std::collections::HashSet<String> = remote_refs
        .iter()
        .map(|r| match r {
            Ref::Peeled { full_ref_name, .. }
            | Ref::Direct { full_ref_name, .. }
            | Ref::Symbolic { full_ref_name, .. }
            | Ref::Unborn { full_ref_name, .. } => full_ref_name.to_string(),
        })
        .collect();
    let mut stale = Vec::new();
    for reference in repo.references()?.all()? {
        let name = reference?.name().as_bstr().to_string();
        let mirrored = name.starts_with("refs/heads/") || name.starts_with("refs/tags/");
        if mirrored && !advertised.contains(&name) {
            stale.push(name);
        }
    }
    let edits = stale.iter().map(|name| -> Result<RefEdit, gix::Error> {
        Ok(RefEdit {
            change: Change::Delete { expected: PreviousValue::Any, log: RefLog::AndReference },
            name: name.as_str().try_into().map_err(gix::Error::from_error)?,
            deref: false,
        })
    });
    repo.edit_references(edits.collect::<Result<Vec<_>, _>>()?)?;
    Ok(stale)
}

fn changed(before: &BTreeMap<String, CommitId>, after: &BTreeMap<String, CommitId>) -> Vec<(String, CommitId)> {
    after.iter().filter(|(name, id)| before.get(*name) != Some(id)).map(|(name, id)| (name.clone(), *id)).collect()
}
