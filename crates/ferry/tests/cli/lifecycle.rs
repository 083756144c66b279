//! The local cluster across a restart, and namespace termination.

use crate::harness::{LocalCluster, stderr};

#[test]
fn state_file_survives_a_restart_with_the_same_uids_and_versions() {
    let state_dir = tempfile::tempdir().unwrap();
    let state = state_dir.path().join("state.json");
    let mut c = LocalCluster::start_with(&["dev"], &["--state", state.to_str().unwrap()]);
    let out =
        c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: default}\ndata: {a: b}\n", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = c.get_json(&["configmap", "keep"]);
    c.restart(&["dev"]);
    let after = c.get_json(&["configmap", "keep"]);
    assert_eq!(after["metadata"]["uid"], before["metadata"]["uid"]);
    assert_eq!(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
    assert_eq!(after["data"]["a"], "b");
    c.ok(&["create", "configmap", "newer", "--from-literal=x=y"]);
    let newer = c.get_json(&["configmap", "newer"]);
    let rv = |v: &serde_json::Value| v["metadata"]["resourceVersion"].as_str().unwrap().parse::<u64>().unwrap();
    assert!(rv(&newer) > rv(&after), "resourceVersions keep increasing after a restart");
}

#[test]
fn deleting_a_namespace_deletes_its_objects() {
    let c = LocalCluster::start(&[]);
    c.ok(&["create", "namespace", "temp"]);
    c.ok(&["-n", "temp", "create", "configmap", "x", "--from-literal=a=b"]);
    c.ok(&["delete", "namespace", "temp", "--timeout=60s"]);
    assert!(!c.exists(&["namespace", "temp"]));
    assert!(!c.exists(&["-n", "temp", "configmap", "x"]));
}
