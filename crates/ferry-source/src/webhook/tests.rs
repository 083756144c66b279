use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::*;

const SECRET: &[u8] = b"s3cr3t-webhook";

fn sign(body: &[u8], secret: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn headers<'a>(pairs: &'a [(&'a str, String)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
}

const PUSH: &str = r#"{"ref":"refs/heads/main","repository":{"clone_url":"https://github.com/acme/deploy.git","html_url":"https://github.com/acme/deploy","ssh_url":"git@github.com:acme/deploy.git"}}"#;

#[test]
fn a_signed_github_push_names_the_repository() {
    let h = [("X-GitHub-Event", "push".to_owned()), ("X-Hub-Signature-256", sign(PUSH.as_bytes(), SECRET))];
    let hook = parse(headers(&h), PUSH.as_bytes(), SECRET).unwrap();
    let Hook::GitPush { provider, repo_urls, reference } = hook else { panic!("{hook:?}") };
    assert_eq!((provider, reference.as_str()), ("GitHub", "refs/heads/main"));
    let keys: Vec<String> = repo_urls.iter().map(|u| repo_key(u)).collect();
    assert!(keys.iter().all(|k| k == "github.com/acme/deploy"), "{keys:?}");

    let ping = [("X-GitHub-Event", "ping".to_owned()), ("X-Hub-Signature-256", sign(b"{}", SECRET))];
    assert_eq!(
        parse(headers(&ping), b"{}", SECRET).unwrap(),
        Hook::Ignored { provider: "GitHub", event: "ping".into() }
    );
}

#[test]
fn github_requests_are_authenticated_before_they_are_parsed() {
    let unsigned = [("X-GitHub-Event", "push".to_owned())];
    assert_eq!(
        parse(headers(&unsigned), PUSH.as_bytes(), SECRET).unwrap_err().to_string(),
        "GitHub webhook: missing X-Hub-Signature-256"
    );
    // Signed with another secret, or over another body: refused, and not parsed (garbage
    // behind a bad signature is a 401, not a 400).
    for (body, signed_body, secret) in
        [(PUSH.as_bytes(), PUSH.as_bytes(), &b"other"[..]), (b"{not json".as_slice(), PUSH.as_bytes(), SECRET)]
    {
        let h = [("X-GitHub-Event", "push".to_owned()), ("X-Hub-Signature-256", sign(signed_body, secret))];
        let err = parse(headers(&h), body, SECRET).unwrap_err();
        assert!(err.is_unauthenticated(), "{err}");
        assert_eq!(
            err.to_string(),
            "GitHub webhook: the X-Hub-Signature-256 signature does not match the configured secret"
        );
    }
    let h = [("X-GitHub-Event", "push".to_owned()), ("X-Hub-Signature-256", "sha1=abc".to_owned())];
    assert!(parse(headers(&h), PUSH.as_bytes(), SECRET).unwrap_err().is_unauthenticated());
    // Authenticated garbage is a clear 400.
    let h = [("X-GitHub-Event", "push".to_owned()), ("X-Hub-Signature-256", sign(b"[1,2", SECRET))];
    let err = parse(headers(&h), b"[1,2", SECRET).unwrap_err();
    assert!(!err.is_unauthenticated() && err.to_string().starts_with("GitHub webhook: the body is not valid"), "{err}");
    // No secret configured: nothing is accepted.
    let h = [("X-GitHub-Event", "push".to_owned()), ("X-Hub-Signature-256", sign(PUSH.as_bytes(), b""))];
    assert_eq!(parse(headers(&h), PUSH.as_bytes(), b"").unwrap_err(), WebhookError::NoSecret);
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    assert!(matches!(parse(headers(&h), &big, SECRET), Err(WebhookError::TooLarge { .. })));
}

#[test]
fn gitlab_pushes_need_the_token() {
    let body = br#"{"ref":"refs/tags/v1.2.0","project":{"git_http_url":"https://gitlab.example.com/acme/deploy.git","git_ssh_url":"git@gitlab.example.com:acme/deploy.git"}}"#;
    let ok = [("X-Gitlab-Event", "Tag Push Hook".to_owned()), ("X-Gitlab-Token", "s3cr3t-webhook".to_owned())];
    let Hook::GitPush { repo_urls, reference, .. } = parse(headers(&ok), body, SECRET).unwrap() else { panic!() };
    assert_eq!(reference, "refs/tags/v1.2.0");
    assert!(repo_urls.iter().all(|u| repo_key(u) == "gitlab.example.com/acme/deploy"), "{repo_urls:?}");
    let bad = [("X-Gitlab-Event", "Push Hook".to_owned()), ("X-Gitlab-Token", "guess".to_owned())];
    let err = parse(headers(&bad), body, SECRET).unwrap_err();
    assert_eq!(err.to_string(), "GitLab webhook: the X-Gitlab-Token does not match the configured secret");
    assert!(!err.to_string().contains("guess") && !err.to_string().contains("s3cr3t"));
}

#[test]
fn registry_notifications_name_each_pushed_repository_once() {
    let body = br#"{"events":[
        {"action":"push","target":{"repository":"acme/web","tag":"1.2.0"},"request":{"host":"127.0.0.1:5000"}},
        {"action":"push","target":{"repository":"acme/web"},"request":{"host":"127.0.0.1:5000"}},
        {"action":"pull","target":{"repository":"acme/api"},"request":{"host":"127.0.0.1:5000"}}]}"#;
    let h = [
        ("Content-Type", "application/vnd.docker.distribution.events.v1+json".to_owned()),
        ("Authorization", "Bearer s3cr3t-webhook".to_owned()),
    ];
    assert_eq!(
        parse(headers(&h), body, SECRET).unwrap(),
        Hook::ImagePush { repositories: vec!["127.0.0.1:5000/acme/web".into()] }
    );
    let anonymous = [("Content-Type", "application/vnd.docker.distribution.events.v1+json".to_owned())];
    assert!(parse(headers(&anonymous), body, SECRET).unwrap_err().is_unauthenticated());
    assert_eq!(parse(headers(&[]), body, SECRET).unwrap_err(), WebhookError::UnknownSender);
}

#[test]
fn repository_names_compare_however_they_are_spelt() {
    for url in [
        "https://user:pw@GitHub.com/acme/deploy.git/",
        "git@github.com:acme/deploy.git",
        "ssh://git@github.com/acme/deploy",
        "http://github.com/acme/deploy",
    ] {
        assert_eq!(repo_key(url), "github.com/acme/deploy", "{url}");
    }
    assert_eq!(repo_key("file:///srv/git/deploy.git"), "/srv/git/deploy");
    assert_eq!(repo_key("/srv/git/deploy"), "/srv/git/deploy");
    assert_eq!(image_key("nginx"), "docker.io/library/nginx");
    assert_eq!(image_key("index.docker.io/acme/web"), "docker.io/acme/web");
    assert_eq!(image_key("127.0.0.1:5000/acme/web"), "127.0.0.1:5000/acme/web");
    assert_eq!(image_key("GHCR.io/acme/web"), "ghcr.io/acme/web");
}
