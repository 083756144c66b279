//! The `vulnerabilities` gate of a Stage end to end: images in a real `docker-registry` (no
//! referrers API) with scan reports attached as `oras attach` leaves them (the referrers tag
//! schema), a Pipeline whose Stages gate on a `VulnerabilityPolicy`, a configuration repository
//! the promotion pushes to, and Ferry's local cluster it syncs into.

use std::path::{Path, PathBuf};

use ferry_controller::promotion::{PromoteRequest, Promoter};
use ferry_core::freight::{Freight, Revision};
use ferry_localkube::LocalKube;
use ferry_store::{FreightRecord, PromotionPhase};

#[path = "../../../ferry-source/tests/discovery/registry.rs"]
#[allow(dead_code)]
mod registry;

use registry::{Pushed, Registry};

const TRIVY: &str = "application/vnd.aquasecurity.trivy.report+json";
const GRYPE: &str = "application/vnd.anchore.grype+json";

const POLICY: &str = "\
apiVersion: ferry.dev/v1alpha1
kind: VulnerabilityPolicy
spec:
  environments:
    staging: {maxCritical: 0, maxHigh: 2, fixableOnly: true}
  suppressions:
  - {id: CVE-2020-0001, expires: 2020-01-31, reason: waiting for the vendor}
";

/// A registry with `acme/web`, a configuration repository and a control folder whose Stages
/// `staging` (reports required) and `lenient` (the same thresholds, reports optional) gate on
/// the images' vulnerabilities.
struct World {
    _lk: LocalKube,
    registry: Registry,
    dir: tempfile::TempDir,
    remote: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> String {
    crate::support::git(dir, dir, args)
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let lk = crate::fixture::cluster(dir.path()).await;
        let registry = Registry::start().await;
        let remote = dir.path().join("deploy.git");
        let world = World { _lk: lk, registry, dir, remote };
        world.seed();
        world.control();
        world
    }

    fn image(&self) -> String {
        format!("{}/acme/web", self.registry.host)
    }

    /// The configuration repository: a Deployment and one overlay per Stage.
    fn seed(&self) {
        let seed = self.dir.path().join("seed");
        std::fs::create_dir_all(&seed).unwrap();
        git(self.dir.path(), &["init", "-q", "--bare", self.remote.to_str().unwrap()]);
        git(&seed, &["init", "-q"]);
        let deployment = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - {{name: web, image: '{}:0.0.1'}}\n",
            self.image()
        );
        let mut files = vec![
            ("base/deployment.yaml".to_owned(), deployment),
            ("base/kustomization.yaml".to_owned(), "resources: [deployment.yaml]\n".to_owned()),
        ];
        for env in ["staging", "lenient"] {
            let overlay = format!(
                "resources:\n  - ../../base\nnamespace: {env}\nimages:\n  - name: '{}'\n    newTag: 0.0.1\n",
                self.image()
            );
            files.push((format!("overlays/{env}/kustomization.yaml"), overlay));
        }
        for (path, text) in &files {
            let p = seed.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        git(&seed, &["add", "-A"]);
        git(&seed, &["commit", "-q", "-m", "seed"]);
        git(&seed, &["push", "-q", self.remote.to_str().unwrap(), "HEAD:main"]);
    }

