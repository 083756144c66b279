//! Warehouses and Pipelines: the example control folder in `testdata/pipeline/good` with its
//! defaults, and each kind of mistake reported with file, line and field.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ferry_api::{
    Accepts, CommitSelectionStrategy, FreightCreationPolicy, ImageSelectionStrategy, Require, Schedule, StageKind,
    StepAction, Subscription, WindowKind, load_dir, parse_resources,
};

fn good() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pipeline/good")
}

/// The error messages for one file, with `file` as its name.
fn errors(text: &str) -> Vec<String> {
    let found = parse_resources(text, Path::new("ferry/pipeline.yaml")).expect_err("the text should be refused");
    found.iter().map(ToString::to_string).collect()
}

fn only_error(text: &str) -> String {
    let found = errors(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.into_iter().next().unwrap_or_default()
}

/// A Pipeline document with `stages` (indented by four spaces) as its stages.
fn pipeline(stages: &str) -> String {
    format!("apiVersion: ferry.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: web\nspec:\n  stages:\n{stages}")
}

/// A Warehouse document with `subscriptions` as its subscriptions.
fn warehouse(subscriptions: &str) -> String {
    format!(
        "apiVersion: ferry.dev/v1alpha1\nkind: Warehouse\nmetadata:\n  name: web\nspec:\n  subscriptions:\n{subscriptions}"
    )
}

#[test]
fn the_example_loads_with_its_defaults() {
    let config = load_dir(&good()).unwrap();
    assert_eq!(config.applications.len(), 4);
    let warehouse = &config.warehouse("web").unwrap().value.spec;
    assert_eq!(warehouse.interval, Duration::from_secs(120));
    assert_eq!(warehouse.freight_creation_policy, FreightCreationPolicy::Automatic);
    let Subscription::Image(image) = &warehouse.subscriptions[0] else { panic!("{warehouse:?}") };
    assert_eq!(image.image_selection_strategy, ImageSelectionStrategy::SemVer);
    assert_eq!(image.discovery_limit, 20);
    assert_eq!(image.ignore_tags, [r"-rc\d*$"]);
    let Subscription::Git(git) = &warehouse.subscriptions[1] else { panic!("{warehouse:?}") };
    assert_eq!(git.commit_selection_strategy, CommitSelectionStrategy::NewestFromBranch);

    let pipeline = &config.pipeline("web").unwrap().value;
    let names: Vec<&str> = pipeline.spec.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["dev", "staging", "production", "dr"]);
    let dev = pipeline.stage("dev").unwrap();
    assert!(dev.auto_promote, "a stage fed by a warehouse promotes by itself");
    assert!(dev.gates.secrets && dev.gates.schema.is_some(), "secrets and schema gates are on by default");
    assert!(dev.verification.health && dev.rollback.on_verification_failure);
    assert_eq!(dev.steps.len(), 6);
    let StepAction::GitPush(push) = &dev.steps[3].action else { panic!("{:?}", dev.steps[3]) };
    assert_eq!((push.path.as_str(), push.max_attempts), ("repo", 5));
    let production = pipeline.stage("production").unwrap();
    assert!(!production.auto_promote, "a stage fed by stages waits to be asked");
    assert_eq!(production.soak, Duration::from_secs(24 * 3600));
    assert!(matches!(&production.accepts, Some(Accepts::Upstream { require: Require::OneOf, .. })));
    let approvals = production.approvals.as_ref().unwrap();
    assert_eq!((approvals.required, approvals.from.users.len(), approvals.allow_commit_author), (2, 3, false));
    assert_eq!(production.windows[0].kind, WindowKind::Allow);
    assert!(matches!(production.windows[1].schedule, Schedule::Cron { .. }));
    assert_eq!(production.windows[1].timezone, "UTC");
    let dr = pipeline.stage("dr").unwrap();
    assert_eq!(
        (dr.kind, dr.follows.as_ref().map(|f| f.name.as_str()), dr.auto_promote),
        (StageKind::Dr, Some("production"), true)
    );
    let prometheus = &pipeline.stage("staging").unwrap().verification.prometheus[0];
    assert_eq!((prometheus.count, prometheus.failure_limit, prometheus.consecutive_error_limit), (5, 1, 4));
}

