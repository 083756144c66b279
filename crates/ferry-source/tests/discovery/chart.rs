//! Chart discovery from an `index.yaml` served over HTTP by `python3 -m http.server`, and
//! from an OCI registry's tags.

use ferry_source::DiscoveryError;

use crate::registry::Registry;
use crate::servers::static_files;
use crate::support::{chart, discovery_for, names};

const INDEX: &str = r#"apiVersion: v1
entries:
  web:
    - name: web
      version: 1.10.0
      created: "2024-03-01T10:00:00Z"
      urls: [web-1.10.0.tgz]
    - name: web
      version: 1.9.0
      created: "2024-02-01T10:00:00.123456+01:00"
      urls: [web-1.9.0.tgz]
    - name: web
      version: 2.0.0-rc.1
      created: "2024-04-01T10:00:00Z"
    - name: web
      version: 2.0.0
      created: "2024-05-01T10:00:00Z"
    - name: web
      version: 0.9.0
  db:
    - name: db
      version: 5.0.0
generated: "2024-05-01T10:00:00Z"
"#;

#[tokio::test]
async fn http_index_versions_by_constraint_greatest_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("repo")).unwrap();
    std::fs::write(dir.path().join("repo/index.yaml"), INDEX).unwrap();
    let server = static_files(&dir.path().join("repo")).await;
    let discovery = discovery_for(dir.path(), &[]);

    let all = discovery.discover(&chart(&format!("{}/", server.url), Some("web"), None)).await.unwrap();
    assert_eq!(names(&all), ["2.0.0", "1.10.0", "1.9.0", "0.9.0"]);
    assert_eq!(all[0].created, Some(1_714_557_600));
    assert_eq!(all[2].created, Some(1_706_778_000));
    assert_eq!(all[3].created, None);

    let ones = discovery.discover(&chart(&server.url, Some("web"), Some("^1.0"))).await.unwrap();
    assert_eq!(names(&ones), ["1.10.0", "1.9.0"]);
    let pre = discovery.discover(&chart(&server.url, Some("web"), Some(">=2.0.0-0"))).await.unwrap();
    assert_eq!(names(&pre), ["2.0.0", "2.0.0-rc.1"]);
    let none = discovery.discover(&chart(&server.url, Some("web"), Some("^7"))).await.unwrap();
    assert!(none.is_empty(), "a constraint nothing matches is an empty result");

    let err = discovery.discover(&chart(&server.url, Some("cache"), None)).await.unwrap_err();
    assert!(err.to_string().contains("no chart named \"cache\""), "{err}");
}

#[tokio::test]
async fn malformed_missing_and_oversized_indexes_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("srv");
    for (name, body) in
        [("bad", b"entries:\n  web: [ {version: 1.0.0\n".to_vec()), ("big", vec![b'#'; 33 * 1024 * 1024])]
    {
        std::fs::create_dir_all(root.join(name)).unwrap();
        std::fs::write(root.join(name).join("index.yaml"), body).unwrap();
    }
    let server = static_files(&root).await;
    let discovery = discovery_for(dir.path(), &[]);

    let bad = discovery.discover(&chart(&format!("{}/bad", server.url), Some("web"), None)).await.unwrap_err();
    assert!(matches!(bad, DiscoveryError::ChartIndex { .. }), "{bad:?}");
    assert!(bad.to_string().contains("/bad/index.yaml is malformed"), "{bad}");

    let big = discovery.discover(&chart(&format!("{}/big", server.url), Some("web"), None)).await.unwrap_err();
    assert!(matches!(big, DiscoveryError::ChartIndexTooLarge { .. }), "{big:?}");

    let missing = discovery.discover(&chart(&format!("{}/none", server.url), Some("web"), None)).await.unwrap_err();
    assert!(missing.to_string().contains("404"), "{missing}");
}

#[tokio::test]
async fn oci_chart_versions_from_registry_tags() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start().await;
    for tag in ["1.0.0", "1.2.0", "1.2.1_build.5", "2.0.0", "not-a-version"] {
        registry.push_image("charts/web", Some(tag), "2024-01-01T00:00:00Z", "amd64").await;
    }
    let discovery = discovery_for(dir.path(), &[&registry.host]);
    let url = format!("oci://{}/charts/web", registry.host);
    let found = discovery.discover(&chart(&url, None, Some("~1.2"))).await.unwrap();
    assert_eq!(names(&found), ["1.2.1+build.5", "1.2.0"]);
}
