//! Git discovery against real repositories: a file remote and `git daemon` on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_api::{CommitSelectionStrategy as Strategy, GitSubscription, Subscription};
use ferry_source::DiscoveryError;

use crate::git_support::git_daemon;
use crate::support::{discovery_for, names};

/// A working repository whose commits and tags carry the dates and authors the test gives,
/// and a bare copy under `srv/` to serve.
struct Repo {
    tmp: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo { tmp: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(repo.work()).unwrap();
        repo.git(&["init", "-q", "-b", "main"], 0);
        repo
    }
    fn work(&self) -> PathBuf {
        self.tmp.path().join("work")
    }
    fn bare(&self) -> PathBuf {
        self.tmp.path().join("srv/app.git")
    }
    fn url(&self) -> String {
        format!("file://{}", self.bare().display())
    }
    fn git(&self, args: &[&str], date: i64) -> String {
        git_at(self.tmp.path(), &self.work(), args, date, "dev@ferry.dev")
    }
    /// Writes `files` and commits them at `date` as `author`; returns the SHA.
    fn commit(&self, message: &str, files: &[&str], date: i64, author: &str) -> String {
        for file in files {
            let path = self.work().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("{message}\n")).unwrap();
        }
        git_at(self.tmp.path(), &self.work(), &["add", "-A"], date, author);
        git_at(self.tmp.path(), &self.work(), &["commit", "-q", "-m", message], date, author);
        self.git(&["rev-parse", "HEAD"], date)
    }
    fn publish(&self) {
        if !self.bare().exists() {
            std::fs::create_dir_all(self.bare().parent().unwrap()).unwrap();
            let bare = self.bare();
            self.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()], 0);
        } else {
            let bare = self.bare();
            self.git(
                &[
                    "push",
                    "-q",
                    "--force",
                    bare.to_str().unwrap(),
                    "refs/heads/*:refs/heads/*",
                    "refs/tags/*:refs/tags/*",
                ],
                0,
            );
        }
    }
}