#[test]
fn resources_serialize_as_written() {
    let config = load_dir(&good()).unwrap();
    let json = serde_json::to_value(&config.pipeline("web").unwrap().value).unwrap();
    assert_eq!(json["spec"]["stages"][0]["accepts"], serde_json::json!({"warehouse": "web"}));
    assert_eq!(json["spec"]["stages"][0]["steps"][1]["uses"], "kustomize-set-image");
    assert_eq!(json["spec"]["stages"][2]["windows"][0]["schedule"]["weekly"]["start"], "09:00");
    assert_eq!(json["spec"]["stages"][3]["follows"], "production");
}

#[test]
fn other_ferry_kinds_are_still_refused() {
    let text = "apiVersion: ferry.dev/v1alpha1\nkind: Project\nmetadata: {name: p}\n";
    assert_eq!(only_error(text), "ferry/pipeline.yaml:1: kind Project (ferry.dev/v1alpha1) is not supported yet");
}

#[test]
fn a_typo_in_a_stage_suggests_the_field() {
    let text =
        pipeline("    - name: dev\n      applications: [a]\n      accepts: {warehouse: web}\n      autoPromot: true\n");
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:10: unknown field `spec.stages[0].autoPromot`; did you mean `autoPromote`?"
    );
}

#[test]
fn unknown_stage_names_are_named_with_the_known_ones() {
    let text = pipeline(
        "    - name: dev\n      applications: [a]\n      accepts: {warehouse: web}\n    - name: staging\n      applications: [b]\n      accepts:\n        upstream: [dve]\n",
    );
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:13: invalid `spec.stages[1].accepts.upstream[0]`: expected the name of a stage of this pipeline (dev, staging), found \"dve\""
    );
}

#[test]
fn cycles_are_refused_with_their_path() {
    let text = pipeline(
        "    - name: a\n      applications: [a]\n      accepts: {upstream: [c]}\n    - name: b\n      applications: [b]\n      accepts: {upstream: [a]}\n    - name: c\n      applications: [c]\n      accepts: {upstream: [b]}\n",
    );
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:12: invalid `spec.stages[1].accepts.upstream`: expected upstream stages without a cycle, found the cycle b → c → a → b"
    );
}

#[test]
fn a_dr_stage_must_follow_an_existing_normal_stage() {
    let text = pipeline(
        "    - name: prod\n      applications: [a]\n      accepts: {warehouse: web}\n    - name: dr\n      kind: dr\n      follows: production\n      applications: [b]\n",
    );
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:12: invalid `spec.stages[1].follows`: expected the name of a stage of this pipeline (prod, dr), found \"production\""
    );
    let missing = pipeline("    - name: dr\n      kind: dr\n      applications: [b]\n");
    assert_eq!(
        only_error(&missing),
        "ferry/pipeline.yaml:7: missing field `spec.stages[0].follows`: expected the stage a `dr` stage mirrors, e.g. `production`"
    );
}

#[test]
fn duplicate_stage_names_point_at_both() {
    let text = pipeline(
        "    - name: dev\n      applications: [a]\n      accepts: {warehouse: web}\n    - name: dev\n      applications: [b]\n      accepts: {warehouse: web}\n",
    );
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:10: invalid `spec.stages[1].name`: expected a stage name used once (`dev` is defined at line 7), found \"dev\" again"
    );
}

#[test]
fn more_approvals_than_named_users_are_refused() {
    let text = pipeline(
        "    - name: prod\n      applications: [a]\n      accepts: {warehouse: web}\n      approvals:\n        required: 3\n        from: {users: [alice, bob]}\n",
    );
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:11: invalid `spec.stages[0].approvals.required`: expected at most 2 (the number of `from.users`; add users or groups), found 3"
    );
}

