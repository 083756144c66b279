//! The promotion steps against real Git: remotes are bare repositories on disk, served on
//! 127.0.0.1 by `git daemon` (pushes enabled) and by `git http-backend`; `kubectl kustomize`
//! checks the edited kustomization renders the new image.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, UNIX_EPOCH};

use crate::support::{self, git};
use ferry_controller::promotion::steps::{Step, StepContext, StepError, StepOutcome};
use ferry_source::PushLocks;
use serde_json::json;
use tempfile::TempDir;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

const KUSTOMIZATION: &str = "\
# Overlay for dev: the web image is pinned by Ferry.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml   # the app itself

images:
  # the web front end
  - name: ghcr.io/org/web   # as written in deployment.yaml
    newTag: \"1.0.0\"   # set by promotions
  - name: redis
    newTag: 7.2-alpine
";

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/org/web:0.1
        - name: cache
          image: redis:7.0
";

const VALUES: &str = "\
# Helm values for dev
image:
  repository: ghcr.io/org/web
  tag: '1.0.0'  # promoted
ingress:
  annotations:
    cert-manager.io/cluster-issuer: staging
replicas: 1
";

/// A remote `deploy.git` under `srv/` with an overlay and Helm values on `main`.
struct Remote {
    tmp: TempDir,
}

impl Remote {
    fn new() -> Remote {
        let remote = Remote { tmp: tempfile::tempdir().unwrap() };
        let seed = remote.tmp.path().join("seed");
        for (path, text) in [
            ("overlays/dev/kustomization.yaml", KUSTOMIZATION),
            ("overlays/dev/deployment.yaml", DEPLOYMENT),
            ("values/dev.yaml", VALUES),
            ("values/staging.yaml", VALUES),
        ] {
            std::fs::create_dir_all(seed.join(path).parent().unwrap()).unwrap();
            std::fs::write(seed.join(path), text).unwrap();
        }
        remote.git(&seed, &["init", "-q"]);
        remote.git(&seed, &["add", "-A"]);
        remote.git(&seed, &["commit", "-q", "-m", "seed"]);
        std::fs::create_dir_all(remote.srv()).unwrap();
        remote.git(remote.tmp.path(), &["clone", "-q", "--bare", "seed", "srv/deploy.git"]);
        remote
    }

    fn srv(&self) -> PathBuf {
        self.tmp.path().join("srv")
    }

    fn bare(&self) -> PathBuf {
        self.srv().join("deploy.git")
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        git(self.tmp.path(), dir, args)
    }

    /// `git` in the bare remote.
    fn remote_git(&self, args: &[&str]) -> String {
        self.git(&self.bare(), args)
    }

    /// A promotion's context with its own work directory.
    fn context(&self, stage: &str, alias: &str) -> StepContext {
        let work = self.tmp.path().join("work").join(format!("{stage}-{alias}"));
        std::fs::create_dir_all(&work).unwrap();
        let revisions: BTreeMap<String, String> = [
            ("https://git.example.com/org/web".to_owned(), SHA.to_owned()),
            ("ghcr.io/org/web".to_owned(), "2.1.0".to_owned()),
        ]
        .into();
        StepContext {
            work_dir: work,
            stage: stage.to_owned(),
            freight_alias: alias.to_owned(),
            revisions,
            now: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        }
    }
}

fn run(ctx: &StepContext, uses: &str, with: serde_json::Value) -> Result<StepOutcome, StepError> {
    Step::parse(uses, &with)?.run(ctx)
}

fn clone(ctx: &StepContext, url: &str) -> StepOutcome {
    run(ctx, "git-clone", json!({"repoURL": url, "path": "src"})).unwrap()
}

fn read(ctx: &StepContext, path: &str) -> String {
    std::fs::read_to_string(ctx.work_dir.join(path)).unwrap()
}

