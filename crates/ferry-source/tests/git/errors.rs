//! Remotes that cannot be reached: retryable errors, time limits, no credentials in messages.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use ferry_source::{GitCache, SourceError};

use crate::support::closed_port;

#[test]
fn a_closed_port_is_unreachable_and_retryable() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = GitCache::new(tmp.path());
    let port = closed_port();
    for url in [format!("git://127.0.0.1:{port}/app.git"), format!("http://127.0.0.1:{port}/app.git")] {
        let err = cache.fetch(&url).unwrap_err();
        assert!(matches!(err, SourceError::Unreachable { .. }), "{url}: {err:?}");
        assert!(err.is_retryable());
    }
}

#[test]
fn credentials_never_appear_in_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = GitCache::new(tmp.path());
    let port = closed_port();
    let url = format!("http://alice:hunter2secret@127.0.0.1:{port}/app.git");
    let err = cache.fetch(&url).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("hunter2secret"), "{text}");
    assert!(text.contains(&format!("http://***@127.0.0.1:{port}/app.git")), "{text}");
    let err = cache.resolve(&url, "main").unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2secret"));
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        assert!(!entry.unwrap().file_name().to_string_lossy().contains("hunter2"));
    }
}

#[test]
fn a_silent_remote_times_out() {
    // Accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let tmp = tempfile::tempdir().unwrap();
    let cache = GitCache::new(tmp.path()).with_fetch_timeout(Duration::from_millis(500));
    let started = Instant::now();
    let err = cache.fetch(&format!("git://127.0.0.1:{port}/app.git")).unwrap_err();
    assert!(matches!(err, SourceError::Timeout { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_missing_local_repository_is_a_fetch_error() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = GitCache::new(&tmp.path().join("cache"));
    let err = cache.fetch(tmp.path().join("nope").to_str().unwrap()).unwrap_err();
    assert!(matches!(err, SourceError::Fetch { .. }), "{err:?}");
    assert!(err.to_string().contains("nope"), "{err}");
}
