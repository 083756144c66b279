//! Parsing single files: valid Applications, and every kind of mistake with its file, line
//! and field.

use std::path::Path;
use std::time::Duration;

use ferry_api::{Application, ConfigError, ConfigErrors, parse_str};

const FILE: &str = "apps/guestbook.yaml";

fn parse(text: &str) -> Result<Vec<Application>, ConfigErrors> {
    parse_str(text, Path::new(FILE)).map(|apps| apps.into_iter().map(|a| a.value).collect())
}

fn errors(text: &str) -> Vec<ConfigError> {
    parse(text).expect_err("the text should be refused").0
}

fn only_error(text: &str) -> ConfigError {
    let mut found = errors(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.remove(0)
}

const GUESTBOOK: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
spec:
  project: default
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps.git
    targetRevision: HEAD
    path: guestbook
  destination:
    server: https://kubernetes.default.svc
    namespace: guestbook
";

#[test]
fn guestbook_is_read_with_defaults() {
    let loaded = parse_str(GUESTBOOK, Path::new(FILE)).unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].line, 1);
    let app = &loaded[0].value;
    assert_eq!(app.metadata.name, "guestbook");
    assert_eq!(app.metadata.namespace, "argocd");
    assert_eq!(app.spec.project, "default");
    let source = app.spec.source.as_ref().unwrap();
    assert_eq!(source.repo_url, "https://github.com/argoproj/argocd-example-apps.git");
    assert_eq!(source.path, "guestbook");
    assert_eq!(source.target_revision, "HEAD");
    assert_eq!(source.directory, None);
    assert_eq!(app.spec.destination.server.as_deref(), Some("https://kubernetes.default.svc"));
    assert_eq!(app.spec.destination.namespace.as_deref(), Some("guestbook"));
    assert_eq!(app.spec.sync_policy, None);
    assert_eq!(app.spec.revision_history_limit(), 10);
    assert_eq!(app.spec.all_sources().len(), 1);
}

#[test]
fn every_supported_field_is_read() {
    let text = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: full
  namespace: ferry
  labels: {team: web}
  annotations: {note: hi}
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: web
  source:
    repoURL: file:///srv/git/apps
    path: ./envs/dev
    targetRevision: v1.2.0
    directory:
      recurse: true
      include: '{config.yaml,env-*.yaml}'
      exclude: '*.secret.yaml'
      jsonnet: {}
  destination:
    name: dev
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
      allowEmpty: false
    syncOptions: [CreateNamespace=true, PruneLast=true]
    retry:
      limit: -1
      backoff:
        duration: 10s
        factor: 3
        maxDuration: 1h
  ignoreDifferences:
    - group: apps
      kind: Deployment
      jsonPointers: [/spec/replicas]
    - kind: ConfigMap
      name: generated
      namespace: web
      managedFieldsManagers: [kube-controller-manager]
  revisionHistoryLimit: 3
  info:
    - name: owner
      value: web-team
";
    let app = parse(text).unwrap().remove(0);
    assert_eq!(app.metadata.namespace, "ferry");
    assert_eq!(app.metadata.labels["team"], "web");
    assert_eq!(app.metadata.finalizers, ["resources-finalizer.argocd.argoproj.io"]);
    let directory = app.spec.source.as_ref().unwrap().directory.clone().unwrap();
    assert!(directory.recurse);
    assert_eq!(directory.include.as_deref(), Some("{config.yaml,env-*.yaml}"));
    assert_eq!(directory.jsonnet, None, "an empty jsonnet block is what Argo CD's UI writes");
    assert_eq!(app.spec.destination.name.as_deref(), Some("dev"));
    let policy = app.spec.sync_policy.clone().unwrap();
    let automated = policy.automated.unwrap();
    assert!(automated.prune && automated.self_heal && !automated.allow_empty && automated.is_enabled());
    assert_eq!(policy.sync_options, ["CreateNamespace=true", "PruneLast=true"]);
    let retry = policy.retry.unwrap();
    assert_eq!(retry.limit, -1);
    assert_eq!(retry.backoff.duration, Duration::from_secs(10));
    assert_eq!(retry.backoff.factor, 3);
    assert_eq!(retry.backoff.max_duration, Duration::from_secs(3600));
    assert_eq!(app.spec.ignore_differences.len(), 2);
    assert_eq!(app.spec.ignore_differences[0].group, "apps");
    assert_eq!(app.spec.ignore_differences[1].group, "");
    assert_eq!(app.spec.ignore_differences[1].managed_fields_managers, ["kube-controller-manager"]);
    assert_eq!(app.spec.revision_history_limit(), 3);
    assert_eq!(app.spec.info[0].value, "web-team");
}

