//! Reading trees without a checkout, confined to the repository.

use ferry_source::{CommitId, GitCache, Limits, SourceError, SourceTree};

use crate::support::Upstream;

struct Fixture {
    _up: Upstream,
    cache: GitCache,
    url: String,
    head: CommitId,
}

fn fixture() -> Fixture {
    let up = Upstream::new();
    let cache = GitCache::new(&up.cache_dir());
    let url = format!("file://{}", up.bare().display());
    cache.fetch(&url).unwrap();
    let head = cache.resolve(&url, "HEAD").unwrap();
    Fixture { _up: up, cache, url, head }
}

fn read(f: &Fixture, path: &str) -> Result<SourceTree, SourceError> {
    f.cache.read_tree(&f.url, f.head, path)
}

fn paths(tree: &SourceTree) -> Vec<&str> {
    tree.files.iter().map(|f| f.path.as_str()).collect()
}

#[test]
fn reads_a_nested_directory_following_links_inside_the_repository() {
    let f = fixture();
    let tree = read(&f, "apps").unwrap();
    assert_eq!(
        paths(&tree),
        [
            "apps/guestbook/base.yaml",
            "apps/guestbook/deployment.yaml",
            "apps/guestbook/nested/service.yaml",
            "apps/linked/service.yaml",
        ]
    );
    let contents = |p: &str| tree.files.iter().find(|f| f.path == p).unwrap().contents.clone();
    assert_eq!(contents("apps/guestbook/base.yaml"), b"kind: ConfigMap\n", "file symlink gives the target's bytes");
    assert_eq!(contents("apps/linked/service.yaml"), b"kind: Service\n", "directory symlink is followed");
    assert_eq!(tree.notes, ["skipped submodule apps/guestbook/vendored"]);

    let nested = read(&f, "./apps/guestbook/nested/").unwrap();
    assert_eq!(paths(&nested), ["apps/guestbook/nested/service.yaml"]);
    // A requested path may itself go through a symlink.
    assert_eq!(paths(&read(&f, "apps/linked").unwrap()), ["apps/linked/service.yaml"]);
}

#[test]
fn an_older_commit_has_older_contents() {
    let f = fixture();
    let v1 = f.cache.resolve(&f.url, "v1").unwrap();
    let tree = f.cache.read_tree(&f.url, v1, "").unwrap();
    assert_eq!(paths(&tree), ["README.md", "apps/guestbook/deployment.yaml"]);
}

#[test]
fn symlinks_out_of_the_repository_are_refused() {
    let f = fixture();
    match read(&f, "escape-rel") {
        Err(SourceError::SymlinkEscape { path, target }) => {
            assert_eq!(path, "escape-rel/passwd");
            assert_eq!(target, "../../etc/passwd");
        }
        other => panic!("expected a symlink escape, got {other:?}"),
    }
    match read(&f, "escape-abs/passwd") {
        Err(SourceError::SymlinkEscape { path, target }) => {
            assert_eq!(path, "escape-abs/passwd");
            assert_eq!(target, "/etc/passwd");
        }
        other => panic!("expected a symlink escape, got {other:?}"),
    }
    // The whole repository contains them, so reading it all is refused too.
    assert!(matches!(read(&f, ""), Err(SourceError::SymlinkEscape { .. })));
}

#[test]
fn symlink_loops_are_refused() {
    let f = fixture();
    assert!(matches!(read(&f, "loop"), Err(SourceError::SymlinkLoop { .. })), "{:?}", read(&f, "loop"));
}

#[test]
fn dangling_symlinks_are_skipped_with_a_note() {
    let f = fixture();
    let tree = read(&f, "dangling").unwrap();
    assert_eq!(paths(&tree), ["dangling/ok.yaml"]);
    assert_eq!(tree.notes, ["skipped dangling symlink dangling/link.yaml"]);
}

#[test]
fn paths_that_could_leave_the_repository_are_refused() {
    let f = fixture();
    for bad in ["..", "apps/../..", "apps/../README.md", "/etc", "apps\\guestbook"] {
        let err = read(&f, bad).unwrap_err();
        assert!(matches!(err, SourceError::InvalidPath { .. }), "{bad}: {err}");
        assert!(!err.is_retryable());
    }
    assert!(matches!(read(&f, "no/such/dir"), Err(SourceError::PathNotFound { .. })));
    assert!(matches!(read(&f, "README.md/x"), Err(SourceError::PathNotFound { .. })));
}

#[test]
fn sizes_are_capped() {
    let f = fixture();
    let small = f.cache.clone().with_limits(Limits { max_file_bytes: 10, max_total_bytes: 1000 });
    match small.read_tree(&f.url, f.head, "apps/guestbook") {
        Err(SourceError::FileTooLarge { path, size, limit }) => {
            assert!(path.starts_with("apps/guestbook/"), "{path}");
            assert!(size > 10 && limit == 10);
        }
        other => panic!("expected FileTooLarge, got {other:?}"),
    }
    let small = f.cache.clone().with_limits(Limits { max_file_bytes: 100, max_total_bytes: 20 });
    assert!(matches!(small.read_tree(&f.url, f.head, "apps"), Err(SourceError::TreeTooLarge { .. })));
}

#[test]
fn a_commit_missing_from_the_cache_is_an_unknown_revision() {
    let f = fixture();
    let missing: CommitId = "0123456789abcdef0123456789abcdef01234567".parse().unwrap();
    assert!(matches!(f.cache.read_tree(&f.url, missing, ""), Err(SourceError::UnknownRevision { .. })));
}
