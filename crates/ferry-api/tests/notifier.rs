//! `Notifier` resources: services, events, filters, and secrets that never live in Git.

use std::path::Path;

use ferry_api::{NotifyEvent, SecretSource, Service, load_dir, parse_resources};

fn notifier(spec: &str) -> String {
    format!("apiVersion: ferry.dev/v1alpha1\nkind: Notifier\nmetadata:\n  name: sre\nspec:\n{spec}")
}

fn errors(text: &str) -> Vec<String> {
    let found = parse_resources(text, Path::new("ferry/notify.yaml")).expect_err("the text should be refused");
    found.iter().map(ToString::to_string).collect()
}

#[test]
fn each_service_loads_with_its_defaults() {
    let slack =
        parse_resources(&notifier("  slack: {webhookURL: {fromEnv: SLACK_WEBHOOK_URL}}\n"), Path::new("n.yaml"))
            .unwrap();
    let n = &slack.notifiers[0].value;
    assert_eq!(n.spec.on, [NotifyEvent::Rollback, NotifyEvent::VerificationFailed, NotifyEvent::PromotionFailed]);
    assert_eq!(n.spec.service, Service::Slack { webhook_url: SecretSource::FromEnv("SLACK_WEBHOOK_URL".into()) });
    assert!(n.wants(NotifyEvent::Rollback, "web", "prod") && !n.wants(NotifyEvent::ApprovalNeeded, "web", "prod"));

    let pd = parse_resources(
        &notifier(
            "  on: [rollback, approval-needed]\n  pipelines: [web]\n  stages: [production]\n  pagerduty: {routingKey: {fromFile: /etc/ferry/pd-key}}\n",
        ),
        Path::new("n.yaml"),
    )
    .unwrap();
    let n = &pd.notifiers[0].value;
    match &n.spec.service {
        Service::PagerDuty { url, severity, routing_key } => {
            assert_eq!((url.as_str(), severity.as_str()), ("https://events.pagerduty.com/v2/enqueue", "error"));
            assert_eq!(routing_key, &SecretSource::FromFile("/etc/ferry/pd-key".into()));
        }
        other => panic!("{other:?}"),
    }
    assert!(n.wants(NotifyEvent::ApprovalNeeded, "web", "production"));
    assert!(
        !n.wants(NotifyEvent::ApprovalNeeded, "web", "staging") && !n.wants(NotifyEvent::Rollback, "api", "production")
    );

    let hook = parse_resources(
        &notifier("  webhook:\n    url: https://hooks.acme.example/ferry\n    headers: {Authorization: {fromEnv: HOOK_AUTH}}\n"),
        Path::new("n.yaml"),
    )
    .unwrap();
    assert_eq!(hook.notifiers[0].value.spec.service.kind(), "webhook");
}

#[test]
fn secrets_written_in_git_and_other_mistakes_are_refused() {
    assert_eq!(
        errors(&notifier("  slack: {webhookURL: 'https://hooks.slack.com/services/T0/B0/XXXX'}\n")),
        [
            "ferry/notify.yaml:6: invalid `spec.slack.webhookURL`: expected `{fromEnv: NAME}` or `{fromFile: /absolute/path}` (a secret is never written in Git), found a literal value"
        ]
    );
    assert_eq!(
        errors(&notifier("  teams: {webhookURL: {fromFile: secrets/teams}}\n")),
        [
            "ferry/notify.yaml:6: invalid `spec.teams.webhookURL.fromFile`: expected an absolute path outside the repository, found \"secrets/teams\""
        ]
    );
    assert_eq!(
        errors(&notifier("  slack: {webhookURL: {fromEnv: A}}\n  teams: {webhookURL: {fromEnv: B}}\n")),
        [
            "ferry/notify.yaml:6: invalid `spec`: expected exactly one service: `slack`, `teams`, `pagerduty` or `webhook`, found slack, teams"
        ]
    );
    let unknown = errors(&notifier("  on: [rolback]\n  slack: {webhookURL: {fromEnv: A}}\n"));
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(
        unknown[0]
            .starts_with("ferry/notify.yaml:6: invalid `spec.on[0]`: expected a list of events: `promotion-succeeded`"),
        "{unknown:?}"
    );
    let severity = errors(&notifier("  pagerduty: {routingKey: {fromEnv: K}, severity: page-everyone}\n"));
    assert!(severity[0].contains("`spec.pagerduty.severity`: expected one of `critical`"), "{severity:?}");
    let url = errors(&notifier("  webhook: {url: 'file:///etc/passwd'}\n"));
    assert!(url[0].contains("`spec.webhook.url`: expected an `http://` or `https://` URL"), "{url:?}");
}

#[test]
fn a_notifier_naming_an_unknown_pipeline_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("notify.yaml"),
        notifier("  pipelines: [wbe]\n  slack: {webhookURL: {fromEnv: A}}\n"),
    )
    .unwrap();
    let found: Vec<String> = load_dir(dir.path()).unwrap_err().iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("notify.yaml:6: invalid `spec.pipelines[0]`: expected the name of a Pipeline in the control folder (there is none), found \"wbe\""), "{found:?}");
}
