//! Loading a whole control folder: file discovery, order, and errors across files.

use std::fs;
use std::path::Path;

use ferry_api::{ConfigError, load_dir};

fn app(name: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\nspec:\n  source:\n    repoURL: https://example.com/apps.git\n    path: {name}\n  destination:\n    name: dev\n"
    )
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn applications_are_found_recursively_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.yaml", &app("bravo"));
    write(dir.path(), "a/z.yml", &format!("{}---\n{}", app("alpha"), app("charlie")));
    write(
        dir.path(),
        "c.json",
        r#"{"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "delta"}, "spec": {"source": {"repoURL": "r", "path": "."}, "destination": {"name": "dev"}}}"#,
    );
    write(dir.path(), ".git/config.yaml", "not: [config");
    write(dir.path(), ".hidden.yaml", "not: [config");
    write(dir.path(), "README.md", "# apps");
    let config = load_dir(dir.path()).unwrap();
    let names: Vec<_> = config.applications.iter().map(|a| a.value.metadata.name.as_str()).collect();
    assert_eq!(names, ["alpha", "charlie", "bravo", "delta"]);
    let charlie = config.application("charlie").unwrap();
    assert_eq!((charlie.file.strip_prefix(dir.path()).unwrap(), charlie.line), (Path::new("a/z.yml"), 12));
}

#[test]
fn every_error_in_every_file_is_collected() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "1-broken.yaml", "apiVersion: [\n");
    write(dir.path(), "2-typo.yaml", &(app("typo") + "  syncPolcy: {}\n"));
    write(dir.path(), "3-ok.yaml", &app("fine"));
    let errors = load_dir(dir.path()).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors}");
    assert!(matches!(&errors.0[0], ConfigError::Syntax { file, .. } if file.ends_with("1-broken.yaml")));
    assert!(matches!(&errors.0[1], ConfigError::UnknownField { line: 11, field, .. } if field == "spec.syncPolcy"));
}

#[test]
fn duplicate_names_across_files_name_both_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dev/guestbook.yaml", &app("guestbook"));
    write(dir.path(), "prod/guestbook.yaml", &format!("# copy\n{}", app("guestbook")));
    let errors = load_dir(dir.path()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    let message = errors.to_string();
    assert!(message.contains("prod/guestbook.yaml:2: Application `guestbook` is defined twice"), "{message}");
    assert!(message.contains("dev/guestbook.yaml:1"), "{message}");
}

#[test]
fn a_missing_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let errors = load_dir(&dir.path().join("absent")).unwrap_err();
    assert!(matches!(&errors.0[0], ConfigError::Read { .. }));
}

#[test]
fn an_empty_folder_has_no_applications() {
    let dir = tempfile::tempdir().unwrap();
    assert!(load_dir(dir.path()).unwrap().applications.is_empty());
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_folder_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.yaml", &app("outside"));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "inside.yaml", &app("inside"));
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), dir.path().join("link.yaml")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("inside.yaml"), dir.path().join("alias.yaml")).unwrap();
    let errors = load_dir(dir.path()).unwrap_err();
    let found: Vec<_> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found.iter().any(|e| e.contains("link.yaml: symbolic link points outside the control folder")),
        "{found:#?}"
    );
    assert!(found.iter().any(|e| e.contains("Application `inside` is defined twice")), "{found:#?}");
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!("{}#{}\n", app("big"), "x".repeat(ferry_api::MAX_FILE_BYTES as usize));
    write(dir.path(), "big.yaml", &big);
    let errors = load_dir(dir.path()).unwrap_err();
    assert!(matches!(&errors.0[0], ConfigError::TooLarge { .. }), "{errors}");
}

#[test]
fn messages_are_readable() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.yaml", "metadata:\n  name: a\n   bad: [\n");
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb += &format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n");
    }
    write(dir.path(), "bomb.yaml", &bomb);
    let message = load_dir(dir.path()).unwrap_err().to_string();
    let lines: Vec<_> = message.lines().collect();
    assert_eq!(lines.len(), 2, "{message}");
    assert!(lines[0].contains("bomb.yaml:") && lines[0].contains("cannot parse YAML"), "{message}");
    assert!(lines[1].contains("broken.yaml:3:"), "{message}");
    eprintln!("{message}");
}