#[test]
fn retry_defaults_follow_argo_cd() {
    let text = GUESTBOOK.to_owned() + "  syncPolicy:\n    automated: {}\n    retry: {}\n";
    let policy = parse(&text).unwrap().remove(0).spec.sync_policy.unwrap();
    assert_eq!(policy.automated.unwrap(), Default::default());
    let retry = policy.retry.unwrap();
    assert_eq!(retry.limit, 0);
    assert_eq!(retry.backoff.duration, Duration::from_secs(5));
    assert_eq!(retry.backoff.factor, 2);
    assert_eq!(retry.backoff.max_duration, Duration::from_secs(180));
}

#[test]
fn several_sources_are_read() {
    let text = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: multi}
spec:
  sources:
    - repoURL: https://example.com/a.git
      path: base
    - repoURL: https://example.com/b.git
      path: .
      targetRevision: main
      name: extras
  destination: {server: https://kubernetes.default.svc, namespace: multi}
";
    let app = parse(text).unwrap().remove(0);
    assert_eq!(app.spec.source, None);
    let sources = app.spec.all_sources();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[1].path, ".");
    assert_eq!(sources[1].target_revision, "main");
    assert_eq!(sources[1].name.as_deref(), Some("extras"));
}

#[test]
fn json_files_are_read_with_lines() {
    let text = r#"{
  "apiVersion": "argoproj.io/v1alpha1",
  "kind": "Application",
  "metadata": {"name": "json-app"},
  "spec": {
    "source": {"repoURL": "https://example.com/a.git", "path": "x"},
    "destination": {"server": "https://kubernetes.default.svc"},
    "syncPolcy": {}
  }
}"#;
    match only_error(text) {
        ConfigError::UnknownField { line, field, .. } => assert_eq!((line, field.as_str()), (8, "spec.syncPolcy")),
        other => panic!("{other}"),
    }
}

#[test]
fn a_typo_names_the_field_path_and_line() {
    let text = GUESTBOOK.to_owned() + "  syncPolcy:\n    automated: {}\n";
    let error = only_error(&text);
    assert_eq!(error.to_string(), "apps/guestbook.yaml:14: unknown field `spec.syncPolcy`; did you mean `syncPolicy`?");
}

