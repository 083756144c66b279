//! Fetching local repositories (a path, a relative path, `file://`) and resolving revisions.

use ferry_source::{GitCache, SourceError};

use crate::support::Upstream;

fn relative_to_cwd(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().unwrap();
    let ups = cwd.components().count() - 1;
    format!("{}{}", "../".repeat(ups), path.strip_prefix("/").unwrap().display())
}

#[test]
fn every_kind_of_revision_resolves_from_a_local_path() {
    let up = Upstream::new();
    let cache = GitCache::new(&up.cache_dir());
    let url = up.bare().display().to_string();
    let outcome = cache.fetch(&url).unwrap();
    let names: Vec<&str> = outcome.updated_refs.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["refs/heads/main", "refs/heads/release", "refs/tags/v1", "refs/tags/v1.1"]);

    let head = up.rev("main");
    assert_eq!(cache.resolve(&url, "HEAD").unwrap().to_hex(), head);
    assert_eq!(cache.resolve(&url, "").unwrap().to_hex(), head);
    assert_eq!(cache.resolve(&url, "main").unwrap().to_hex(), head);
    assert_eq!(cache.resolve(&url, "release").unwrap().to_hex(), up.rev("release"));
    assert_eq!(cache.resolve(&url, "refs/heads/release").unwrap().to_hex(), up.rev("release"));
    assert_eq!(cache.resolve(&url, "v1").unwrap().to_hex(), up.rev("v1"));
    // The annotated tag is peeled to its commit, never the tag object.
    assert_eq!(cache.resolve(&url, "v1.1").unwrap().to_hex(), head);
    assert_eq!(cache.resolve(&url, "refs/tags/v1.1").unwrap().to_hex(), head);
    assert_eq!(cache.resolve(&url, &head).unwrap().to_hex(), head);
    assert_eq!(cache.resolve(&url, &head[..7]).unwrap().to_hex(), head);
    assert_eq!(cache.resolve(&url, &head[..10].to_uppercase()).unwrap().to_hex(), head);

    // A second fetch with nothing new reports nothing.
    assert!(cache.fetch(&url).unwrap().updated_refs.is_empty());
}

#[test]
fn file_urls_and_relative_paths_share_the_cache_entry() {
    let up = Upstream::new();
    let cache = GitCache::new(&up.cache_dir());
    let file_url = format!("file://{}", up.bare().display());
    let relative = relative_to_cwd(&up.bare());
    cache.fetch(&file_url).unwrap();
    assert_eq!(cache.resolve(&file_url, "main").unwrap().to_hex(), up.rev("main"));
    assert_eq!(cache.repo_path(&file_url).unwrap(), cache.repo_path(&relative).unwrap());
    assert!(cache.fetch(&relative).unwrap().updated_refs.is_empty(), "same cache entry, nothing new");
    assert_eq!(std::fs::read_dir(up.cache_dir()).unwrap().count(), 1);
}

#[test]
fn a_pushed_commit_is_seen_after_the_next_fetch() {
    let up = Upstream::new();
    let cache = GitCache::new(&up.cache_dir());
    let url = up.bare().display().to_string();
    cache.fetch(&url).unwrap();
    let old = up.rev("main");

    up.write("apps/guestbook/deployment.yaml", "kind: Deployment\nreplicas: 3\n");
    let new = up.commit("scale up");
    up.git(&["branch", "-D", "release"]);
    up.push();
    up.git(&["push", "-q", up.bare().to_str().unwrap(), ":refs/heads/release"]);

    assert_eq!(cache.resolve(&url, "main").unwrap().to_hex(), old, "nothing changes before a fetch");
    let outcome = cache.fetch(&url).unwrap();
    assert_eq!(outcome.updated_refs.len(), 1, "{outcome:?}");
    assert_eq!(outcome.updated_refs[0].0, "refs/heads/main");
    assert_eq!(outcome.updated_refs[0].1.to_hex(), new);
    assert_eq!(outcome.pruned_refs, ["refs/heads/release"]);
    assert_eq!(cache.resolve(&url, "HEAD").unwrap().to_hex(), new);
    assert!(matches!(cache.resolve(&url, "release"), Err(SourceError::UnknownRevision { .. })));
    let tree = cache.read_tree(&url, cache.resolve(&url, "main").unwrap(), "apps/guestbook/deployment.yaml").unwrap();
    assert_eq!(tree.files[0].contents, b"kind: Deployment\nreplicas: 3\n");
}

#[test]
fn head_follows_the_remote_default_branch() {
    let up = Upstream::new();
    let bare = up.bare();
    crate::support::git(&up.home(), &bare, &["symbolic-ref", "HEAD", "refs/heads/release"]);
    let cache = GitCache::new(&up.cache_dir());
    let url = bare.display().to_string();
    cache.fetch(&url).unwrap();
    assert_eq!(cache.resolve(&url, "HEAD").unwrap().to_hex(), up.rev("release"));
}

#[test]
fn unknown_revisions_are_errors_naming_what_exists() {
    let up = Upstream::new();
    let cache = GitCache::new(&up.cache_dir());
    let url = up.bare().display().to_string();
    cache.fetch(&url).unwrap();
    for revision in ["no-such-branch", "deadbeefdeadbeef", "refs/heads/nope", "v9"] {
        let err = cache.resolve(&url, revision).unwrap_err();
        assert!(matches!(&err, SourceError::UnknownRevision { revision: r, .. } if r == revision), "{err}");
        assert!(!err.is_retryable());
        let text = err.to_string();
        assert!(text.contains("main") && text.contains("release") && text.contains("v1.1"), "{text}");
    }
    // Too short to be taken for a SHA.
    let short = &up.rev("main")[..6];
    assert!(matches!(cache.resolve(&url, short), Err(SourceError::UnknownRevision { .. })));
}

#[test]
fn commit_info_for_history() {
    let up = Upstream::new();
    let cache = GitCache::new(&up.cache_dir());
    let url = up.bare().display().to_string();
    let commit = cache.resolve(&url, "main").unwrap(); // never fetched: fetched on first use
    let info = cache.last_commit_info(&url, commit).unwrap();
    assert_eq!(info.id, commit);
    assert_eq!(info.author, "Ferry Test <test@ferry.dev>");
    assert_eq!(info.date, 1_700_000_000);
    assert_eq!(info.summary, "add service, shared base and links");
}
