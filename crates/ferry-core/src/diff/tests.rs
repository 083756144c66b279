//! The fixture table in `testdata/diff/`: each file holds `desired`, `live` (absent or
//! `null` for a missing object), optional `ignoreDifferences` (Argo CD's shape) and
//! `expect: {inSync, changedPaths}`; plus end-to-end checks of the rendered diff and of
//! Secret masking.

use std::path::Path;

use serde_json::{Value, json};

use super::*;

fn fixture(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(case: &Value) -> Result<ResourceDiff, DiffError> {
    let rules = case.get("ignoreDifferences").cloned().unwrap_or(json!([]));
    let opts = DiffOptions { ignore_differences: serde_json::from_value(rules).unwrap(), ..DiffOptions::default() };
    diff(&case["desired"], case.get("live").filter(|l| !l.is_null()), &opts)
}

#[test]
fn fixture_table() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/diff");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    paths.sort();
    assert!(paths.len() >= 9, "expected the diff fixtures, found {}", paths.len());
    let mut failures = Vec::new();
    for path in &paths {
        let case = fixture(path);
        let result = run(&case).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let got = json!({ "inSync": result.in_sync, "changedPaths": result.changed_paths });
        if got != case["expect"] {
            let shown = unified_yaml(&result, "", false);
            failures.push(format!("{}:\n  expected {}\n  got      {got}\n{shown}", path.display(), case["expect"]));
        }
        if result.in_sync {
            assert_eq!(
                unified_yaml(&result, "x", false),
                "",
                "{}: in sync but the rendered diff is not empty",
                path.display()
            );
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n{}", failures.len(), paths.len(), failures.join("\n"));
}

fn deployment(replicas: Value, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "demo"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": image, "ports": [{"containerPort": 80}]}]}
        }}
    })
}

#[test]
fn unified_yaml_shows_a_minimal_hunk() {
    let mut live = deployment(json!(2), "nginx:1.26");
    live["spec"]["strategy"] = json!({"type": "RollingUpdate"});
    live["status"] = json!({"replicas": 2});
    let result = diff(&deployment(json!(3), "nginx:1.27"), Some(&live), &DiffOptions::default()).unwrap();
    assert!(!result.in_sync);
    assert_eq!(result.changed_paths, [".spec.replicas", ".spec.template.spec.containers[name=\"web\"].image"]);
    let text = unified_yaml(&result, "===== apps/Deployment demo/web ======", false);
    let expected = "\
===== apps/Deployment demo/web ======
--- live
+++ desired
@@ -4,7 +4,7 @@
   name: web
   namespace: demo
 spec:
-  replicas: 2
+  replicas: 3
   selector:
     matchLabels:
       app: web
@@ -15,6 +15,6 @@
     spec:
       containers:
       - name: web
-        image: nginx:1.26
+        image: nginx:1.27
         ports:
         - containerPort: 80
";
    assert_eq!(text, expected);
    let colored = unified_yaml(&result, "", true);
    assert!(colored.contains("\x1b[31m-  replicas: 2\x1b[0m\n"));
    assert!(colored.contains("\x1b[32m+  replicas: 3\x1b[0m\n"));
    assert!(colored.contains("\x1b[36m@@ -4,7 +4,7 @@\x1b[0m\n"));
    assert!(!text.contains('\x1b'));
}

#[test]
fn missing_live_shows_everything_added() {
    let result = diff(&deployment(json!(1), "nginx"), None, &DiffOptions::default()).unwrap();
    assert!(!result.in_sync);
    assert_eq!(result.live, None);
    let text = unified_yaml(&result, "", false);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..3], ["--- live", "+++ desired", "@@ -0,0 +1,20 @@"]);
    assert!(lines[3..].iter().all(|l| l.starts_with('+')), "{text}");
    assert_eq!(lines.len(), 23);
}

#[test]
fn secret_values_never_leave_the_diff() {
    let plain = ["hunter2-sekret", "s3cr3t-token", "same-value-xyz", "removed-zzz"];
    let desired = json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
        "stringData": {"password": plain[0], "same": plain[2]},
        "data": {"token": secret::base64(plain[1].as_bytes())}
    });
    let live = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": desired.to_string()
        }},
        "data": {
            "password": secret::base64(b"old-password-123"),
            "same": secret::base64(plain[2].as_bytes()),
            "token": secret::base64(b"old-token-456"),
            "gone": secret::base64(plain[3].as_bytes())
        }
    });
    let result = diff(&desired, Some(&live), &DiffOptions::default()).unwrap();
    assert!(!result.in_sync);
    assert_eq!(result.changed_paths, [".data.password", ".data.token"]);
    let rendered = [format!("{result:?}"), unified_yaml(&result, "", false), unified_yaml(&result, "", true)];
    let secrets = ["old-password-123", "old-token-456"].iter().chain(&plain).map(|s| s.to_string());
    for secret in secrets {
        let encoded = secret::base64(secret.as_bytes());
        for text in &rendered {
            assert!(!text.contains(&secret) && !text.contains(&encoded), "{secret} leaked:\n{text}");
        }
    }
    assert_eq!(result.desired["data"]["password"], "++++++++");
    assert_eq!(result.live.as_ref().unwrap()["data"]["password"], "+++++++++");
    assert_eq!(result.desired["data"]["same"], "++++++++");
    assert_eq!(result.live.as_ref().unwrap()["data"]["same"], "++++++++");
}

#[test]
fn invalid_pointer_names_the_rule() {
    let rule = IgnoreRule {
        group: Some("apps".into()),
        kind: "Deployment".into(),
        json_pointers: vec!["spec/replicas".into()],
        ..Default::default()
    };
    let opts = DiffOptions { ignore_differences: vec![rule], ..Default::default() };
    let err = diff(&deployment(json!(1), "nginx"), None, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ignoreDifferences[0] (apps/Deployment): invalid JSON pointer \"spec/replicas\": it must start with \"/\""
    );
}

#[test]
fn int_or_string_is_compared_as_written() {
    let mut desired = deployment(json!(1), "nginx");
    desired["spec"]["strategy"] = json!({"rollingUpdate": {"maxSurge": "1"}});
    let mut live = deployment(json!(1.0), "nginx");
    live["spec"]["strategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}});
    let result = diff(&desired, Some(&live), &DiffOptions::default()).unwrap();
    assert_eq!(result.changed_paths, [".spec.strategy.rollingUpdate.maxSurge"]);
}

#[test]
fn non_objects_are_errors() {
    assert!(matches!(
        diff(&json!([]), None, &DiffOptions::default()),
        Err(DiffError::NotAnObject { side: "desired", .. })
    ));
}
