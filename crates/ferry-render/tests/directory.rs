//! Rendering plain directories laid out like argocd-example-apps (guestbook, sync-waves).

use ferry_render::{DirectoryOptions, RenderError, RenderedObject, SourceFile, render_directory};

fn file(path: &str, contents: &str) -> SourceFile {
    SourceFile { path: path.to_owned(), contents: contents.as_bytes().to_vec() }
}

fn object(kind: &str, name: &str) -> String {
    format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n")
}

/// A repository with a guestbook app, a nested directory and unrelated files.
fn repository() -> Vec<SourceFile> {
    vec![
        file("README.md", "# apps"),
        file("guestbook/guestbook-ui-svc.yaml", &object("Service", "guestbook-ui")),
        file("guestbook/guestbook-ui-deployment.yaml", &object("Deployment", "guestbook-ui")),
        file("guestbook/notes.txt", "not a manifest"),
        file("guestbook/extra/config.yml", &object("ConfigMap", "extra")),
        file(
            "guestbook/extra/deeper/secret.json",
            r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "deep"}}"#,
        ),
        file("guestbook/env-prod.yaml", &object("ConfigMap", "env-prod")),
        file("guestbook/env-dev.yaml", &object("ConfigMap", "env-dev")),
        file("other/x.yaml", &object("ConfigMap", "other")),
    ]
}

fn names(objects: &[RenderedObject]) -> Vec<String> {
    objects.iter().map(|o| o.object["metadata"]["name"].as_str().unwrap().to_owned()).collect()
}

fn render(dir: &str, opts: DirectoryOptions) -> Result<Vec<RenderedObject>, RenderError> {
    render_directory(&repository(), dir, &opts)
}

#[test]
fn a_flat_directory_reads_only_its_own_manifests_in_path_order() {
    let objects = render("guestbook", DirectoryOptions::default()).unwrap();
    assert_eq!(names(&objects), ["env-dev", "env-prod", "guestbook-ui", "guestbook-ui"]);
    assert_eq!(objects[2].file, "guestbook/guestbook-ui-deployment.yaml");
    assert_eq!(objects[2].line, 1);
}

#[test]
fn recurse_reads_subdirectories_in_walk_order() {
    let opts = DirectoryOptions { recurse: true, ..Default::default() };
    let objects = render("./guestbook/", opts).unwrap();
    let files: Vec<_> = objects.iter().map(|o| o.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "guestbook/env-dev.yaml",
            "guestbook/env-prod.yaml",
            "guestbook/extra/config.yml",
            "guestbook/extra/deeper/secret.json",
            "guestbook/guestbook-ui-deployment.yaml",
            "guestbook/guestbook-ui-svc.yaml",
        ]
    );
}

#[test]
fn the_repository_root_is_dot() {
    let objects = render(".", DirectoryOptions::default()).unwrap();
    assert!(objects.is_empty(), "the root holds no manifests directly");
    let all = render(".", DirectoryOptions { recurse: true, ..Default::default() }).unwrap();
    assert_eq!(all.len(), 7);
}

#[test]
fn include_with_braces() {
    let opts = DirectoryOptions { include: Some("{guestbook-ui-svc.yaml,env-*.yaml}".into()), ..Default::default() };
    assert_eq!(names(&render("guestbook", opts).unwrap()), ["env-dev", "env-prod", "guestbook-ui"]);
}

#[test]
fn exclude_wins_over_include_and_stars_cross_directories() {
    let opts = DirectoryOptions {
        recurse: true,
        include: Some("*.y*ml".into()),
        exclude: Some("{env-prod.yaml,extra/*}".into()),
    };
    assert_eq!(names(&render("guestbook", opts).unwrap()), ["env-dev", "guestbook-ui", "guestbook-ui"]);
}

#[test]
fn a_bad_pattern_is_reported() {
    let opts = DirectoryOptions { include: Some("{a,b".into()), ..Default::default() };
    assert!(matches!(render("guestbook", opts), Err(RenderError::BadPattern { .. })));
}

#[test]
fn lists_are_flattened() {
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: one}
  - apiVersion: v1
    kind: ConfigMapList
    items:
      - {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}
---
apiVersion: v1
kind: ServiceList
items: []
";
    let objects = render_directory(&[file("app/list.yaml", text)], "app", &DirectoryOptions::default()).unwrap();
    assert_eq!(names(&objects), ["one", "two"]);
    assert_eq!(objects[1].line, 1);
}

#[test]
fn json_files_hold_an_object_a_list_or_an_array() {
    let files = [
        file(
            "app/a.json",
            r#"[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a1"}}, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a2"}}]"#,
        ),
        file(
            "app/b.json",
            r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b1"}}]}"#,
        ),
        file("app/c.json", r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "c-"}}"#),
    ];
    let objects = render_directory(&files, "app", &DirectoryOptions::default()).unwrap();
    assert_eq!(objects.len(), 4);
    assert_eq!(objects[3].object["metadata"]["generateName"], "c-");
}

#[test]
fn empty_and_comment_only_documents_are_skipped() {
    let text = format!(
        "---\n# leading comment\n---\n\n---\n{}---\n~\n---\n{}---\n",
        object("ConfigMap", "a"),
        object("ConfigMap", "b")
    );
    let objects = render_directory(&[file("app/x.yaml", &text)], "app", &DirectoryOptions::default()).unwrap();
    assert_eq!(names(&objects), ["a", "b"]);
    assert_eq!(objects.iter().map(|o| o.line).collect::<Vec<_>>(), [6, 13]);
    let empty = render_directory(&[file("app/empty.yaml", "")], "app", &DirectoryOptions::default()).unwrap();
    assert!(empty.is_empty());
}