#[test]
fn a_promotion_sets_the_image_commits_and_pushes_over_git_daemon() {
    let remote = Remote::new();
    let daemon = support::git_daemon_with(remote.tmp.path(), &remote.srv(), &["--enable=receive-pack"]);
    let url = format!("git://127.0.0.1:{}/deploy.git", daemon.port);
    let ctx = remote.context("dev", "brave-otter");
    let base = remote.remote_git(&["rev-parse", "main"]);

    let cloned = run(
        &ctx,
        "git-clone",
        json!({"repoURL": url, "path": "./src", "stageBranch": {"branch": "stage/dev", "path": "out"}}),
    )
    .unwrap();
    let StepOutcome::Cloned { checkouts } = &cloned else { panic!("{cloned:?}") };
    assert_eq!(checkouts[0].commit.map(|c| c.to_hex()), Some(base));
    assert_eq!((checkouts[1].branch.as_str(), checkouts[1].commit), ("stage/dev", None), "a new orphan branch");

    let set = run(
        &ctx,
        "kustomize-set-image",
        json!({"path": "src/overlays/dev", "images": [{"image": "ghcr.io/org/web", "tag": "{env}-{short-sha}-{timestamp}"}]}),
    )
    .unwrap();
    assert_eq!(
        set.to_string(),
        "src/overlays/dev/kustomization.yaml: images[ghcr.io/org/web].newTag: 1.0.0 -> dev-0123456-20231114221320"
    );
    let expected = KUSTOMIZATION.replace("\"1.0.0\"", "\"dev-0123456-20231114221320\"");
    assert_eq!(read(&ctx, "src/overlays/dev/kustomization.yaml"), expected, "only the value changed");
    let out = Command::new("kubectl").args(["kustomize"]).arg(ctx.work_dir.join("src/overlays/dev")).output().unwrap();
    assert!(out.status.success(), "kubectl kustomize: {}", String::from_utf8_lossy(&out.stderr));
    let rendered = String::from_utf8_lossy(&out.stdout);
    assert!(rendered.contains("image: ghcr.io/org/web:dev-0123456-20231114221320"), "{rendered}");
    assert!(rendered.contains("image: redis:7.2-alpine"), "{rendered}");

    let committed =
        run(&ctx, "git-commit", json!({"path": "src", "author": {"name": "Promoter", "email": "p@ferry.dev"}}))
            .unwrap();
    let StepOutcome::Committed { commit, message } = &committed else { panic!("{committed:?}") };
    assert!(
        message.starts_with("Promote brave-otter to dev\n") && message.contains("ghcr.io/org/web: 2.1.0"),
        "{message}"
    );
    let pushed = run(&ctx, "git-push", json!({"path": "src"})).unwrap();
    assert_eq!(pushed, StepOutcome::Pushed { branch: "main".into(), commit: *commit, attempts: 1 });
    assert_eq!(remote.remote_git(&["rev-parse", "main"]), commit.to_hex());
    assert_eq!(
        remote.remote_git(&["log", "-1", "--format=%an <%ae> %at", "main"]),
        "Promoter <p@ferry.dev> 1700000000"
    );

    // Running the last steps again changes nothing and pushes nothing.
    assert_eq!(run(&ctx, "git-commit", json!({"path": "src"})).unwrap(), StepOutcome::NothingToCommit);
    let again = run(&ctx, "git-push", json!({"path": "src"})).unwrap();
    assert_eq!(again, StepOutcome::AlreadyPushed { branch: "main".into(), commit: *commit });
}

#[test]
fn the_stage_branch_starts_as_an_orphan_and_is_created_by_the_push() {
    let remote = Remote::new();
    let url = remote.bare().display().to_string();
    let ctx = remote.context("dev", "calm-heron");
    let stage = json!({"repoURL": url, "path": "src", "stageBranch": {"branch": "stage/dev", "path": "out"}});
    run(&ctx, "git-clone", stage.clone()).unwrap();
    assert_eq!(run(&ctx, "git-commit", json!({"path": "out"})).unwrap(), StepOutcome::NothingToCommit);
    std::fs::write(ctx.work_dir.join("out/manifests.yaml"), "kind: ConfigMap\n").unwrap();
    let committed = run(&ctx, "git-commit", json!({"path": "out", "message": "render {alias} for {env}"})).unwrap();
    let pushed = run(&ctx, "git-push", json!({"path": "out"})).unwrap();
    assert_eq!(pushed.pushed_commit(), committed_commit(&committed));
    assert_eq!(remote.remote_git(&["log", "--format=%s", "stage/dev"]), "render calm-heron for dev", "one root commit");

    let next = remote.context("dev", "next");
    let cloned = run(
        &next,
        "git-clone",
        json!({"repoURL": url, "path": "src", "stageBranch": {"branch": "stage/dev", "path": "out", "create": false}}),
    )
    .unwrap();
    let StepOutcome::Cloned { checkouts } = cloned else { panic!() };
    assert_eq!(checkouts[1].commit, committed_commit(&committed), "the existing stage branch is checked out");
}

