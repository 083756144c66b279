//! The promotion engine end to end: a configuration repository (a bare remote on disk) with a
//! Kustomize overlay per Stage, Argo CD Applications syncing each overlay into Ferry's local
//! cluster, and a Pipeline whose steps set the Freight's image tag in the overlay, commit and
//! push. Freight is recorded in the store as a Warehouse would record it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ferry_controller::promotion::{DecisionRequest, PromoteRequest, Promoter, PromotionError};
use ferry_core::freight::{Freight, Revision};
use ferry_core::promotion::Next;
use ferry_localkube::LocalKube;
use ferry_store::{Decision, FreightRecord, PromotionKind, PromotionPhase};

const IMAGE: &str = "registry.local/acme/web";

struct World {
    _lk: LocalKube,
    dir: tempfile::TempDir,
    remote: PathBuf,
}

/// `git` isolated from the machine's configuration (the shared test helper).
fn git(dir: &Path, args: &[&str]) -> String {
    crate::support::git(dir, dir, args)
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: registry.local/acme/web:0.0.1}
";

/// Degraded when the image's tag is `bad`: the verification failure a test can cause.
const HEALTH_LUA: &str = r#"
hs = {}
local image = obj.spec.template.spec.containers[1].image
if string.find(image, ":bad", 1, true) then
  hs.status = "Degraded"
  hs.message = "the bad build crashes"
else
  hs.status = "Healthy"
  hs.message = "running " .. image
end
return hs
"#;

