//! Fetching over the network: `git://` from `git daemon` and smart HTTP from `git http-backend`.

use ferry_source::{GitCache, SourceError};

use crate::support::{Upstream, git_daemon, http_server};

/// Fetch, resolve every kind of revision, read a tree, then see a pushed commit.
fn fetch_resolve_and_update(up: &Upstream, url: &str) {
    let cache = GitCache::new(&up.cache_dir());
    let outcome = cache.fetch(url).unwrap();
    assert_eq!(outcome.updated_refs.len(), 4, "{outcome:?}");
    let head = up.rev("main");
    assert_eq!(cache.resolve(url, "HEAD").unwrap().to_hex(), head);
    assert_eq!(cache.resolve(url, "release").unwrap().to_hex(), up.rev("release"));
    assert_eq!(cache.resolve(url, "v1").unwrap().to_hex(), up.rev("v1"));
    assert_eq!(cache.resolve(url, "v1.1").unwrap().to_hex(), head);
    assert_eq!(cache.resolve(url, &head[..8]).unwrap().to_hex(), head);
    let tree = cache.read_tree(url, cache.resolve(url, "HEAD").unwrap(), "apps/guestbook/nested").unwrap();
    assert_eq!(tree.files.len(), 1);
    assert_eq!(tree.files[0].path, "apps/guestbook/nested/service.yaml");

    up.write("apps/guestbook/new.yaml", "kind: Secret\n");
    let new = up.commit("add a secret");
    up.git(&["tag", "v2"]);
    up.push();
    let outcome = cache.fetch(url).unwrap();
    let mut updated: Vec<(String, String)> =
        outcome.updated_refs.iter().map(|(name, id)| (name.clone(), id.to_hex())).collect();
    updated.sort();
    assert_eq!(updated, [("refs/heads/main".to_owned(), new.clone()), ("refs/tags/v2".to_owned(), new.clone())]);
    assert_eq!(cache.resolve(url, "main").unwrap().to_hex(), new);
    assert_eq!(cache.resolve(url, "v2").unwrap().to_hex(), new);
}

#[test]
fn fetches_over_git_daemon() {
    let up = Upstream::new();
    let daemon = git_daemon(&up.home(), &up.srv());
    fetch_resolve_and_update(&up, &format!("git://127.0.0.1:{}/app.git", daemon.port));
}

#[test]
fn fetches_over_smart_http() {
    let up = Upstream::new();
    let server = http_server(&up.home(), &up.srv());
    fetch_resolve_and_update(&up, &format!("http://127.0.0.1:{}/app.git", server.port));
}

/// The server answers, but has no such repository: the remote's answer, not the network.
fn missing_repository_is_a_fetch_error(up: &Upstream, url: &str) {
    let cache = GitCache::new(&up.cache_dir());
    let err = cache.fetch(url).unwrap_err();
    assert!(matches!(err, SourceError::Fetch { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.git"), "{err}");
}

#[test]
fn a_missing_repository_over_git_daemon_is_a_fetch_error() {
    let up = Upstream::new();
    let daemon = git_daemon(&up.home(), &up.srv());
    missing_repository_is_a_fetch_error(&up, &format!("git://127.0.0.1:{}/missing.git", daemon.port));
}

#[test]
fn a_missing_repository_over_http_is_a_fetch_error() {
    let up = Upstream::new();
    let server = http_server(&up.home(), &up.srv());
    missing_repository_is_a_fetch_error(&up, &format!("http://127.0.0.1:{}/missing.git", server.port));
}