#[test]
fn target_branch_pushes_the_checkout_to_another_branch_created_when_missing() {
    let remote = Remote::new();
    let url = remote.bare().display().to_string();
    let main_before = remote.remote_git(&["rev-parse", "main"]);
    let ctx = remote.context("dev", "quick-lynx");
    run(&ctx, "git-clone", json!({"repoURL": url, "path": "src"})).unwrap();
    std::fs::write(ctx.work_dir.join("src/promoted.txt"), "quick-lynx\n").unwrap();
    let committed = run(&ctx, "git-commit", json!({"path": "src"})).unwrap();
    let pushed = run(&ctx, "git-push", json!({"path": "src", "targetBranch": "promote/dev"})).unwrap();
    let commit = committed_commit(&committed).unwrap();
    assert_eq!(pushed, StepOutcome::Pushed { branch: "promote/dev".into(), commit, attempts: 1 });
    assert_eq!(remote.remote_git(&["rev-parse", "promote/dev"]), commit.to_hex());
    assert_eq!(remote.remote_git(&["rev-parse", "main"]), main_before, "the checked-out branch is untouched");
    let again = run(&ctx, "git-push", json!({"path": "src", "targetBranch": "promote/dev"})).unwrap();
    assert_eq!(again, StepOutcome::AlreadyPushed { branch: "promote/dev".into(), commit });

    // The target moved meanwhile: the commit is rebased onto it and lands.
    let other = remote.context("dev", "other");
    run(&other, "git-clone", json!({"repoURL": url, "path": "src", "branch": "promote/dev"})).unwrap();
    std::fs::write(other.work_dir.join("src/other.txt"), "x\n").unwrap();
    run(&other, "git-commit", json!({"path": "src"})).unwrap();
    run(&other, "git-push", json!({"path": "src"})).unwrap();
    let ctx2 = remote.context("dev", "late-owl");
    run(&ctx2, "git-clone", json!({"repoURL": url, "path": "src"})).unwrap();
    std::fs::write(ctx2.work_dir.join("src/late.txt"), "late\n").unwrap();
    run(&ctx2, "git-commit", json!({"path": "src"})).unwrap();
    let landed = run(&ctx2, "git-push", json!({"path": "src", "targetBranch": "promote/dev"})).unwrap();
    assert!(matches!(landed, StepOutcome::Pushed { attempts: 2, .. }), "{landed:?}");
    let files = remote.remote_git(&["ls-tree", "--name-only", "promote/dev"]);
    assert!(files.contains("late.txt") && files.contains("other.txt") && files.contains("promoted.txt"), "{files}");

    let bad = run(&ctx, "git-push", json!({"path": "src", "targetBranch": "-x..y"})).unwrap_err();
    assert!(bad.to_string().contains("-x..y"), "{bad}");
}

fn committed_commit(outcome: &StepOutcome) -> Option<ferry_source::CommitId> {
    match outcome {
        StepOutcome::Committed { commit, .. } => Some(*commit),
        _ => None,
    }
}

