//! `LocalRepo`: a checkout read as the sync engine reads remotes — revisions as `git rev-parse`
//! resolves them, and the working tree (uncommitted and untracked files) as a snapshot commit
//! that leaves the user's index, branches and files alone.

use ferry_source::{LocalRepo, SourceError};

use crate::support::Upstream;

#[test]
fn the_working_tree_is_read_as_it_is_on_disk_without_touching_the_repository() {
    let up = Upstream::new();
    let repo = LocalRepo::open(&up.work().join("apps")).unwrap();
    assert_eq!(repo.root().canonicalize().unwrap(), up.work().canonicalize().unwrap());
    let head = up.rev("main");
    assert_eq!(repo.worktree().unwrap().to_hex(), head, "a clean tree is HEAD itself");

    up.write("apps/guestbook/deployment.yaml", "kind: Deployment\nspec: {replicas: 2}\n");
    up.write("apps/guestbook/new.yaml", "kind: ConfigMap\n");
    up.write(".gitignore", "*.log\n");
    up.write("apps/guestbook/debug.log", "ignored\n");
    let status_before = up.git(&["status", "--porcelain"]);
    let snapshot = repo.worktree().unwrap();
    assert_ne!(snapshot.to_hex(), head);
    let files = repo.read_tree(snapshot, "apps/guestbook").unwrap().files;
    let read =
        |path: &str| files.iter().find(|f| f.path == path).map(|f| String::from_utf8_lossy(&f.contents).into_owned());
    assert_eq!(read("apps/guestbook/deployment.yaml").as_deref(), Some("kind: Deployment\nspec: {replicas: 2}\n"));
    assert_eq!(read("apps/guestbook/new.yaml").as_deref(), Some("kind: ConfigMap\n"));
    assert_eq!(read("apps/guestbook/debug.log"), None, "ignored files are not part of the change");
    assert_eq!(up.git(&["status", "--porcelain"]), status_before, "the user's index is untouched");
    assert_eq!(up.rev("main"), head, "no branch moved");

    // The snapshot's parent is HEAD, so `BASE..snapshot` spans the commits and the edits.
    let parent = up.git(&["rev-parse", &format!("{snapshot}^")]);
    assert_eq!(parent, head);
}

#[test]
fn revisions_resolve_as_git_resolves_them() {
    let up = Upstream::new();
    let repo = LocalRepo::open(&up.work()).unwrap();
    assert_eq!(repo.resolve("main").unwrap().to_hex(), up.rev("main"));
    assert_eq!(repo.resolve("HEAD~1").unwrap().to_hex(), up.rev("release"));
    assert_eq!(repo.resolve("v1.1").unwrap().to_hex(), up.rev("main"), "annotated tags peel to commits");
    up.git(&["update-ref", "refs/remotes/origin/main", "HEAD~1"]);
    assert_eq!(repo.resolve("origin/main").unwrap().to_hex(), up.rev("release"));
    for bad in ["no-such-branch", "--output=/tmp/x", "main:README.md"] {
        let error = repo.resolve(bad).unwrap_err();
        assert!(matches!(error, SourceError::UnknownRevision { .. }), "{bad}: {error}");
        assert!(error.to_string().contains(bad), "{error}");
    }
}

#[test]
fn symlinks_out_of_the_checkout_are_refused_at_every_revision() {
    let up = Upstream::new();
    let repo = LocalRepo::open(&up.work()).unwrap();
    let error = repo.read_tree(repo.worktree().unwrap(), "escape-abs").unwrap_err();
    assert!(matches!(error, SourceError::SymlinkEscape { .. }), "{error}");
    let outside = tempfile::tempdir().unwrap();
    assert!(LocalRepo::open(outside.path()).is_err(), "a directory outside any repository");
}