#[test]
fn empty_windows_and_bad_cron_schedules_are_refused() {
    let text = pipeline(
        "    - name: prod\n      applications: [a]\n      accepts: {warehouse: web}\n      windows:\n        - kind: deny\n          days: [Fri]\n          start: \"18:00\"\n          end: \"18:00\"\n",
    );
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:14: invalid `spec.stages[0].windows[0].end`: expected a time other than `start` (an `end` before `start` runs past midnight into the next day), found \"18:00\""
    );
    let overnight = pipeline(
        "    - name: prod\n      applications: [a]\n      accepts: {warehouse: web}\n      windows:\n        - kind: deny\n          days: [Fri]\n          start: \"18:00\"\n          end: \"08:00\"\n",
    );
    let parsed =
        parse_resources(&overnight, Path::new("ferry/pipeline.yaml")).expect("a window past midnight is one window");
    let stage = &parsed.pipelines[0].value.spec.stages[0];
    assert!(matches!(&stage.windows[0].schedule, Schedule::Weekly { start, end, .. } if end < start));
    let cron = pipeline(
        "    - name: prod\n      applications: [a]\n      accepts: {warehouse: web}\n      windows: [{kind: deny, cron: \"0 25 * * *\", duration: 1h}]\n",
    );
    assert!(
        only_error(&cron)
            .starts_with("ferry/pipeline.yaml:10: invalid `spec.stages[0].windows[0].cron`: expected a cron schedule")
    );
}

#[test]
fn step_uses_and_with_fields_are_checked() {
    let text = pipeline(
        "    - name: dev\n      applications: [a]\n      accepts: {warehouse: web}\n      steps:\n        - uses: git-clone\n          with: {repoURL: x, brnach: main}\n        - uses: helm-update\n        - uses: kustomize-set-image\n          with: {path: ../outside, images: [{image: web}]}\n",
    );
    assert_eq!(
        errors(&text),
        [
            "ferry/pipeline.yaml:12: unknown field `spec.stages[0].steps[0].with.brnach`; did you mean `branch`?",
            "ferry/pipeline.yaml:13: invalid `spec.stages[0].steps[1].uses`: expected one of `git-clone`, `kustomize-set-image`, `yaml-update`, `render`, `git-commit`, `git-push`, `argocd-sync`, `wait-healthy`, found \"helm-update\"",
            "ferry/pipeline.yaml:15: invalid `spec.stages[0].steps[2].with.path`: expected a relative path without `..` or backslashes, found \"../outside\"",
        ]
    );
}

#[test]
fn verification_fields_are_checked() {
    let text = pipeline(
        "    - name: dev\n      applications: [a]\n      accepts: {warehouse: web}\n      verification:\n        http: [{url: ftp://x, expectStatus: 700}]\n        prometheus:\n          - {address: http://p:9090, query: up, count: 2, failureLimit: 2}\n",
    );
    assert_eq!(
        errors(&text),
        [
            "ferry/pipeline.yaml:11: invalid `spec.stages[0].verification.http[0].url`: expected an `http://` or `https://` URL, found \"ftp://x\"",
            "ferry/pipeline.yaml:11: invalid `spec.stages[0].verification.http[0].expectStatus`: expected an HTTP status from 100 to 599, found the number 700",
            "ferry/pipeline.yaml:13: missing field `spec.stages[0].verification.prometheus[0].successCondition`: expected a `successCondition` or a `failureCondition`, e.g. `result[0] < 0.05`",
            "ferry/pipeline.yaml:13: invalid `spec.stages[0].verification.prometheus[0].failureLimit`: expected fewer than `count` (2) failures, or the query could never fail the verification, found 2",
        ]
    );
}