    fn control(&self) {
        let control = self.dir.path().join("control");
        std::fs::create_dir_all(&control).unwrap();
        let remote = self.remote.display().to_string();
        let mut stages = String::new();
        for (env, gate) in [
            ("staging", "{policy: vuln-policy.yaml}"),
            ("lenient", "{policy: vuln-policy.yaml, environment: staging, requireReports: false}"),
        ] {
            let app = format!(
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: web-{env}}}\nspec:\n  source: {{repoURL: '{remote}', path: overlays/{env}, targetRevision: main}}\n  destination: {{name: dev, namespace: {env}}}\n  syncPolicy: {{syncOptions: [CreateNamespace=true]}}\n"
            );
            std::fs::write(control.join(format!("app-{env}.yaml")), app).unwrap();
            stages.push_str(&format!(
                "    - name: {env}
      applications: [web-{env}]
      accepts: {{warehouse: web}}
      gates: {{vulnerabilities: {gate}}}
      steps:
        - uses: git-clone
          with: {{repoURL: '{remote}', branch: main}}
        - uses: kustomize-set-image
          with: {{path: repo/overlays/{env}, images: [{{image: '{image}'}}]}}
        - uses: git-commit
        - uses: git-push
        - uses: argocd-sync
        - uses: wait-healthy
          with: {{timeout: 20s}}
",
                image = self.image()
            ));
        }
        let warehouse = format!(
            "apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata: {{name: web}}\nspec:\n  subscriptions:\n    - image: {{repoURL: '{}'}}\n",
            self.image()
        );
        std::fs::write(control.join("warehouse.yaml"), warehouse).unwrap();
        let pipeline = format!(
            "apiVersion: ferry.dev/v1alpha1\nkind: Pipeline\nmetadata: {{name: web}}\nspec:\n  stages:\n{stages}"
        );
        std::fs::write(control.join("pipeline.yaml"), pipeline).unwrap();
        std::fs::write(control.join("vuln-policy.yaml"), POLICY).unwrap();
    }

    async fn promoter(&self) -> Promoter {
        crate::fixture::promoter(self.dir.path()).await
    }

    /// Pushes `acme/web:tag`, built at a distinct time so each tag has its own digest.
    async fn push(&self, tag: &str) -> Pushed {
        self.registry.push_image("acme/web", Some(tag), &format!("2024-01-01T00:00:{:02}Z", tag.len()), "amd64").await
    }

    /// Records a Freight holding `repo:tag@digest`, as the Warehouse would.
    async fn freight(&self, p: &Promoter, repo: &str, tag: &str, digest: &str) -> FreightRecord {
        self.freight_of(p, vec![image(repo, tag, digest)]).await
    }

    async fn freight_of(&self, p: &Promoter, revisions: Vec<Revision>) -> FreightRecord {
        let f = Freight::new("web", revisions, 1_000);
        let record = FreightRecord {
            id: f.id.hex(),
            alias: f.alias.clone(),
            warehouse: f.origin.clone(),
            revisions: serde_json::to_value(&f.revisions).unwrap(),
            authors: vec!["dave@example.com".into()],
            created_at: 1_000,
        };
        assert!(p.engine.store.insert_freight(&record).await.unwrap());
        record
    }

    fn commits(&self) -> usize {
        git(&self.remote, &["rev-list", "--count", "main"]).parse().unwrap()
    }

    fn pinned(&self, env: &str) -> String {
        let text = git(&self.remote, &["show", &format!("main:overlays/{env}/kustomization.yaml")]);
        text.lines().find_map(|l| l.trim().strip_prefix("newTag: ")).unwrap().trim_matches('"').to_owned()
    }
}

fn image(repo: &str, tag: &str, digest: &str) -> Revision {
    Revision::Image { repo_url: repo.into(), digest: digest.into(), tag: Some(tag.into()) }
}

fn request(stage: &str, freight: &FreightRecord) -> PromoteRequest {
    PromoteRequest {
        pipeline: None,
        stage: stage.into(),
        freight: freight.alias.clone(),
        requested_by: "carol".into(),
        override_window: None,
    }
}