/// Two stages edit different files of one repository from clones of the same commit, then
/// push at the same moment from two threads.
fn race(remote: &Remote, url: &str, locks: [PushLocks; 2]) {
    let contexts: Vec<StepContext> =
        ["dev", "staging"].iter().map(|stage| remote.context(stage, "swift-lynx")).collect();
    for ctx in &contexts {
        clone(ctx, url);
        let file = format!("src/values/{}.yaml", ctx.stage);
        run(ctx, "yaml-update", json!({"path": file, "updates": [{"key": "image.tag", "value": "{env}-2.1.0"}]}))
            .unwrap();
        assert!(matches!(run(ctx, "git-commit", json!({"path": "src"})).unwrap(), StepOutcome::Committed { .. }));
    }
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = contexts
        .into_iter()
        .zip(locks)
        .map(|(ctx, locks)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let step = Step::parse("git-push", &json!({"path": "src"})).unwrap();
                let Step::GitPush(push) = step else { unreachable!() };
                barrier.wait();
                push.run_with(&ctx, &locks)
            })
        })
        .collect();
    let outcomes: Vec<StepOutcome> = handles.into_iter().map(|h| h.join().unwrap().unwrap()).collect();
    let retried = outcomes.iter().any(|o| matches!(o, StepOutcome::Pushed { attempts, .. } if *attempts >= 2));
    assert!(retried, "the writer that came second rebased and pushed again: {outcomes:?}");
    let tip = remote.remote_git(&["rev-parse", "main"]);
    assert!(outcomes.iter().any(|o| o.pushed_commit().map(|c| c.to_hex()) == Some(tip.clone())), "{outcomes:?}");
    let log = remote.remote_git(&["log", "--format=%s", "main"]);
    assert_eq!(log.matches("Promote swift-lynx to").count(), 2, "both promotions landed:\n{log}");
    assert!(log.contains("to dev") && log.contains("to staging"), "{log}");
    let main = remote.tmp.path().join("check");
    remote.git(remote.tmp.path(), &["clone", "-q", remote.bare().to_str().unwrap(), "check"]);
    for stage in ["dev", "staging"] {
        let values = std::fs::read_to_string(main.join(format!("values/{stage}.yaml"))).unwrap();
        assert!(values.contains(&format!("tag: '{stage}-2.1.0'  # promoted")), "{values}");
    }
}

#[test]
fn two_stages_pushing_to_one_branch_at_once_both_land() {
    let remote = Remote::new();
    let daemon = support::git_daemon_with(remote.tmp.path(), &remote.srv(), &["--enable=receive-pack"]);
    let url = format!("git://127.0.0.1:{}/deploy.git", daemon.port);
    // One process: the second writer waits for the first, then rebases onto its commit.
    race(&remote, &url, [PushLocks::global().clone(), PushLocks::global().clone()]);
}

#[test]
fn two_processes_pushing_to_one_branch_at_once_both_land() {
    let remote = Remote::new();
    // Separate lock sets behave like separate processes: the loser is rejected and retries.
    race(&remote, &remote.bare().display().to_string(), [PushLocks::default(), PushLocks::default()]);
}

#[test]
fn a_resumed_promotion_does_not_push_twice() {
    let remote = Remote::new();
    let url = remote.bare().display().to_string();
    let ctx = remote.context("dev", "quiet-wolf");
    clone(&ctx, &url);
    let update = json!({"path": "src/values/dev.yaml", "updates": [{"key": "image.tag", "value": "2.1.0"}]});
    run(&ctx, "yaml-update", update.clone()).unwrap();
    run(&ctx, "git-commit", json!({"path": "src"})).unwrap();
    let first = run(&ctx, "git-push", json!({"path": "src"})).unwrap().pushed_commit().unwrap();

    // A crash after the push but before it was recorded: the whole promotion runs again in a
    // fresh work directory.
    let resumed = StepContext { work_dir: remote.tmp.path().join("work/resumed"), ..ctx.clone() };
    std::fs::create_dir_all(&resumed.work_dir).unwrap();
    clone(&resumed, &url);
    assert_eq!(run(&resumed, "yaml-update", update).unwrap().to_string(), "src/values/dev.yaml: already up to date");
    assert_eq!(run(&resumed, "git-commit", json!({"path": "src"})).unwrap(), StepOutcome::NothingToCommit);
    let again = run(&resumed, "git-push", json!({"path": "src"})).unwrap();
    assert_eq!(again, StepOutcome::AlreadyPushed { branch: "main".into(), commit: first });
    assert_eq!(remote.remote_git(&["rev-list", "--count", "main"]), "2", "exactly one promotion commit");
}