#[test]
fn a_document_without_kind_names_file_and_line() {
    let text = format!("{}---\napiVersion: v1\nmetadata:\n  name: b\n", object("ConfigMap", "a"));
    let error = render_directory(&[file("app/x.yaml", &text)], "app", &DirectoryOptions::default()).unwrap_err();
    assert_eq!(
        error,
        RenderError::InvalidObject {
            file: "app/x.yaml".into(),
            line: 6,
            problem: "not a Kubernetes object: missing `kind` (a non-empty string)".into()
        }
    );
    assert_eq!(error.to_string(), "app/x.yaml:6: not a Kubernetes object: missing `kind` (a non-empty string)");
}

#[test]
fn bad_list_items_and_scalars_are_described() {
    let list = "apiVersion: v1\nkind: List\nitems:\n  - kind: ConfigMap\n";
    let error = render_directory(&[file("app/l.yaml", list)], "app", &DirectoryOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "app/l.yaml:1: item 0 of the List: not a Kubernetes object: missing `apiVersion`, `metadata` (a non-empty string)"
    );
    let scalar =
        render_directory(&[file("app/s.yaml", "just text\n")], "app", &DirectoryOptions::default()).unwrap_err();
    assert_eq!(scalar.to_string(), "app/s.yaml:1: expected a Kubernetes object (a map), found a string");
}

#[test]
fn malformed_yaml_names_the_line() {
    let text = format!("{}---\nkind: [\n", object("ConfigMap", "a"));
    let Err(RenderError::Syntax { file, line, .. }) =
        render_directory(&[file("app/x.yaml", &text)], "app", &DirectoryOptions::default())
    else {
        panic!("expected a syntax error")
    };
    assert_eq!(file, "app/x.yaml");
    assert!(line >= 6, "{line}");
}

#[test]
fn paths_escaping_the_repository_are_refused() {
    for bad in ["app/../../etc/x.yaml", "/etc/x.yaml", "app\\x.yaml"] {
        let files = [file("app/ok.yaml", &object("ConfigMap", "a")), file(bad, &object("ConfigMap", "b"))];
        let error = render_directory(&files, "app", &DirectoryOptions::default()).unwrap_err();
        assert_eq!(error, RenderError::UnsafePath { path: bad.into() });
    }
    let files = [file("app/ok.yaml", &object("ConfigMap", "a"))];
    for bad in ["../app", "app/..", "/app"] {
        assert!(
            matches!(render_directory(&files, bad, &DirectoryOptions::default()), Err(RenderError::UnsafePath { .. })),
            "{bad}"
        );
    }
}

#[test]
fn an_alias_bomb_is_refused_naming_the_file() {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        text += &format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n");
    }
    let error = render_directory(&[file("app/bomb.yaml", &text)], "app", &DirectoryOptions::default()).unwrap_err();
    assert!(matches!(&error, RenderError::Syntax { file, .. } if file == "app/bomb.yaml"), "{error}");
}

#[test]
fn oversized_files_are_refused() {
    let big = format!("{}# {}\n", object("ConfigMap", "a"), "x".repeat(ferry_render::MAX_FILE_BYTES));
    let error = render_directory(&[file("app/big.yaml", &big)], "app", &DirectoryOptions::default()).unwrap_err();
    assert!(matches!(error, RenderError::FileTooLarge { .. }), "{error}");
}

#[test]
fn oversized_output_is_refused() {
    let value = "x".repeat(6 * 1024 * 1024);
    let text = format!("{}data:\n  big: {value}\n", object("ConfigMap", "a"));
    let files: Vec<_> = (0..12).map(|i| file(&format!("app/{i:02}.yaml"), &text)).collect();
    let error = render_directory(&files, "app", &DirectoryOptions::default()).unwrap_err();
    assert_eq!(
        error,
        RenderError::OutputTooLarge { file: "app/10.yaml".into(), limit: ferry_render::MAX_OUTPUT_BYTES }
    );
}

#[test]
fn jsonnet_files_are_refused_rather_than_skipped() {
    let files = [file("app/a.yaml", &object("ConfigMap", "a")), file("app/main.jsonnet", "{}")];
    let error = render_directory(&files, "app", &DirectoryOptions::default()).unwrap_err();
    assert_eq!(error, RenderError::Unsupported { file: "app/main.jsonnet".into(), what: "Jsonnet".into() });
    let excluded = DirectoryOptions { exclude: Some("*.jsonnet".into()), ..Default::default() };
    assert_eq!(render_directory(&files, "app", &excluded).unwrap().len(), 1);
}

#[test]
fn a_missing_path_is_reported() {
    let error = render("absent", DirectoryOptions::default()).unwrap_err();
    assert_eq!(error, RenderError::PathNotFound { dir: "absent".into() });
}

#[test]
fn file_modes_are_octal_as_kubernetes_reads_them() {
    let text = format!("{}spec:\n  defaultMode: 0644\n  enabled: yes\n", object("ConfigMap", "a"));
    let objects = render_directory(&[file("app/a.yaml", &text)], "app", &DirectoryOptions::default()).unwrap();
    assert_eq!(objects[0].object["spec"]["defaultMode"], 420);
    assert_eq!(objects[0].object["spec"]["enabled"], true);
}