#[test]
fn job_checks_need_an_image_or_a_whole_spec() {
    let stage = |job: &str| {
        pipeline(&format!(
            "    - name: dev\n      applications: [a]\n      accepts: {{warehouse: web}}\n      verification:\n        job: {job}\n"
        ))
    };
    assert_eq!(
        only_error(&stage("{command: [make, smoke]}")),
        "ferry/pipeline.yaml:11: missing field `spec.stages[0].verification.job.image`: expected the container image the Job runs (or a whole JobSpec in `spec`)"
    );
    assert_eq!(
        only_error(&stage("{image: smoke:1, spec: {template: {spec: {containers: [{name: a, image: b}]}}}}")),
        "ferry/pipeline.yaml:11: invalid `spec.stages[0].verification.job`: expected either `image` (with `command`) or `spec`, not both, found `spec` with `image` or `command`"
    );
    assert_eq!(
        only_error(&stage("{spec: {template: {spec: {}}}}")),
        "ferry/pipeline.yaml:11: invalid `spec.stages[0].verification.job.spec`: expected a batch/v1 JobSpec with `template.spec.containers`, found a map"
    );
    let text = stage("{spec: {backoffLimit: 2, template: {spec: {containers: [{name: a, image: b}]}}}, timeout: 2m}");
    let parsed = parse_resources(&text, Path::new("ferry/pipeline.yaml"));
    assert!(parsed.is_ok(), "{:?}", parsed.err());
}

#[test]
fn subscription_mistakes_are_named() {
    let text = warehouse(
        "    - image:\n        repoURL: ghcr.io/acme/web:1.0\n        allowTags: '^v(1'\n        discoveryLimit: 500\n    - chart: {repoURL: https://charts.example.com}\n    - git: {repoURL: https://x/y.git}\n      image: {repoURL: y}\n",
    );
    assert_eq!(
        errors(&text),
        [
            "ferry/pipeline.yaml:8: invalid `spec.subscriptions[0].image.repoURL`: expected an image repository without scheme, tag or digest, e.g. `ghcr.io/acme/web`, found \"ghcr.io/acme/web:1.0\"",
            "ferry/pipeline.yaml:9: invalid `spec.subscriptions[0].image.allowTags[0]`: expected a regular expression, found \"^v(1\" (error: unclosed group)",
            "ferry/pipeline.yaml:10: invalid `spec.subscriptions[0].image.discoveryLimit`: expected a number from 1 to 100, found the number 500",
            "ferry/pipeline.yaml:11: missing field `spec.subscriptions[1].chart.name`: expected the chart's name in the HTTP(S) repository",
            "ferry/pipeline.yaml:12: invalid `spec.subscriptions[2]`: expected exactly one of `git`, `image` or `chart`, found `git` and `image`",
        ]
    );
}

#[test]
fn semver_constraints_and_strategies_are_checked() {
    let text = warehouse(
        "    - image: {repoURL: ghcr.io/acme/web, semverConstraint: latest}\n    - image: {repoURL: ghcr.io/acme/web, imageSelectionStrategy: Digest}\n",
    );
    assert_eq!(
        errors(&text),
        [
            "ferry/pipeline.yaml:7: invalid `spec.subscriptions[0].image.semverConstraint`: expected a semantic-version constraint such as `^1.2.0`, `~1.4`, `>=1.0.0 <2.0.0`, `1.x` or `1.2 - 1.4`, found \"latest\"",
            "ferry/pipeline.yaml:8: missing field `spec.subscriptions[1].image.tag`: expected the mutable tag whose digest is followed (`Digest` strategy)",
        ]
    );
}

/// A control folder of the given files; the errors of loading it, relative to it.
fn folder_errors(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let found = load_dir(dir.path()).expect_err("the folder should be refused");
    let prefix = format!("{}/", dir.path().display());
    found.iter().map(|e| e.to_string().replace(&prefix, "")).collect()
}

#[test]
fn missing_warehouses_and_applications_are_named_across_files() {
    let app = std::fs::read_to_string(good().join("app-dev.yaml")).unwrap();
    let stages = "    - name: dev\n      applications: [web-dev, web-prod]\n      accepts: {warehouse: webb}\n";
    let found = folder_errors(&[
        ("app.yaml", &app),
        ("pipeline.yaml", &pipeline(stages)),
        ("warehouse.yaml", &warehouse("    - image: {repoURL: ghcr.io/acme/web}\n")),
    ]);
    assert_eq!(
        found,
        [
            "pipeline.yaml:9: invalid `spec.stages[0].accepts.warehouse`: expected the name of a Warehouse in the control folder (web), found \"webb\"",
            "pipeline.yaml:8: invalid `spec.stages[0].applications[1]`: expected the name of an Application in the control folder (web-dev), found \"web-prod\"",
        ]
    );
}