#[test]
fn a_remote_hook_that_rejects_fails_clearly_without_credentials() {
    let remote = Remote::new();
    let hook = remote.bare().join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'main is frozen until Monday' >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    remote.remote_git(&["config", "http.receivepack", "true"]);
    let server = support::http_server(remote.tmp.path(), &remote.srv());
    let url = format!("http://alice:s3cret@127.0.0.1:{}/deploy.git", server.port);
    let ctx = remote.context("prod", "bold-fox");
    clone(&ctx, &url);
    std::fs::write(ctx.work_dir.join("src/values/dev.yaml"), "replicas: 2\n").unwrap();
    run(&ctx, "git-commit", json!({"path": "src"})).unwrap();
    let error = run(&ctx, "git-push", json!({"path": "src", "maxAttempts": 2})).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("pre-receive hook declined") && text.contains("main is frozen until Monday"), "{text}");
    assert!(text.contains("http://***@127.0.0.1") && !text.contains("s3cret"), "{text}");
    assert!(!error.is_retryable(), "a refusal is not a race");
}

#[test]
fn bad_input_names_the_file_and_the_field() {
    let remote = Remote::new();
    let ctx = remote.context("dev", "odd-yak");
    clone(&ctx, &remote.bare().display().to_string());
    let cases = [
        ("git-push", json!({"path": "src", "maxAtempts": 3}), vec!["step git-push", "unknown field `maxAtempts`"]),
        (
            "kustomize-set-image",
            json!({"path": "src/overlays/dev", "images": [{"image": "web", "tags": "x"}]}),
            vec!["images[0]", "unknown field `tags`"],
        ),
        ("git-commit", json!({}), vec!["step git-commit", "missing field `path`"]),
        ("git-tag", json!({}), vec!["unknown promotion step \"git-tag\""]),
        (
            "kustomize-set-image",
            json!({"path": "src/overlays/dev", "images": [{"image": "nginx", "tag": "1"}]}),
            vec![
                "src/overlays/dev/kustomization.yaml: images: no entry with name \"nginx\" (entries: ghcr.io/org/web, redis)",
            ],
        ),
        (
            "kustomize-set-image",
            json!({"path": "src/overlays/dev", "images": [{"image": "redis"}]}),
            vec!["images[0].tag", "no version for image \"redis\""],
        ),
        (
            "kustomize-set-image",
            json!({"path": "src/overlays/dev", "images": [{"image": "redis", "tag": "{envv}"}]}),
            vec!["images[0].tag", "unknown variable {envv}"],
        ),
        (
            "yaml-update",
            json!({"path": "src/values/dev.yaml", "updates": [{"key": "image.pull.policy", "value": "Always"}]}),
            vec!["src/values/dev.yaml: image.pull.policy: image.pull does not exist", "create: true"],
        ),
        (
            "yaml-update",
            json!({"path": "src/values/dev.yaml", "updates": [{"key": "image..tag", "value": 1}]}),
            vec!["updates[0].key", "empty key"],
        ),
        (
            "yaml-update",
            json!({"path": "../elsewhere.yaml", "updates": []}),
            vec!["path: path \"../elsewhere.yaml\" must not contain `..`"],
        ),
    ];
    for (uses, with, needles) in cases {
        let text = run(&ctx, uses, with.clone()).unwrap_err().to_string();
        for needle in needles {
            assert!(text.contains(needle), "{uses} {with}: {text:?} lacks {needle:?}");
        }
    }
    assert_eq!(read(&ctx, "src/overlays/dev/kustomization.yaml"), KUSTOMIZATION, "failed steps write nothing");
}

#[test]
fn yaml_update_keeps_every_byte_but_the_values() {
    let remote = Remote::new();
    let ctx = remote.context("dev", "keen-owl");
    clone(&ctx, &remote.bare().display().to_string());
    let with = json!({"path": "src/values/dev.yaml", "create": true, "updates": [
        {"key": "image.tag", "value": "{env}-{short-sha}"},
        {"key": "ingress.annotations.\"cert-manager.io/cluster-issuer\"", "value": "letsencrypt"},
        {"key": "replicas", "value": 3},
        {"key": "autoscaling.enabled", "value": true},
    ]});
    let outcome = run(&ctx, "yaml-update", with).unwrap();
    let StepOutcome::Edited { changes, .. } = &outcome else { panic!("{outcome:?}") };
    assert_eq!(changes.len(), 4, "{changes:?}");
    let expected = VALUES
        .replace("tag: '1.0.0'", "tag: 'dev-0123456'")
        .replace("issuer: staging", "issuer: letsencrypt")
        .replace("replicas: 1", "replicas: 3")
        + "autoscaling:\n  enabled: true\n";
    assert_eq!(read(&ctx, "src/values/dev.yaml"), expected);
}
