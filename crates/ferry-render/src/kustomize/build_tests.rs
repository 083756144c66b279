//! Whole builds over in-memory trees, for behaviours that span several kustomizations.

use crate::directory::SourceFile;
use crate::kustomize::{BuildOptions, MemLoader, build_yaml};

fn build(files: &[(&str, &str)], dir: &str) -> String {
    let files: Vec<SourceFile> =
        files.iter().map(|(p, t)| SourceFile { path: (*p).to_owned(), contents: t.as_bytes().to_vec() }).collect();
    build_yaml(&MemLoader { files: &files }, dir, &BuildOptions::default()).unwrap()
}

const SA_AND_DEPLOYMENT: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n";

/// The same base twice, once with a suffix: each Deployment keeps referring to the
/// ServiceAccount with its own prefixes and suffixes (kustomize's `prefixSuffixEquals`).
#[test]
fn name_references_prefer_the_referral_with_the_referrers_suffixes() {
    let out = build(
        &[
            ("kustomization.yaml", "namespace: ns\nresources: [a, b]\n"),
            ("a/kustomization.yaml", "resources: [../base]\n"),
            ("b/kustomization.yaml", "resources: [../base]\nnameSuffix: -b\n"),
            ("base/kustomization.yaml", "resources: [r.yaml]\n"),
            ("base/r.yaml", SA_AND_DEPLOYMENT),
        ],
        "",
    );
    assert!(out.contains("  name: d\n  namespace: ns\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n"));
    assert!(
        out.contains("  name: d-b\n  namespace: ns\nspec:\n  template:\n    spec:\n      serviceAccountName: sa-b\n")
    );
}

/// `config.kubernetes.io/local-config` objects are renamed and referred to, but not printed
/// (any value but `false`).
#[test]
fn local_config_objects_are_dropped_after_name_references() {
    let resources = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    config.kubernetes.io/local-config: \"false\"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      serviceAccountName: sa\n";
    let out = build(
        &[
            ("kustomization.yaml", "resources: [base]\nnamePrefix: p-\n"),
            ("base/kustomization.yaml", "resources: [r.yaml]\n"),
            ("base/r.yaml", resources),
        ],
        "",
    );
    assert!(!out.contains("kind: ServiceAccount"), "{out}");
    assert!(out.contains("name: p-kept") && out.contains("serviceAccountName: p-sa"), "{out}");
}

/// A builtin generator plugin config is read leniently: fields kustomize does not know are
/// ignored.
#[test]
fn generator_plugin_configs_ignore_unknown_fields() {
    let generator =
        "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: cm\nlabels:\n  a: b\nliterals:\n- k=v\n";
    let out = build(&[("kustomization.yaml", "generators: [g.yaml]\n"), ("g.yaml", generator)], "");
    assert!(out.contains("  k: v\nkind: ConfigMap\nmetadata:\n  name: cm-"), "{out}");
    assert!(!out.contains("labels"), "{out}");
}

/// kustomize rewrites annotations at the end: values become strings (a number a replacement
/// created too) and an empty map is removed.
#[test]
fn annotations_end_as_strings_and_empty_maps_are_removed() {
    let resources = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {}\ndata:\n  n: 5\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
    let kustomization = "resources: [r.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: a, fieldPath: data.n}\n  targets:\n  - select: {name: b}\n    fieldPaths: [metadata.annotations.num]\n    options: {create: true}\n";
    let out = build(&[("kustomization.yaml", kustomization), ("r.yaml", resources)], "");
    assert!(out.contains("metadata:\n  name: a\n---"), "{out}");
    assert!(out.contains("  annotations:\n    num: \"5\"\n  name: b\n"), "{out}");
}