#[test]
fn duplicate_warehouses_name_both_files() {
    let w = warehouse("    - image: {repoURL: ghcr.io/acme/web}\n");
    let found = folder_errors(&[("a.yaml", &w), ("b.yaml", &w)]);
    assert_eq!(found, ["b.yaml:1: Warehouse `web` is defined twice; it is already defined at a.yaml:1"]);
}

#[test]
fn path_filters_apply_to_tag_strategies_and_regex_paths_are_checked() {
    let text = warehouse(
        "    - git:\n        repoURL: https://x/y.git\n        commitSelectionStrategy: SemVer\n        includePaths: [apps/web, 'regex:^charts/']\n        excludePaths: ['glob:**/*.md']\n",
    );
    let resources = parse_resources(&text, Path::new("ferry/pipeline.yaml")).unwrap();
    let Subscription::Git(git) = &resources.warehouses[0].value.spec.subscriptions[0] else { panic!("{resources:?}") };
    assert_eq!(git.commit_selection_strategy, CommitSelectionStrategy::SemVer);
    assert_eq!(git.include_paths, ["apps/web", "regex:^charts/"]);
    assert_eq!(git.exclude_paths, ["glob:**/*.md"]);

    let text = warehouse(
        "    - git:\n        repoURL: https://x/y.git\n        commitSelectionStrategy: NewestTag\n        includePaths:\n          - apps/web\n          - 'regex:^apps/(web'\n",
    );
    assert_eq!(
        only_error(&text),
        "ferry/pipeline.yaml:12: invalid `spec.subscriptions[0].git.includePaths[1]`: expected a `regex:` path pattern, found \"regex:^apps/(web\" (error: unclosed group)"
    );
}

#[test]
fn a_stage_may_name_its_source_and_destination_instead_of_an_application() {
    let dir = tempfile::tempdir().unwrap();
    let text = pipeline(
        "    - name: dev\n      accepts: {warehouse: web}\n      source: {repoURL: 'https://github.com/acme/deploy.git', path: overlays/dev}\n      destination: {name: dev, namespace: web}\n      syncPolicy: {syncOptions: [CreateNamespace=true]}\n",
    );
    std::fs::write(dir.path().join("pipeline.yaml"), text).unwrap();
    std::fs::write(dir.path().join("warehouse.yaml"), warehouse("    - image: {repoURL: ghcr.io/acme/web}\n")).unwrap();
    let config = load_dir(dir.path()).unwrap();
    let app = &config.application("web-dev").expect("an Application named PIPELINE-STAGE").value;
    assert_eq!(app.spec.source.as_ref().unwrap().path, "overlays/dev");
    assert_eq!(app.spec.destination.namespace.as_deref(), Some("web"));
    assert_eq!(app.metadata.labels["ferry.dev/stage"], "dev");
    let stage = config.pipelines[0].value.stage("dev").unwrap();
    assert_eq!(stage.applications.iter().map(|a| a.as_str()).collect::<Vec<_>>(), ["web-dev"]);

    let half =
        errors(&pipeline("    - name: dev\n      accepts: {warehouse: web}\n      source: {repoURL: x, path: app}\n"));
    assert_eq!(
        half,
        [
            "ferry/pipeline.yaml:7: missing field `spec.stages[0].destination`: expected a map with `server` or `name`, and `namespace` (with `source`)"
        ]
    );
    let neither = errors(&pipeline("    - name: dev\n      accepts: {warehouse: web}\n"));
    assert!(neither[0].contains("(or `source` and `destination`)"), "{neither:?}");
}
