//! `ferry render DIR` stands in for `kubectl kustomize DIR`: the same bytes on stdout for an
//! overlay, and a failing kustomization ends with exit code 1 and the error on stderr.

use std::path::Path;
use std::process::{Command, Output};

fn ferry_render(dir: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry")).arg("render").arg(dir).args(extra).output().expect("running ferry")
}

fn kubectl_kustomize(dir: &Path, extra: &[&str]) -> Output {
    Command::new("kubectl").arg("kustomize").arg(dir).args(extra).output().expect("running kubectl")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating a directory");
    std::fs::write(path, text).expect("writing a file");
}

/// An overlay over a base outside the overlay's directory, with a generator, a prefix and a
/// patch: the output is what kubectl kustomize prints, for both orders.
#[test]
fn render_prints_what_kubectl_kustomize_prints() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let root = tmp.path();
    write(
        &root.join("base/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        envFrom:\n        - configMapRef:\n            name: cfg\n",
    );
    write(
        &root.join("base/kustomization.yaml"),
        "resources: [deploy.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [a=b]\n",
    );
    write(
        &root.join("overlay/kustomization.yaml"),
        "resources: [../base]\nnamePrefix: prod-\nimages:\n- name: nginx\n  newTag: \"1.27\"\nreplicas:\n- name: web\n  count: 3\n",
    );
    for extra in [&[][..], &["--reorder", "none"][..]] {
        let ours = ferry_render(&root.join("overlay"), extra);
        let theirs = kubectl_kustomize(&root.join("overlay"), extra);
        assert!(ours.status.success(), "ferry render failed: {}", String::from_utf8_lossy(&ours.stderr));
        assert!(theirs.status.success());
        assert_eq!(String::from_utf8_lossy(&ours.stdout), String::from_utf8_lossy(&theirs.stdout));
    }
    let out = root.join("out.yaml");
    let written = ferry_render(&root.join("overlay"), &["-o", out.to_str().expect("a UTF-8 path")]);
    assert!(written.status.success() && written.stdout.is_empty());
    let theirs = kubectl_kustomize(&root.join("overlay"), &[]);
    assert_eq!(std::fs::read(&out).expect("the output file"), theirs.stdout);
}

/// A kustomization naming a missing file: exit code 1 (as kubectl kustomize), the file on stderr.
#[test]
fn render_error_exits_1_naming_the_file() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    write(&tmp.path().join("kustomization.yaml"), "resources: [missing.yaml]\n");
    let ours = ferry_render(tmp.path(), &[]);
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(kubectl_kustomize(tmp.path(), &[]).status.code(), Some(1));
    assert!(ours.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&ours.stderr).contains("missing.yaml"),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
}