fn git_at(home: &Path, dir: &Path, args: &[&str], date: i64, email: &str) -> String {
    let date = format!("@{date} +0000");
    let out = Command::new("git")
        .args(["-c", "user.name=Dev", "-c", &format!("user.email={email}"), "-c", "tag.gpgSign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn subscription(url: &str, strategy: Strategy) -> GitSubscription {
    GitSubscription {
        repo_url: url.to_owned(),
        branch: None,
        commit_selection_strategy: strategy,
        semver_constraint: None,
        allow_tags: Vec::new(),
        ignore_tags: Vec::new(),
        include_paths: Vec::new(),
        exclude_paths: Vec::new(),
        discovery_limit: 20,
    }
}

async fn discover(dir: &Path, sub: GitSubscription) -> Result<Vec<ferry_source::Discovered>, DiscoveryError> {
    discovery_for(dir, &[]).discover(&Subscription::Git(sub)).await
}

#[tokio::test]
async fn newest_from_branch_with_path_filters_and_limit() {
    let repo = Repo::new();
    let c1 = repo.commit("init", &["README.md", "apps/web/deploy.yaml"], 1_000, "ann@example.com");
    let c2 = repo.commit("docs only", &["apps/web/README.md"], 2_000, "bob@example.com");
    let c3 = repo.commit("web change", &["apps/web/deploy.yaml", "apps/web/NOTES.md"], 3_000, "cid@example.com");
    let c4 = repo.commit("api change", &["apps/api/deploy.yaml"], 4_000, "dee@example.com");
    repo.git(&["checkout", "-q", "-b", "release", &c2], 0);
    let r1 = repo.commit("release fix", &["apps/web/fix.yaml"], 5_000, "eve@example.com");
    repo.git(&["checkout", "-q", "main"], 0);
    repo.publish();
    let dir = tempfile::tempdir().unwrap();

    let all = discover(dir.path(), subscription(&repo.url(), Strategy::NewestFromBranch)).await.unwrap();
    assert_eq!(names(&all), [c4.as_str(), c3.as_str(), c2.as_str(), c1.as_str()]);
    assert_eq!(all[0].author.as_deref(), Some("dee@example.com"));
    assert_eq!(all[0].message.as_deref(), Some("api change"));
    assert_eq!(all[0].created, Some(4_000));

    let mut web = subscription(&repo.url(), Strategy::NewestFromBranch);
    web.include_paths = vec!["apps/web".to_owned()];
    web.exclude_paths = vec!["glob:**/*.md".to_owned()];
    assert_eq!(names(&discover(dir.path(), web.clone()).await.unwrap()), [c3.as_str(), c1.as_str()]);
    web.discovery_limit = 1;
    assert_eq!(names(&discover(dir.path(), web).await.unwrap()), [c3.as_str()]);

    let mut regex = subscription(&repo.url(), Strategy::NewestFromBranch);
    regex.include_paths = vec!["regex:^apps/(api|db)/".to_owned()];
    assert_eq!(names(&discover(dir.path(), regex).await.unwrap()), [c4.as_str()]);

    let mut release = subscription(&repo.url(), Strategy::NewestFromBranch);
    release.branch = Some("release".to_owned());
    assert_eq!(names(&discover(dir.path(), release).await.unwrap()), [r1.as_str(), c2.as_str(), c1.as_str()]);
}

#[tokio::test]
async fn tags_by_semver_lexical_and_date_over_git_daemon() {
    let repo = Repo::new();
    let a = repo.commit("a", &["a"], 1_000, "a@example.com");
    repo.git(&["tag", "v1.0.0"], 1_000);
    let b = repo.commit("b", &["b"], 2_000, "b@example.com");
    repo.git(&["tag", "-a", "v1.10.0", "-m", "annotated"], 9_000);
    let c = repo.commit("c", &["c"], 3_000, "c@example.com");
    repo.git(&["tag", "v1.2.0"], 3_000);
    repo.git(&["tag", "v2.0.0-rc.1"], 3_000);
    repo.git(&["tag", "release-candidate"], 3_000);
    repo.publish();
    let daemon = git_daemon(repo.tmp.path(), &repo.tmp.path().join("srv"));
    let url = format!("git://127.0.0.1:{}/app.git", daemon.port);
    let dir = tempfile::tempdir().unwrap();

    let semver = discover(dir.path(), subscription(&url, Strategy::SemVer)).await.unwrap();
    assert_eq!(
        names(&semver),
        [b.as_str(), c.as_str(), a.as_str()],
        "v1.10.0, v1.2.0, v1.0.0: no prerelease without a constraint"
    );
    assert_eq!(semver[0].author.as_deref(), Some("b@example.com"));
    let mut pre = subscription(&url, Strategy::SemVer);
    pre.semver_constraint = Some(">=2.0.0-0".to_owned());
    assert_eq!(names(&discover(dir.path(), pre).await.unwrap()), [c.as_str()], "v2.0.0-rc.1");

    let mut constrained = subscription(&url, Strategy::SemVer);
    constrained.semver_constraint = Some("~1.2".to_owned());
    assert_eq!(names(&discover(dir.path(), constrained.clone()).await.unwrap()), [c.as_str()]);
    constrained.semver_constraint = Some(">=3".to_owned());
    assert!(discover(dir.path(), constrained).await.unwrap().is_empty());

    let mut lexical = subscription(&url, Strategy::Lexical);
    lexical.ignore_tags = vec!["^v2".to_owned(), "^release".to_owned()];
    assert_eq!(
        names(&discover(dir.path(), lexical).await.unwrap()),
        [c.as_str(), b.as_str(), a.as_str()],
        "v1.2.0 > v1.10.0 > v1.0.0"
    );

    let mut newest = subscription(&url, Strategy::NewestTag);
    newest.allow_tags = vec!["^v1".to_owned()];
    newest.discovery_limit = 2;
    assert_eq!(
        names(&discover(dir.path(), newest).await.unwrap()),
        [b.as_str(), c.as_str()],
        "the annotated tag was made last"
    );
}

#[tokio::test]
async fn unknown_branch_and_missing_repository_are_errors() {
    let repo = Repo::new();
    repo.commit("init", &["a"], 1_000, "a@example.com");
    repo.publish();
    let dir = tempfile::tempdir().unwrap();

    let mut branch = subscription(&repo.url(), Strategy::NewestFromBranch);
    branch.branch = Some("nope".to_owned());
    let err = discover(dir.path(), branch).await.unwrap_err();
    assert!(matches!(err, DiscoveryError::UnknownBranch { .. }), "{err:?}");
    assert!(err.to_string().contains("\"nope\""), "{err}");
    assert!(!err.is_retryable());

    let missing = format!("file://{}", dir.path().join("missing.git").display());
    let err = discover(dir.path(), subscription(&missing, Strategy::NewestFromBranch)).await.unwrap_err();
    assert!(matches!(err, DiscoveryError::Git { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.git"), "{err}");
}

#[tokio::test]
async fn tag_strategies_keep_only_tags_whose_commit_touches_the_paths() {
    let repo = Repo::new();
    let tag = |name: &str, date: i64| {
        repo.git(&["tag", name], date);
    };
    let root = repo.commit("init", &["README.md", "apps/web/deploy.yaml"], 1_000, "a@example.com");
    tag("v1.0.0", 1_000);
    let api = repo.commit("api", &["apps/api/deploy.yaml"], 2_000, "b@example.com");
    tag("v1.1.0", 2_000);
    repo.commit("web docs", &["apps/web/README.md"], 3_000, "c@example.com");
    tag("v1.2.0", 3_000);
    let web = repo.commit("web", &["apps/web/deploy.yaml"], 4_000, "d@example.com");
    tag("v1.3.0", 4_000);
    tag("v1.3.0-web", 4_000);
    repo.git(&["checkout", "-q", "-b", "feature"], 0);
    repo.commit("web feature", &["apps/web/feature.yaml"], 5_000, "e@example.com");
    repo.git(&["checkout", "-q", "main"], 0);
    repo.commit("api on main", &["apps/api/main.yaml"], 6_000, "f@example.com");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"], 7_000);
    let merge = repo.git(&["rev-parse", "HEAD"], 0);
    tag("v1.4.0", 7_000);
    let api2 = repo.commit("api again", &["apps/api/deploy.yaml"], 8_000, "g@example.com");
    tag("v1.5.0", 8_000);
    repo.publish();
    let dir = tempfile::tempdir().unwrap();

    let mut web_sub = subscription(&repo.url(), Strategy::SemVer);
    web_sub.include_paths = vec!["apps/web".to_owned()];
    web_sub.exclude_paths = vec!["glob:**/*.md".to_owned()];
    assert_eq!(
        names(&discover(dir.path(), web_sub.clone()).await.unwrap()),
        [merge.as_str(), web.as_str(), root.as_str()],
        "v1.4.0 (the merge brought apps/web from its second parent), v1.3.0, v1.0.0 (a root commit: all its files); \
         not v1.5.0 and v1.1.0 (apps/api) nor v1.2.0 (only an excluded README)"
    );
    web_sub.discovery_limit = 3;
    web_sub.semver_constraint = Some("<1.4.0".to_owned());
    assert_eq!(
        names(&discover(dir.path(), web_sub.clone()).await.unwrap()),
        [web.as_str(), root.as_str()],
        "the limit counts tags that pass the filters: the walk goes past v1.2.0 and v1.1.0"
    );
    web_sub.discovery_limit = 1;
    assert_eq!(names(&discover(dir.path(), web_sub).await.unwrap()), [web.as_str()]);

    let mut api_sub = subscription(&repo.url(), Strategy::NewestTag);
    api_sub.include_paths = vec!["regex:^apps/api/".to_owned()];
    assert_eq!(
        names(&discover(dir.path(), api_sub).await.unwrap()),
        [api2.as_str(), api.as_str()],
        "the merge is judged against its first parent, so main's own api change does not count for it"
    );

    let mut lexical = subscription(&repo.url(), Strategy::Lexical);
    lexical.exclude_paths = vec!["apps/api".to_owned(), "README.md".to_owned(), "glob:**/*.md".to_owned()];
    assert_eq!(
        names(&discover(dir.path(), lexical).await.unwrap()),
        [merge.as_str(), web.as_str(), web.as_str(), root.as_str()],
        "v1.4.0, v1.3.0-web and v1.3.0 (one commit, both tags), v1.0.0"
    );
}

#[tokio::test]
async fn a_bad_path_pattern_with_a_tag_strategy_is_an_error_naming_it() {
    let repo = Repo::new();
    repo.commit("init", &["a"], 1_000, "a@example.com");
    repo.git(&["tag", "v1.0.0"], 1_000);
    repo.publish();
    let dir = tempfile::tempdir().unwrap();

    let mut sub = subscription(&repo.url(), Strategy::SemVer);
    sub.exclude_paths = vec!["glob:apps/[web".to_owned()];
    let err = discover(dir.path(), sub).await.unwrap_err();
    assert!(matches!(err, DiscoveryError::InvalidPattern { .. }), "{err:?}");
    assert!(err.to_string().contains("glob:apps/[web"), "{err}");
    assert!(!err.is_retryable());
}