/// A Gatekeeper template and constraint: no `latest` image tags (the staging stage's gate).
const DISALLOWED_TAGS: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8sdisallowedtags}
spec:
  crd:
    spec:
      names: {kind: K8sDisallowedTags}
      validation:
        openAPIV3Schema:
          type: object
          properties:
            tags: {type: array, items: {type: string}}
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sdisallowedtags
        violation[{"msg": msg}] {
          c := input.review.object.spec.template.spec.containers[_]
          t := input.parameters.tags[_]
          endswith(c.image, concat("", [":", t]))
          msg := sprintf("container <%v> uses a disallowed tag <%v>", [c.name, t])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sDisallowedTags
metadata: {name: no-latest}
spec:
  match:
    kinds: [{apiGroups: [apps], kinds: [Deployment]}]
  parameters: {tags: [latest]}
"#;

fn overlay(env: &str) -> String {
    format!(
        "# {env}: the image is pinned by Ferry's promotions\nresources:\n  - ../../base\nnamespace: {env}\nimages:\n  - name: {IMAGE}   # promoted\n    newTag: 0.0.1\n"
    )
}

fn steps(env: &str) -> String {
    format!(
        "      steps:
        - uses: git-clone
          with: {{repoURL: '{{REMOTE}}', branch: main}}
        - uses: kustomize-set-image
          with: {{path: repo/overlays/{env}, images: [{{image: {IMAGE}}}]}}
        - uses: git-commit
        - uses: git-push
        - uses: argocd-sync
        - uses: wait-healthy
          with: {{timeout: 20s}}
"
    )
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let lk = crate::fixture::cluster(dir.path()).await;
        let remote = dir.path().join("deploy.git");
        let seed = dir.path().join("seed");
        std::fs::create_dir_all(&seed).unwrap();
        git(dir.path(), &["init", "-q", "--bare", remote.to_str().unwrap()]);
        git(&seed, &["init", "-q"]);
        let mut files = vec![("base/deployment.yaml".to_owned(), DEPLOYMENT.to_owned())];
        files.push(("base/kustomization.yaml".to_owned(), "resources: [deployment.yaml]\n".to_owned()));
        for env in ["dev", "staging", "production", "dr", "rendered"] {
            files.push((format!("overlays/{env}/kustomization.yaml"), overlay(env)));
            files.push((
                format!("overlays/{env}/namespace.yaml"),
                format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {env}}}\n"),
            ));
        }
        for (path, text) in &files {
            let p = seed.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        git(&seed, &["add", "-A"]);
        git(&seed, &["commit", "-q", "-m", "seed"]);
        git(&seed, &["push", "-q", remote.to_str().unwrap(), "HEAD:main"]);
        let world = World { _lk: lk, dir, remote };
        world.control("");
        world
    }

    /// The same, with more fields for the production stage (e.g. windows).
    async fn with_production(extra: &str) -> World {
        let world = World::new().await;
        world.control(extra);
        world
    }

    /// Applications per Stage, a Warehouse, the Pipeline, policies, and the custom health check.
    fn control(&self, production_extra: &str) {
        let control = self.dir.path().join("control");
        let remote = self.remote.display().to_string();
        for env in ["dev", "staging", "production", "dr", "rendered"] {
            // The rendered stage's Application reads its stage branch, which holds plain YAML.
            let (path, revision) = if env == "rendered" {
                (".".to_owned(), "stage/rendered")
            } else {
                (format!("overlays/{env}"), "main")
            };
            let app = format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web-{env}}}\nspec:\n  source: {{repoURL: '{remote}', path: {path}, targetRevision: {revision}}}\n  destination: {{name: dev, namespace: {env}}}\n  syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n"
            );
            std::fs::create_dir_all(&control).unwrap();
            std::fs::write(control.join(format!("app-{env}.yaml")), app).unwrap();
        }
        let warehouse = format!(
            "apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: web}}\nspec:\n  subscriptions:\n    - image: {{repoURL: {IMAGE}}}\n"
        );
        std::fs::write(control.join("warehouse.yaml"), warehouse).unwrap();
        let pipeline = format!(
            "apiVersion: ferry.dev/v1alpha1
kind: Pipeline
metadata: {{name: web}}
spec:
  stages:
    - name: dev
      applications: [web-dev]
      accepts: {{warehouse: web}}
{}    - name: staging
      applications: [web-staging]
      accepts: {{upstream: [dev]}}
      autoPromote: true
      gates: {{policy: {{path: policies}}}}
      verification:
        command: {{run: [sh, -c, 'test ! -e {{DIR}}/broken && echo smoke test passed for $FERRY_FREIGHT'], timeout: 30s}}
{}    - name: production
      applications: [web-production]
      accepts: {{upstream: [staging]}}
      autoPromote: true
      approvals:
        required: 2
        from: {{users: [alice, bob, carol]}}
{production_extra}{}    - name: dr
      kind: dr
      follows: production
      applications: [web-dr]
      verification:
        job: {{image: registry.local/acme/smoke:1, command: [make, smoke-test], timeout: 30s}}
{}    - name: rendered
      applications: [web-rendered]
      accepts: {{upstream: [dev]}}
      steps:
        - uses: git-clone
          with: {{repoURL: '{{REMOTE}}', branch: main, stageBranch: {{branch: stage/rendered}}}}
        - uses: kustomize-set-image
          with: {{path: repo/overlays/rendered, images: [{{image: {IMAGE}}}]}}
        - uses: render
          with: {{path: repo/overlays/rendered, outPath: out}}
        - uses: git-commit
          with: {{path: out}}
        - uses: git-push
          with: {{path: out}}
        - uses: argocd-sync
        - uses: wait-healthy
          with: {{timeout: 20s}}
",
            steps("dev"),
            steps("staging"),
            steps("production"),
            steps("dr")
        )
        .replace("{REMOTE}", &remote)
        .replace("{DIR}", &self.dir.path().display().to_string());
        std::fs::write(control.join("pipeline.yaml"), pipeline).unwrap();
        std::fs::create_dir_all(control.join("policies")).unwrap();
        std::fs::write(control.join("policies/disallowed-tags.yaml"), DISALLOWED_TAGS).unwrap();
        let health = control.join("resource_customizations/apps/Deployment");
        std::fs::create_dir_all(&health).unwrap();
        std::fs::write(health.join("health.lua"), HEALTH_LUA).unwrap();
    }

    async fn promoter(&self) -> Promoter {
        crate::fixture::promoter(self.dir.path()).await
    }

    /// Records a Freight holding `IMAGE:tag`, as the Warehouse would.
    async fn freight(&self, p: &Promoter, tag: &str, created: i64) -> FreightRecord {
        let digest = format!("sha256:{:064x}", tag.len() as u64 * 7919 + created as u64);
        let revision = Revision::Image { repo_url: IMAGE.into(), digest, tag: Some(tag.into()) };
        let f = Freight::new("web", vec![revision], created);
        let record = FreightRecord {
            id: f.id.hex(),
            alias: f.alias.clone(),
            warehouse: f.origin.clone(),
            revisions: serde_json::to_value(&f.revisions).unwrap(),
            authors: vec!["dave@example.com".into()],
            created_at: created,
        };
        assert!(p.engine.store.insert_freight(&record).await.unwrap());
        record
    }

    /// The overlay's pinned tag on the remote's main branch.
    fn pinned(&self, env: &str) -> String {
        let text = git(&self.remote, &["show", &format!("main:overlays/{env}/kustomization.yaml")]);
        assert!(text.starts_with(&format!("# {env}: the image")), "comments and layout are kept:\n{text}");
        text.lines().find_map(|l| l.trim().strip_prefix("newTag: ")).unwrap().trim_matches('"').to_owned()
    }

    fn commits(&self) -> usize {
        git(&self.remote, &["rev-list", "--count", "main"]).parse().unwrap()
    }
}