#[test]
fn unknown_fields_deep_inside_are_found() {
    let text = GUESTBOOK.to_owned() + "  syncPolicy:\n    automated:\n      prune: true\n      selfheal: true\n";
    match only_error(&text) {
        ConfigError::UnknownField { line, field, expected, .. } => {
            assert_eq!(line, 17);
            assert_eq!(field, "spec.syncPolicy.automated.selfheal");
            assert_eq!(expected, "did you mean `selfHeal`?");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn every_error_of_a_document_is_reported() {
    let text = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: Bad_Name
spec:
  source:
    repoURL: https://example.com/a.git
  destination:
    namespace: x
  syncPolicy:
    retry:
      backoff:
        duration: 5 sec
        factor: 0
  revisionHistoryLimit: ten
";
    let found: Vec<String> = errors(text).iter().map(ToString::to_string).collect();
    let expected = [
        "apps/guestbook.yaml:4: invalid `metadata.name`: expected a lowercase DNS name",
        "apps/guestbook.yaml:7: missing field `spec.source.path`",
        "apps/guestbook.yaml:9: missing field `spec.destination.server`: expected exactly one of `server`",
        "apps/guestbook.yaml:13: invalid `spec.syncPolicy.retry.backoff.duration`: expected a duration such as `5s`",
        "apps/guestbook.yaml:14: invalid `spec.syncPolicy.retry.backoff.factor`: expected an integer of at least 1",
        "apps/guestbook.yaml:15: invalid `spec.revisionHistoryLimit`: expected an integer, found \"ten\"",
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (found, expected) in found.iter().zip(expected) {
        assert!(found.starts_with(expected), "{found}\n  does not start with\n{expected}");
    }
}

#[test]
fn source_and_sources_together_are_refused() {
    let text = GUESTBOOK.to_owned() + "  sources:\n    - repoURL: https://example.com/b.git\n      path: b\n";
    match only_error(&text) {
        ConfigError::Invalid { line, field, found, .. } => {
            assert_eq!((line, field.as_str(), found.as_str()), (15, "spec.sources", "both `source` and `sources`"));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_missing_source_is_refused() {
    let text =
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  destination: {name: dev}\n";
    match only_error(text) {
        ConfigError::Missing { line, field, .. } => assert_eq!((line, field.as_str()), (5, "spec.source")),
        other => panic!("{other}"),
    }
}

#[test]
fn server_and_name_together_are_refused() {
    let text = GUESTBOOK.to_owned() + "    name: dev\n";
    match only_error(&text) {
        ConfigError::Invalid { line, field, .. } => assert_eq!((line, field.as_str()), (14, "spec.destination.name")),
        other => panic!("{other}"),
    }
}

#[test]
fn paths_leaving_the_repository_are_refused() {
    for bad in ["../other", "/etc", "a/../../b", "a\\\\b"] {
        let text = GUESTBOOK.replace("path: guestbook", &format!("path: \"{bad}\""));
        match only_error(&text) {
            ConfigError::Invalid { line, field, .. } => assert_eq!((line, field.as_str()), (10, "spec.source.path")),
            other => panic!("{bad}: {other}"),
        }
    }
}

#[test]
fn helm_sources_are_read() {
    let helm = "    path: chart\n    helm:\n      releaseName: web\n      valueFiles: [values.yaml, ../shared/prod.yaml]\n      \
                valuesObject: {replicas: 2}\n      parameters:\n        - {name: image.tag, value: \"1.2\", forceString: true}\n        \
                - {name: replicas, value: 3}\n      fileParameters: [{name: config, path: files/config.txt}]\n      \
                skipCrds: true\n      kubeVersion: \"1.32\"\n      apiVersions: [monitoring.coreos.com/v1]\n";
    let apps = parse(&GUESTBOOK.replace("    path: guestbook\n", helm)).unwrap();
    let h = apps[0].spec.source.as_ref().unwrap().helm.clone().unwrap();
    assert_eq!(h.release_name.as_deref(), Some("web"));
    assert_eq!(h.value_files, ["values.yaml", "../shared/prod.yaml"]);
    assert_eq!(h.values_object, Some(serde_json::json!({"replicas": 2})));
    assert_eq!((h.parameters[0].value.as_str(), h.parameters[0].force_string), ("1.2", true));
    assert_eq!(h.parameters[1].value, "3");
    assert_eq!(h.file_parameters[0].path, "files/config.txt");
    assert!(h.skip_crds);
    assert_eq!(h.api_versions, ["monitoring.coreos.com/v1"]);
}

#[test]
fn chart_sources_need_a_version_not_a_path() {
    let chart = "    chart: podinfo\n    targetRevision: 6.5.0\n";
    let text = GUESTBOOK.replace("    path: guestbook\n", chart).replace("    targetRevision: HEAD\n", "");
    let apps = parse(&text).unwrap();
    let source = apps[0].spec.source.clone().unwrap();
    assert_eq!((source.chart.as_deref(), source.target_revision.as_str()), (Some("podinfo"), "6.5.0"));
    let without_version =
        GUESTBOOK.replace("    path: guestbook\n", "    chart: podinfo\n").replace("    targetRevision: HEAD\n", "");
    let error = only_error(&without_version).to_string();
    assert!(error.contains("spec.source.targetRevision") && error.contains("chart version"), "{error}");
}

#[test]
fn remote_or_absolute_values_files_are_refused() {
    let text = GUESTBOOK.replace(
        "    path: guestbook\n",
        "    path: chart\n    helm:\n      valueFiles: [https://evil.example/values.yaml, /etc/passwd]\n",
    );
    let found: Vec<String> = errors(&text).iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("spec.source.helm.valueFiles[0]") && found[0].contains("remote"), "{}", found[0]);
    assert!(found[1].contains("spec.source.helm.valueFiles[1]"), "{}", found[1]);
}

#[test]
fn kustomize_sources_are_read() {
    let k = "    path: overlays/prod\n    kustomize:\n      namePrefix: prod-\n      images: [nginx=nginx:1.27]\n      \
             replicas: [{name: web, count: \"3\"}]\n      commonLabels: {team: a}\n      components: [../../components/tls]\n      \
             patches:\n        - target: {kind: Deployment}\n          patch: |-\n            - op: add\n              path: /x\n              value: 1\n";
    let apps = parse(&GUESTBOOK.replace("    path: guestbook\n", k)).unwrap();
    let opts = apps[0].spec.source.as_ref().unwrap().kustomize.clone().unwrap();
    assert_eq!(opts.name_prefix.as_deref(), Some("prod-"));
    assert_eq!(opts.images, ["nginx=nginx:1.27"]);
    assert_eq!((opts.replicas[0].name.as_str(), opts.replicas[0].count), ("web", 3));
    assert_eq!(opts.components, ["../../components/tls"]);
    assert_eq!(opts.patches[0]["target"]["kind"], "Deployment");
}

#[test]
fn kustomize_mistakes_are_named() {
    let k = "    path: app\n    kustomize:\n      images: nginx\n      replicas: [{name: web, count: many}]\n      \
             patches: [{target: {kind: Deployment}}]\n      namPrefix: x-\n";
    let found: Vec<String> =
        errors(&GUESTBOOK.replace("    path: guestbook\n", k)).iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 4, "{found:#?}");
    let all = found.join("\n");
    for field in [
        "spec.source.kustomize.images",
        "spec.source.kustomize.replicas[0].count",
        "spec.source.kustomize.patches[0].patch",
        "namPrefix",
    ] {
        assert!(all.contains(field), "{field} not in {all}");
    }
}

#[test]
fn other_unsupported_fields_are_named() {
    let text = GUESTBOOK.replace("    path: guestbook\n", "    path: app\n    plugin: {name: cmp}\n")
        + "  syncPolicy:\n    managedNamespaceMetadata: {labels: {a: b}}\n  ignoreDifferences:\n    - kind: Secret\n      jqPathExpressions: [.data]\n";
    let fields: Vec<String> = errors(&text)
        .into_iter()
        .map(|e| match e {
            ConfigError::Unsupported { field, .. } => field,
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(
        fields,
        [
            "spec.source.plugin",
            "spec.syncPolicy.managedNamespaceMetadata",
            "spec.ignoreDifferences[0].jqPathExpressions"
        ]
    );
}

#[test]
fn wrong_types_say_what_was_expected() {
    let text = GUESTBOOK.to_owned()
        + "  syncPolicy:\n    automated:\n      prune: yes please\n    syncOptions: CreateNamespace=true\n";
    let found: Vec<String> = errors(&text).iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0]
            .contains(":16: invalid `spec.syncPolicy.automated.prune`: expected true or false, found \"yes please\"")
    );
    assert!(found[1].contains(":17: invalid `spec.syncPolicy.syncOptions`: expected a list"));
}

#[test]
fn malformed_yaml_names_the_line() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n   bad: [\n";
    match only_error(text) {
        ConfigError::Syntax { file, line, message, .. } => {
            assert_eq!(file, Path::new(FILE));
            assert!(line >= 4, "line {line}: {message}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn an_alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text += &format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n");
    }
    assert!(matches!(only_error(&text), ConfigError::Syntax { .. }));
}

#[test]
fn other_kinds_are_refused_by_name() {
    let text = "apiVersion: ferry.dev/v1alpha1\nkind: Project\nmetadata: {name: p}\n---\napiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: default}\n---\nkind: Application\n";
    let found: Vec<String> = errors(text).iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "apps/guestbook.yaml:1: kind Project (ferry.dev/v1alpha1) is not supported yet",
            "apps/guestbook.yaml:5: unknown resource kind AppProject (argoproj.io/v1alpha1); expected an argoproj.io/v1alpha1 Application or a ferry.dev/v1alpha1 Warehouse or Pipeline",
            "apps/guestbook.yaml:9: missing field `apiVersion`: expected `apiVersion` and `kind`, e.g. `argoproj.io/v1alpha1` `Application` or `ferry.dev/v1alpha1` `Pipeline`",
        ]
    );
}

#[test]
fn documents_keep_their_starting_lines() {
    let text = format!("# apps\n---\n{GUESTBOOK}---\n---\n{}", GUESTBOOK.replace("name: guestbook", "name: second"));
    let loaded = parse_str(&text, Path::new(FILE)).unwrap();
    assert_eq!(loaded.iter().map(|l| l.line).collect::<Vec<_>>(), [3, 18]);
}