/// A Trivy report of `image@digest` with the given (id, severity, fixed version) findings.
fn trivy(image: &str, digest: &str, vulns: &[(&str, &str, Option<&str>)]) -> Vec<u8> {
    let vulns: Vec<serde_json::Value> = vulns
        .iter()
        .map(|(id, severity, fixed)| {
            let mut v = serde_json::json!({"VulnerabilityID": id, "PkgName": "openssl", "InstalledVersion": "3.0.11-1", "Severity": severity});
            if let Some(fixed) = fixed {
                v["FixedVersion"] = (*fixed).into();
            }
            v
        })
        .collect();
    serde_json::json!({
        "SchemaVersion": 2, "ArtifactName": format!("{image}:1.0.0"), "ArtifactType": "container_image",
        "Metadata": {"RepoDigests": [format!("{image}@{digest}")]},
        "Results": [{"Target": "web (debian 12)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": vulns}],
    })
    .to_string()
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_critical_fixable_vulnerability_stops_the_promotion_before_its_push() {
    let world = World::new().await;
    let image = world.push("1.0.0").await;
    let report = trivy(
        &world.image(),
        &image.digest,
        &[("CVE-2024-0001", "CRITICAL", Some("3.0.13-1")), ("CVE-2020-0001", "HIGH", Some("3.0.12-1"))],
    );
    world.registry.attach("acme/web", &image, TRIVY, &report, "2024-01-02T00:00:00Z").await;
    let p = world.promoter().await;
    let f = world.freight(&p, &world.image(), "1.0.0", &image.digest).await;
    let before = world.commits();

    let stopped = p.promote(&request("staging", &f)).await.unwrap();
    assert_eq!(stopped.phase, PromotionPhase::Errored, "{}", stopped.message);
    let needle = format!(
        "vulnerabilities maxCritical: {}@{}: maxCritical in staging: 1 found, 0 allowed",
        world.image(),
        image.digest
    );
    assert!(stopped.message.contains(&needle), "{}", stopped.message);
    assert!(stopped.message.contains("CVE-2024-0001 openssl@3.0.11-1"), "{}", stopped.message);
    assert!(!stopped.message.contains("maxHigh"), "one HIGH is within its limit: {}", stopped.message);
    assert_eq!(world.commits(), before, "nothing was pushed");
    assert_eq!(world.pinned("staging"), "0.0.1");
    assert!(!stopped.deployed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_report_passes_and_the_freight_is_promoted() {
    let world = World::new().await;
    let image = world.push("1.1.0").await;
    // Grype: a won't-fix CRITICAL (not fixable, so not counted) and a fixable LOW.
    let grype = serde_json::json!({
        "matches": [
            {"vulnerability": {"id": "CVE-2023-45853", "severity": "Critical", "fix": {"versions": [], "state": "wont-fix"}},
             "artifact": {"name": "zlib1g", "version": "1:1.2.13", "type": "deb"}},
            {"vulnerability": {"id": "CVE-2024-0727", "severity": "Low", "fix": {"versions": ["3.0.13"], "state": "fixed"}},
             "artifact": {"name": "openssl", "version": "3.0.11", "type": "deb"}},
        ],
        "source": {"type": "image", "target": {"userInput": format!("{}:1.1.0", world.image()), "manifestDigest": image.digest}},
    });
    world.registry.attach("acme/web", &image, GRYPE, grype.to_string().as_bytes(), "2024-01-02T00:00:00Z").await;
    let p = world.promoter().await;
    let f = world.freight(&p, &world.image(), "1.1.0", &image.digest).await;
    let before = world.commits();

    let done = p.promote(&request("staging", &f)).await.unwrap();
    assert_eq!(done.phase, PromotionPhase::Succeeded, "{}", done.message);
    assert_eq!(world.commits(), before + 1);
    assert_eq!(world.pinned("staging"), "1.1.0");
    let steps = serde_json::to_string(&done.steps).unwrap();
    assert!(
        steps.contains("expired-suppression") && steps.contains("CVE-2020-0001"),
        "the expired suppression is a warning in the record: {steps}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_without_a_report_blocks_unless_reports_are_optional() {
    let world = World::new().await;
    let image = world.push("2.0.0").await;
    let p = world.promoter().await;
    let f = world.freight(&p, &world.image(), "2.0.0", &image.digest).await;

    let stopped = p.promote(&request("staging", &f)).await.unwrap();
    assert_eq!(stopped.phase, PromotionPhase::Errored);
    let needle = format!("no vulnerability report is attached to {}@{}", world.image(), image.digest);
    assert!(stopped.message.contains(&needle), "{}", stopped.message);
    assert_eq!(world.pinned("staging"), "0.0.1");

    let lenient = p.promote(&request("lenient", &f)).await.unwrap();
    assert_eq!(lenient.phase, PromotionPhase::Succeeded, "{}", lenient.message);
    assert_eq!(world.pinned("lenient"), "2.0.0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbage_report_a_report_of_another_image_and_a_registry_that_is_down_block() {
    let world = World::new().await;
    let p = world.promoter().await;
    let before = world.commits();

    let garbage = world.push("3.0.0").await;
    world.registry.attach("acme/web", &garbage, TRIVY, b"<html>not a report</html>", "2024-01-02T00:00:00Z").await;
    let f = world.freight(&p, &world.image(), "3.0.0", &garbage.digest).await;
    let stopped = p.promote(&request("lenient", &f)).await.unwrap();
    assert_eq!(stopped.phase, PromotionPhase::Errored);
    assert!(
        stopped.message.contains("vulnerabilities report") && stopped.message.contains("not valid JSON"),
        "{}",
        stopped.message
    );

    let other = world.push("3.1.0").await;
    let theirs = world.push("3.2.0").await;
    let clean_of_theirs = trivy(&world.image(), &theirs.digest, &[]);
    world.registry.attach("acme/web", &other, TRIVY, &clean_of_theirs, "2024-01-02T00:00:00Z").await;
    let f = world.freight(&p, &world.image(), "3.1.0", &other.digest).await;
    let stopped = p.promote(&request("lenient", &f)).await.unwrap();
    assert_eq!(stopped.phase, PromotionPhase::Errored);
    assert!(
        stopped.message.contains(&format!("is a scan of another image ({})", theirs.digest)),
        "{}",
        stopped.message
    );

    let down =
        format!("127.0.0.1:{}", std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port());
    // The Freight's image is clean; its sidecar's registry cannot be reached.
    let clean = world.push("3.3.0").await;
    let report = trivy(&world.image(), &clean.digest, &[]);
    world.registry.attach("acme/web", &clean, TRIVY, &report, "2024-01-02T00:00:00Z").await;
    let revisions =
        vec![image(&world.image(), "3.3.0", &clean.digest), image(&format!("{down}/acme/sidecar"), "1", &clean.digest)];
    let f = world.freight_of(&p, revisions).await;
    let stopped = p.promote(&request("lenient", &f)).await.unwrap();
    assert_eq!(stopped.phase, PromotionPhase::Errored);
    assert!(
        stopped.message.contains("vulnerabilities registry") && stopped.message.contains(&down),
        "{}",
        stopped.message
    );
    assert_eq!(world.commits(), before, "nothing was pushed");
}