/// The image the Deployment of a Stage runs in the cluster.
async fn running_image(p: &Promoter, env: &str) -> String {
    let app = p.engine.application(&format!("web-{env}")).unwrap().value.clone();
    let client = p.engine.cluster_of(&app).await.unwrap();
    let obj = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": env}});
    let live = client.get(&obj).await.unwrap().expect("the Deployment exists");
    live["spec"]["template"]["spec"]["containers"][0]["image"].as_str().unwrap().to_owned()
}

fn approval(freight: &str, user: &str) -> DecisionRequest {
    DecisionRequest {
        pipeline: None,
        stage: "production".into(),
        freight: freight.into(),
        user: user.into(),
        groups: vec![],
        decision: Decision::Approved,
        comment: "looks good".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freight_flows_to_staging_by_itself_and_waits_for_two_approvals_before_production() {
    let world = World::new().await;
    let p = world.promoter().await;
    let f = world.freight(&p, "1.2.0", 1_000).await;
    let before = world.commits();

    let decisions = p.tick().await.unwrap();
    let prod = decisions.iter().find(|(s, _)| s == "web/production").map(|(_, n)| n.clone()).unwrap();
    assert!(matches!(&prod, Next::Wait { reason, .. } if reason.contains("waiting for 2 approval")), "{prod:?}");
    assert_eq!(world.pinned("dev"), "1.2.0");
    assert_eq!(world.pinned("staging"), "1.2.0");
    assert_eq!(world.pinned("production"), "0.0.1", "production waits for approvals");
    assert_eq!(world.commits(), before + 2, "one commit per stage");
    assert_eq!(world.pinned("dr"), "0.0.1", "dr waits for production");
    assert_eq!(running_image(&p, "dev").await, format!("{IMAGE}:1.2.0"));
    assert_eq!(running_image(&p, "staging").await, format!("{IMAGE}:1.2.0"));

    // Approvals: by a named approver, twice by the same (counted once), by someone not allowed
    // (refused), and by the author of a commit in the Freight (refused).
    assert!(p.decide(&approval(&f.alias, "alice")).await.unwrap().counted);
    let again = p.decide(&approval(&f.alias, "alice")).await.unwrap();
    assert!(!again.counted && !again.verdict.passes(), "{:?}", again.verdict);
    let refused = p.decide(&approval(&f.alias, "mallory")).await.unwrap_err();
    assert!(matches!(&refused, PromotionError::Refused(m) if m.contains("may not approve")), "{refused}");
    let manual = PromoteRequest {
        pipeline: None,
        stage: "production".into(),
        freight: f.alias.clone(),
        requested_by: "alice".into(),
        override_window: None,
    };
    let blocked = p.promote(&manual).await.unwrap_err();
    assert!(
        matches!(&blocked, PromotionError::Blocked { reasons, .. } if reasons.contains("1 of 2 approvals")),
        "{blocked}"
    );
    let done = p.decide(&approval(&f.alias, "bob")).await.unwrap();
    assert!(done.verdict.passes(), "{:?}", done.verdict);

    p.tick().await.unwrap();
    assert_eq!(world.pinned("production"), "1.2.0");
    assert_eq!(running_image(&p, "production").await, format!("{IMAGE}:1.2.0"));
    assert_eq!(world.pinned("dr"), "1.2.0", "the dr stage follows production by itself");
    assert_eq!(running_image(&p, "dr").await, format!("{IMAGE}:1.2.0"));
    // The dr Stage's verification ran a Job in its Application's cluster and namespace.
    let dr = p.engine.store.promotions("web", "dr", 1).await.unwrap();
    let checks = dr[0].verification.as_ref().map(|v| v["checks"].to_string()).unwrap_or_default();
    assert!(checks.contains("Job dr/ferry-verify-dr-") && checks.contains("in cluster dev completed"), "{checks}");
    assert_eq!(dr[0].phase, PromotionPhase::Succeeded);
    let history = p.engine.store.promotions("web", "production", 10).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].phase, history[0].requested_by.as_str()), (PromotionPhase::Succeeded, "ferry"));
    let log = p.engine.store.audit_log(Some("web/production"), 50).await.unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    for expected in [
        "approval.recorded",
        "approval.repeated",
        "approval.refused",
        "promotion.refused",
        "promotion.started",
        "promotion.succeeded",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    assert!(log.iter().any(|e| e.action == "approval.refused" && e.actor == "mallory"));
    assert_eq!(p.engine.store.verify_audit_chain().await.unwrap().map(|n| n > 5), Ok(true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_verification_rolls_the_stage_back_by_a_commit() {
    let world = World::new().await;
    let p = world.promoter().await;
    let good = world.freight(&p, "1.0.0", 1_000).await;
    let bad = world.freight(&p, "bad", 2_000).await;
    let promote = |f: &FreightRecord| PromoteRequest {
        pipeline: None,
        stage: "dev".into(),
        freight: f.id[..8].to_owned(),
        requested_by: "carol".into(),
        override_window: None,
    };
    let first = p.promote(&promote(&good)).await.unwrap();
    assert_eq!(first.phase, PromotionPhase::Succeeded, "{}", first.message);
    let failed = p.promote(&promote(&bad)).await.unwrap();
    assert_eq!(failed.phase, PromotionPhase::Failed);
    assert!(
        failed.message.contains("not Synced and Healthy") || failed.message.contains("Degraded"),
        "{}",
        failed.message
    );
    let history = p.engine.store.promotions("web", "dev", 10).await.unwrap();
    assert_eq!(history[0].kind, PromotionKind::Rollback, "a rollback followed");
    assert_eq!((history[0].phase, history[0].freight_id.as_str()), (PromotionPhase::Succeeded, good.id.as_str()));
    assert_eq!(world.pinned("dev"), "1.0.0", "the rollback is a commit restoring the verified tag");
    assert_eq!(running_image(&p, "dev").await, format!("{IMAGE}:1.0.0"));
    let dev = p.stage(None, "dev").unwrap();
    let next = p.next_for(dev).await.unwrap();
    assert!(matches!(&next, Next::Wait { reason, .. } if reason.contains("failed here")), "{next:?}");

    // By hand: roll back needs a verified Freight other than the current one.
    let err = p.rollback(None, "dev", Some(&bad.alias), "carol").await.unwrap_err();
    assert!(err.to_string().contains("never verified"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promotion_interrupted_after_its_push_resumes_without_a_second_commit() {
    let world = World::new().await;
    let p = world.promoter().await;
    let f = world.freight(&p, "2.0.0", 1_000).await;
    let before = world.commits();
    assert_eq!(
        p.promote(&PromoteRequest {
            pipeline: None,
            stage: "dev".into(),
            freight: f.alias.clone(),
            requested_by: "carol".into(),
            override_window: None,
        })
        .await
        .unwrap()
        .phase,
        PromotionPhase::Succeeded
    );
    assert_eq!(world.commits(), before + 1);

    // A crash right after the push: the promotion row still says Running at step 0.
    let pool = sqlx_pool(&world).await;
    sqlx_exec(
        &pool,
        "UPDATE promotions SET phase = 'Running', deployed = 0, next_step = 0, commit_sha = NULL, finished_at = NULL",
    )
    .await;
    let again = world.promoter().await;
    let resumed = again.resume().await.unwrap();
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0].phase, PromotionPhase::Succeeded, "{}", resumed[0].message);
    assert_eq!(world.commits(), before + 1, "the resumed promotion found its commit already pushed");
    assert_eq!(world.pinned("dev"), "2.0.0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_clearly() {
    let world = World::new().await;
    let p = world.promoter().await;
    let f = world.freight(&p, "1.0.0", 1_000).await;
    let req = |stage: &str, freight: &str| PromoteRequest {
        pipeline: None,
        stage: stage.into(),
        freight: freight.into(),
        requested_by: "carol".into(),
        override_window: None,
    };
    let unknown = p.promote(&req("qa", &f.alias)).await.unwrap_err().to_string();
    assert!(unknown.contains("no stage \"qa\"") && unknown.contains("dev, staging, production"), "{unknown}");
    let missing = p.promote(&req("dev", "no-such-freight-1")).await.unwrap_err().to_string();
    assert!(missing.contains("no freight \"no-such-freight-1\""), "{missing}");
    let early = p.promote(&req("staging", &f.alias)).await.unwrap_err().to_string();
    assert!(early.contains("not verified in `dev`"), "{early}");
    let author = p.decide(&approval(&f.alias, "dave")).await.unwrap_err().to_string();
    assert!(author.contains("may not approve"), "{author}");
    assert_eq!(p.engine.store.promotions("web", "staging", 10).await.unwrap().len(), 0, "nothing ran");
}

async fn sqlx_pool(world: &World) -> sqlx::SqlitePool {
    let path = world.dir.path().join("state/ferry.db");
    sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap()
}

async fn sqlx_exec(pool: &sqlx::SqlitePool, sql: &'static str) {
    sqlx::query(sql).execute(pool).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_verification_command_rolls_staging_back() {
    let world = World::new().await;
    let p = world.promoter().await;
    let v1 = world.freight(&p, "1.0.0", 1_000).await;
    let v2 = world.freight(&p, "1.1.0", 2_000).await;
    let promote = |f: &FreightRecord, stage: &str| PromoteRequest {
        pipeline: None,
        stage: stage.into(),
        freight: f.alias.clone(),
        requested_by: "carol".into(),
        override_window: None,
    };
    for (f, stage) in [(&v1, "dev"), (&v1, "staging"), (&v2, "dev")] {
        let rec = p.promote(&promote(f, stage)).await.unwrap();
        assert_eq!(rec.phase, PromotionPhase::Succeeded, "{stage}: {}", rec.message);
    }
    let staged = p.engine.store.promotions("web", "staging", 1).await.unwrap();
    let report = staged[0].verification.as_ref().unwrap().to_string();
    assert!(report.contains("smoke test passed for") && report.contains(&v1.alias), "{report}");

    std::fs::write(world.dir.path().join("broken"), "").unwrap();
    let failed = p.promote(&promote(&v2, "staging")).await.unwrap();
    assert_eq!(failed.phase, PromotionPhase::Failed);
    assert!(failed.message.starts_with("verification failed: command"), "{}", failed.message);
    let history = p.engine.store.promotions("web", "staging", 10).await.unwrap();
    assert_eq!(
        (history[0].kind, history[0].phase),
        (PromotionKind::Rollback, PromotionPhase::Failed),
        "the rollback is verified too, and the check still fails"
    );
    assert_eq!(history[0].freight_id, v1.id);
    assert_eq!(world.pinned("staging"), "1.0.0", "rolled back by a commit");
    assert_eq!(
        p.engine.store.promotions("web", "staging", 10).await.unwrap().len(),
        3,
        "a failed rollback does not roll back again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_policy_finding_stops_the_promotion_before_its_push() {
    let world = World::new().await;
    let p = world.promoter().await;
    let latest = world.freight(&p, "latest", 1_000).await;
    let req = |stage: &str| PromoteRequest {
        pipeline: None,
        stage: stage.into(),
        freight: latest.alias.clone(),
        requested_by: "carol".into(),
        override_window: None,
    };
    assert_eq!(p.promote(&req("dev")).await.unwrap().phase, PromotionPhase::Succeeded, "dev has no policy gate");
    let before = world.commits();
    let stopped = p.promote(&req("staging")).await.unwrap();
    assert_eq!(stopped.phase, PromotionPhase::Errored);
    assert!(
        stopped.message.contains("policy K8sDisallowedTags/no-latest")
            && stopped.message.contains("disallowed tag <latest>"),
        "{}",
        stopped.message
    );
    assert_eq!(world.commits(), before, "nothing was pushed");
    assert_eq!(world.pinned("staging"), "0.0.1");
    assert!(!stopped.deployed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_freeze_window_refuses_promotion_unless_overridden_and_audited() {
    let freeze = "      windows: [{kind: deny, days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun], start: \"00:00\", end: \"24:00\", timezone: Europe/Berlin}]\n";
    let world = World::with_production(freeze).await;
    let p = world.promoter().await;
    let f = world.freight(&p, "3.0.0", 1_000).await;
    let req = |stage: &str, override_window: Option<&str>| PromoteRequest {
        pipeline: None,
        stage: stage.into(),
        freight: f.alias.clone(),
        requested_by: "alice".into(),
        override_window: override_window.map(str::to_owned),
    };
    for stage in ["dev", "staging"] {
        assert_eq!(p.promote(&req(stage, None)).await.unwrap().phase, PromotionPhase::Succeeded);
    }
    for user in ["alice", "bob"] {
        p.decide(&approval(&f.alias, user)).await.unwrap();
    }
    let prod = p.stage(None, "production").unwrap();
    let next = p.next_for(prod).await.unwrap();
    assert!(matches!(&next, Next::Wait { reason, .. } if reason.contains("deny window")), "{next:?}");
    let refused = p.promote(&req("production", None)).await.unwrap_err().to_string();
    assert!(refused.contains("deny window") && refused.contains("Europe/Berlin"), "{refused}");
    let done = p.promote(&req("production", Some("INC-42 hotfix"))).await.unwrap();
    assert_eq!(done.phase, PromotionPhase::Succeeded, "{}", done.message);
    let log = p.engine.store.audit_log(Some("web/production"), 20).await.unwrap();
    let overridden = log.iter().find(|e| e.action == "window.overridden").expect("the override is audited");
    assert_eq!(overridden.actor, "alice");
    assert_eq!(overridden.detail["reason"], "INC-42 hotfix");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_that_is_down_backs_off_without_holding_up_other_warehouses() {
    let world = World::new().await;
    let control = world.dir.path().join("control");
    let warehouses = format!(
        "apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: web}}\nspec:\n  interval: 10m\n  subscriptions:\n    - image: {{repoURL: 127.0.0.1:9/acme/web}}\n---\napiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: config}}\nspec:\n  subscriptions:\n    - git: {{repoURL: '{}', branch: main}}\n",
        world.remote.display()
    );
    std::fs::write(control.join("warehouse.yaml"), warehouses).unwrap();
    let p = world.promoter().await;

    let mut outcomes = p.poll_due().await.unwrap();
    outcomes.sort_by(|a, b| a.warehouse.cmp(&b.warehouse));
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes[0].new_freight.is_some(), "the Git warehouse made Freight: {:?}", outcomes[0]);
    let down = outcomes[1].error.as_deref().unwrap_or_default();
    assert!(down.contains("127.0.0.1:9"), "the error names the registry: {down}");
    let polls = p.engine.store.warehouse_polls().await.unwrap();
    let web = polls.iter().find(|w| w.warehouse == "web").unwrap();
    assert_eq!((web.failures, web.next_poll - web.polled_at), (1, 10), "first retry after 10 s, not the 10 m interval");
    assert!(p.poll_due().await.unwrap().is_empty(), "nothing is due again at once");

    let again = p.refresh("web").await.unwrap();
    assert!(again.error.is_some());
    let polls = p.engine.store.warehouse_polls().await.unwrap();
    let web = polls.iter().find(|w| w.warehouse == "web").unwrap();
    assert_eq!((web.failures, web.next_poll - web.polled_at), (2, 20), "the backoff doubles");
    let freight = p.engine.store.freight_list(Some("config"), 10).await.unwrap();
    assert_eq!(freight.len(), 1);
    let log = p.engine.store.audit_log(Some("warehouse/config"), 10).await.unwrap();
    assert_eq!(log[0].action, "freight.created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_render_step_commits_plain_manifests_to_a_stage_branch() {
    let world = World::new().await;
    let p = world.promoter().await;
    let f = world.freight(&p, "4.1.0", 1_000).await;
    let before = world.commits();
    for stage in ["dev", "rendered"] {
        let req = PromoteRequest {
            pipeline: None,
            stage: stage.into(),
            freight: f.alias.clone(),
            requested_by: "carol".into(),
            override_window: None,
        };
        let rec = p.promote(&req).await.unwrap();
        assert_eq!(rec.phase, PromotionPhase::Succeeded, "{stage}: {}", rec.message);
    }
    let rendered = git(&world.remote, &["show", "stage/rendered:manifests.yaml"]);
    assert!(rendered.contains(&format!("image: {IMAGE}:4.1.0")), "{rendered}");
    assert!(rendered.contains("namespace: rendered") && rendered.contains("kind: Deployment"), "{rendered}");
    let files = git(&world.remote, &["ls-tree", "--name-only", "stage/rendered"]);
    assert_eq!(files, "manifests.yaml", "the stage branch holds only the rendered manifests");
    assert_eq!(world.commits(), before + 1, "main got dev's commit only; the render went to the stage branch");
    assert_eq!(world.pinned("rendered"), "0.0.1", "the source overlay on main is untouched");
    assert_eq!(running_image(&p, "rendered").await, format!("{IMAGE}:4.1.0"));
}

/// Writes `text` to a file outside the control folder, for a Notifier's `fromFile`.
fn secret_file(world: &World, name: &str, text: &str) -> String {
    let path = world.dir.path().join("secrets").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollbacks_failed_verifications_and_waiting_approvals_are_notified_once_without_secrets() {
    let world = World::new().await;
    let (receiver, base) = crate::receiver::Receiver::start().await;
    let slack = secret_file(&world, "slack", &format!("{base}/services/T0/B0/s3cr3t-slack-token\n"));
    let teams = secret_file(&world, "teams", &format!("{base}/teams/s3cr3t-teams-token"));
    let pd_key = secret_file(&world, "pd", "s3cr3t-routing-key");
    let hook_auth = secret_file(&world, "hook", "Bearer s3cr3t-hook-token");
    let notifiers = format!(
        "apiVersion: ferry.dev/v1alpha1
kind: Notifier
metadata: {{name: dev-slack}}
spec:
  on: [verification-failed, rollback, promotion-succeeded]
  stages: [dev]
  slack: {{webhookURL: {{fromFile: {slack}}}}}
---
apiVersion: ferry.dev/v1alpha1
kind: Notifier
metadata: {{name: teams}}
spec:
  on: [rollback]
  pipelines: [web]
  teams: {{webhookURL: {{fromFile: {teams}}}}}
---
apiVersion: ferry.dev/v1alpha1
kind: Notifier
metadata: {{name: pager}}
spec:
  on: [rollback, promotion-succeeded]
  stages: [dev]
  pagerduty: {{routingKey: {{fromFile: {pd_key}}}, url: '{base}/v2/enqueue', severity: critical}}
---
apiVersion: ferry.dev/v1alpha1
kind: Notifier
metadata: {{name: approvers}}
spec:
  on: [approval-needed]
  webhook: {{url: '{base}/hook', headers: {{Authorization: {{fromFile: {hook_auth}}}}}}}
"
    );
    std::fs::write(world.dir.path().join("control/notify.yaml"), notifiers).unwrap();
    let p = world.promoter().await;
    let good = world.freight(&p, "1.0.0", 1_000).await;
    let bad = world.freight(&p, "bad", 2_000).await;
    let promote = |f: &FreightRecord| PromoteRequest {
        pipeline: None,
        stage: "dev".into(),
        freight: f.alias.clone(),
        requested_by: "carol".into(),
        override_window: None,
    };
    assert_eq!(p.promote(&promote(&good)).await.unwrap().phase, PromotionPhase::Succeeded);
    assert_eq!(p.promote(&promote(&bad)).await.unwrap().phase, PromotionPhase::Failed);

    // Slack: good verified, bad failed its verification, the rollback, the rollback verified.
    let texts: Vec<String> = receiver
        .bodies("/services/T0/B0/s3cr3t-slack-token")
        .iter()
        .map(|r| r.body["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts.len(), 4, "{texts:#?}");
    assert!(texts[0].contains(&format!("*{} is verified in web/dev*", good.alias)), "{}", texts[0]);
    assert!(texts[1].contains(&format!("*verification of {} in web/dev failed*", bad.alias)), "{}", texts[1]);
    assert!(texts[1].contains("Degraded") || texts[1].contains("not Synced and Healthy"), "{}", texts[1]);
    assert!(texts[2].contains(&format!("*web/dev is rolled back to {}*", good.alias)), "{}", texts[2]);
    assert!(texts[3].contains(&format!("*rollback to {} is verified in web/dev*", good.alias)), "{}", texts[3]);

    // Teams: one MessageCard for the rollback.
    let cards = receiver.bodies("/teams/s3cr3t-teams-token");
    assert_eq!(cards.len(), 1, "{cards:#?}");
    assert_eq!(cards[0].body["@type"], "MessageCard");
    assert_eq!(cards[0].body["sections"][0]["facts"][1]["value"], "dev");

    // PagerDuty: resolve (verified), trigger (rollback), resolve (rollback verified), one alert per Stage.
    let pd = receiver.bodies("/v2/enqueue");
    let actions: Vec<&str> = pd.iter().map(|r| r.body["event_action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["resolve", "trigger", "resolve"]);
    assert!(pd.iter().all(|r| r.body["dedup_key"] == "ferry/web/dev" && r.body["routing_key"] == "s3cr3t-routing-key"));
    assert_eq!(
        (pd[1].body["payload"]["severity"].as_str(), pd[1].body["payload"]["source"].as_str()),
        (Some("critical"), Some("ferry"))
    );

    // Production waits for approvals: the webhook is told once; its first answer is 503, so the
    // message is sent again after the backoff.
    receiver.fail("/hook", 1);
    p.tick().await.unwrap();
    assert_eq!(world.pinned("staging"), "1.0.0");
    let hook = receiver.bodies("/hook");
    assert_eq!(hook.len(), 1, "{hook:#?}");
    let outbox = p.engine.store.notifications(50).await.unwrap();
    let waiting = outbox.iter().find(|n| n.event == "approval-needed").unwrap();
    assert_eq!(
        (waiting.attempts, waiting.delivered_at, waiting.last_error.as_str()),
        (1, None, "webhook webhook answered HTTP 503")
    );
    let later = waiting.next_attempt;
    assert_eq!(
        ferry_controller::notify::deliver_due(&p.engine.store, &p.engine.config.notifiers, later).await.unwrap(),
        1
    );
    let hook = receiver.bodies("/hook");
    assert_eq!(hook.len(), 2);
    let body = &hook[1].body;
    assert_eq!(
        (body["event"].as_str(), body["stage"].as_str(), body["freight"].as_str()),
        (Some("approval-needed"), Some("production"), Some(good.alias.as_str()))
    );
    assert!(
        body["message"].as_str().unwrap().contains(&format!("ferry approve {} --stage production", good.alias)),
        "{body}"
    );
    assert_eq!(hook[1].authorization.as_deref(), Some("Bearer s3cr3t-hook-token"));
    p.tick().await.unwrap();
    assert_eq!(receiver.bodies("/hook").len(), 2, "a waiting Freight is notified once");

    // No credential in the outbox, the promotions or the audit log.
    let recorded = serde_json::to_string(&p.engine.store.notifications(50).await.unwrap()).unwrap();
    let audit = serde_json::to_string(&p.engine.store.audit_log(None, 500).await.unwrap()).unwrap();
    let promotions = serde_json::to_string(&p.engine.store.promotions("web", "dev", 50).await.unwrap()).unwrap();
    for text in [&recorded, &audit, &promotions] {
        assert!(!text.contains("s3cr3t"), "a credential was recorded: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_verification_in_one_pipeline_does_not_hold_up_another() {
    let world = World::new().await;
    let control = world.dir.path().join("control");
    let release = world.dir.path().join("release-slow");
    let remote = world.remote.display().to_string();
    // The slow Pipeline's Stage writes its Application in place (source + destination).
    std::fs::write(
        control.join("pipeline-slow.yaml"),
        format!("apiVersion: ferry.dev/v1alpha1\nkind: Pipeline\nmetadata: {{name: slow}}\nspec:\n  stages:\n    - name: soak-test\n      source: {{repoURL: '{remote}', path: base, targetRevision: main}}\n      destination: {{name: dev, namespace: slow}}\n      syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n      accepts: {{warehouse: web}}\n      verification:\n        command: {{run: [sh, -c, 'while [ ! -e {} ]; do sleep 0.05; done'], timeout: 2m}}\n", release.display()),
    )
    .unwrap();
    let p = world.promoter().await;
    world.freight(&p, "2.0.0", 1_000).await;
    let ticking = tokio::spawn({
        let p = p.clone();
        async move { p.tick().await.unwrap() }
    });
    // The slow Pipeline verifies until released; meanwhile the web Pipeline moves on.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while world.pinned("staging") != "2.0.0" {
        assert!(std::time::Instant::now() < deadline, "the web pipeline was held up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let slow = p.engine.store.promotions("slow", "soak-test", 1).await.unwrap();
    assert_eq!(slow[0].phase, PromotionPhase::Verifying, "still verifying while web moved on");
    std::fs::write(&release, "").unwrap();
    let decisions = ticking.await.unwrap();
    let subjects: Vec<&str> = decisions.iter().map(|(s, _)| s.as_str()).collect();
    // Pipelines in file order (pipeline-slow.yaml sorts first), each upstream first.
    assert_eq!(subjects[..3], ["slow/soak-test", "web/dev", "web/staging"], "{subjects:?}");
    let slow = p.engine.store.promotions("slow", "soak-test", 1).await.unwrap();
    assert_eq!(slow[0].phase, PromotionPhase::Succeeded, "{}", slow[0].message);
    let app = p.engine.application("slow-soak-test").unwrap().value.clone();
    let client = p.engine.cluster_of(&app).await.unwrap();
    let web = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "slow"}});
    assert!(client.get(&web).await.unwrap().is_some(), "the Stage's own Application was synced");
}
