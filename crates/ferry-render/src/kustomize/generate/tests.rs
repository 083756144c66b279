//! Generators compared with `kubectl kustomize` (kustomize v5.5), the oracle: each test writes a
//! kustomization into a temporary directory, builds it with kubectl and with a small driver over
//! this module (generators, behaviors, then hash suffixes), and compares the objects.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;
use serde_json::{Value, json};

use super::*;
use crate::kustomize::{FsLoader, KustDir, KustomizeError, LoadRestrictor, ResMap, Resource};

fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Writes `kustomization` (as JSON, which is YAML) to `dir/kustomization.yaml`.
fn write_kustomization(root: &Path, dir: &str, kustomization: &Value) {
    let rel = if dir.is_empty() { "kustomization.yaml".to_owned() } else { format!("{dir}/kustomization.yaml") };
    write(root, &rel, serde_json::to_string_pretty(kustomization).unwrap());
}

/// What `kubectl kustomize` printed: the text and the objects in it.
#[derive(Debug)]
struct Printed {
    text: String,
    objects: Vec<Value>,
}

/// `kubectl kustomize DIR`, or kubectl's error text.
fn kubectl(dir: &Path) -> Result<Printed, String> {
    let out = Command::new("kubectl").arg("kustomize").arg(dir).output().expect("kubectl is installed");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let objects = yaml_serde::Deserializer::from_str(&text).map(|d| Value::deserialize(d).unwrap()).collect();
    Ok(Printed { text, objects })
}

/// `value` with every object's keys sorted, so that printing it ignores field order.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: std::collections::BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Our objects against kubectl's: the same contents (field order aside), and, put in kubectl's
/// order and through the emitter, the same bytes.
fn assert_same(ours: &ResMap, oracle: Printed) {
    let key = |v: &Value| (v["kind"].as_str().unwrap_or("").to_owned(), v["metadata"]["name"].to_string());
    let mut sorted: Vec<Value> = ours.iter().map(|r| canonical(&r.obj)).collect();
    let mut expected: Vec<Value> = oracle.objects.iter().map(canonical).collect();
    sorted.sort_by_key(key);
    expected.sort_by_key(key);
    let pretty = |v: &[Value]| serde_json::to_string_pretty(v).unwrap();
    assert_eq!(pretty(&sorted), pretty(&expected), "ours (left) and kubectl kustomize (right) differ");

    let order: Vec<_> = oracle.objects.iter().map(key).collect();
    let mut objects: Vec<Value> = ours.iter().map(|r| r.obj.clone()).collect();
    objects.sort_by_key(|v| order.iter().position(|k| *k == key(v)));
    assert_eq!(crate::kustomize::emit::emit_all(&objects), oracle.text, "printed bytes differ");
}

/// The generator part of building the kustomization in `dir`: its `resources` (other
/// kustomizations only) built first, then every `configMapGenerator` and every
/// `secretGenerator` added by behavior, then its `namePrefix` applied as the prefix
/// transformer would (so overlays can name a base's object by its original name).
fn accumulate(root: &Path, dir: &str) -> Result<ResMap, KustomizeError> {
    let file = if dir.is_empty() { "kustomization.yaml".to_owned() } else { format!("{dir}/kustomization.yaml") };
    let text = std::fs::read_to_string(root.join(&file)).unwrap();
    let kustomization: Value = serde_json::from_str(&text).unwrap();
    let mut res = ResMap::new();
    for base in kustomization.get("resources").and_then(Value::as_array).into_iter().flatten() {
        let base_dir = crate::kustomize::loader::normalize(dir, base.as_str().unwrap()).unwrap();
        res.extend(accumulate(root, &base_dir)?);
    }
    let loader = FsLoader { root: root.to_path_buf(), restrictor: LoadRestrictor::RootOnly };
    let kd = KustDir { loader: &loader, dir, file: &file, restrictor: LoadRestrictor::RootOnly };
    let global: Option<GeneratorOptions> =
        kustomization.get("generatorOptions").map(|g| serde_json::from_value(g.clone()).unwrap());
    let entries = |field: &str| -> Vec<GeneratorArgs> {
        kustomization.get(field).map(|g| serde_json::from_value(g.clone()).unwrap()).unwrap_or_default()
    };
    for args in entries("configMapGenerator") {
        add_or_merge(&mut res, config_map(&args, global.as_ref(), &kd)?, &file)?;
    }
    for args in entries("secretGenerator") {
        add_or_merge(&mut res, secret(&args, global.as_ref(), &kd)?, &file)?;
    }
    if let Some(prefix) = kustomization.get("namePrefix").and_then(Value::as_str) {
        for r in res.iter_mut() {
            r.remember_id();
            let name = format!("{prefix}{}", r.id().name);
            r.obj["metadata"]["name"] = Value::String(name);
        }
    }
    Ok(res)
}

/// Builds the kustomization in `dir` and applies the hash suffixes at the end, as the
/// top-level build does.
fn build(root: &Path, dir: &str) -> Result<ResMap, KustomizeError> {
    let mut res = accumulate(root, dir)?;
    apply_hash_suffixes(&mut res)?;
    Ok(res)
}

#[test]
fn literals_files_envs_and_options_match_kubectl() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "app.properties", "a=1\r\nb=<&>\n");
    write(root, "conf/blob.bin", [0u8, 159, 146, 150, 255, 10, 13]);
    write(root, "unicode.txt", "h\u{e9}llo \u{1F600} \u{2028} \"x\" \\ \t end");
    write(root, "empty.txt", "");
    write(root, "one.env", "\u{feff}# comment\n\n  A=1\nexport B=2\nC\nD = 3 \nE=\"q\"\r\nF=x=y\n");
    write(root, "two.env", "G=last");
    let long = "x".repeat(200);
    let kustomization = json!({
        "generatorOptions": {"labels": {"g": "global", "both": "global"}, "annotations": {"ga": "x"}},
        "configMapGenerator": [
            {"name": "literals", "namespace": "ns1",
             "literals": ["a=b=c", "q=\"quoted\"", "s='single'", "m=\"mixed'", "e=", "one=\"", "uni=h\u{e9}llo <&> \"x\"",
                          "multi=line1\nline2\n"],
             "options": {"labels": {"both": "local", "l": "1"}, "annotations": {"la": "y"}, "immutable": true}},
            {"name": "files", "files": ["app.properties", "bin=conf/blob.bin", "unicode.txt", "empty.txt"]},
            {"name": "envs", "envs": ["one.env"], "env": "two.env", "options": {"disableNameSuffixHash": true}},
            {"name": "nothing"},
        ],
        "secretGenerator": [
            {"name": "sec", "literals": [format!("long={long}"), "short=abc", "exact=".to_owned() + &"a".repeat(52)],
             "files": ["bin=conf/blob.bin", "unicode.txt"]},
            {"name": "empty-secret"},
            {"name": "tls", "type": "kubernetes.io/tls", "options": {"immutable": true}, "envs": ["one.env"]},
        ],
    });
    write_kustomization(root, "", &kustomization);
    assert_same(&build(root, "").unwrap(), kubectl(root).unwrap());
}

#[test]
fn hashes_match_kubectl_for_many_contents() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let values = [
        "",
        " ",
        "0",
        "true",
        "null",
        "~",
        "a\"b",
        "\\",
        "<script>&amp;</script>",
        "\u{2028}\u{2029}",
        "\u{e9}\u{1F600}\u{4e2d}\u{6587}",
        "tab\there",
        "trailing\n",
        "\n\nleading",
        "crlf\r\nx",
        "'",
        "\"\"",
        "\u{fffd}",
        "\u{a0}nbsp",
        "key: value",
        "- item",
        "# not a comment",
        "{}",
        "[1, 2]",
    ];
    let mut config_maps = Vec::new();
    let mut secrets = Vec::new();
    for (i, value) in values.iter().enumerate() {
        write(root, &format!("v{i}.txt"), value);
        config_maps.push(json!({"name": format!("cm{i}"), "files": [format!("k=v{i}.txt")]}));
        secrets.push(json!({"name": format!("s{i}"), "files": [format!("k{i}=v{i}.txt")], "type": format!("t{i}")}));
    }
    write(root, "bin.dat", [0xffu8, 0xfe, 0x00, 0x80]);
    config_maps.push(json!({"name": "binary", "files": ["bin.dat", "v3.txt"]}));
    config_maps.push(json!({"name": "immutable", "literals": ["a=b"], "options": {"immutable": true}}));
    write_kustomization(root, "", &json!({"configMapGenerator": config_maps, "secretGenerator": secrets}));
    assert_same(&build(root, "").unwrap(), kubectl(root).unwrap());
}

#[test]
fn overlay_merge_and_replace_match_kubectl() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_kustomization(
        root,
        "base",
        &json!({
            "namePrefix": "b-",
            "configMapGenerator": [
                {"name": "cm", "literals": ["a=1", "b=2"],
                 "options": {"labels": {"l1": "base"}, "annotations": {"a1": "base"}}},
                {"name": "ee", "literals": ["a=1"]},
                {"name": "ed", "literals": ["a=1"]},
                {"name": "de", "literals": ["a=1"], "options": {"disableNameSuffixHash": true}},
                {"name": "dd", "literals": ["a=1"], "options": {"disableNameSuffixHash": true}},
                {"name": "defaultns", "namespace": "default", "literals": ["a=1"]},
                {"name": "rep", "literals": ["old=1"], "options": {"labels": {"keep": "me"}}},
            ],
            "secretGenerator": [
                {"name": "sec", "type": "kubernetes.io/tls", "literals": ["x=1"]},
                {"name": "emptysec"},
            ],
        }),
    );
    let off = json!({"disableNameSuffixHash": true});
    write_kustomization(
        root,
        "ov",
        &json!({
            "resources": ["../base"],
            "configMapGenerator": [
                {"name": "cm", "behavior": "merge", "literals": ["b=3", "c=4"],
                 "options": {"labels": {"l1": "ov", "l2": "ov"}, "annotations": {"a2": "ov"}}},
                {"name": "ee", "behavior": "merge", "literals": ["b=1"]},
                {"name": "ed", "behavior": "merge", "literals": ["b=1"], "options": off},
                {"name": "de", "behavior": "merge", "literals": ["b=1"]},
                {"name": "dd", "behavior": "merge", "literals": ["b=1"], "options": off},
                {"name": "defaultns", "behavior": "merge", "literals": ["c=1"]},
                {"name": "rep", "behavior": "replace", "literals": ["new=2"], "options": {"immutable": true}},
            ],
            "secretGenerator": [
                {"name": "sec", "behavior": "replace", "literals": ["y=2"]},
                {"name": "emptysec", "behavior": "merge"},
            ],
        }),
    );
    assert_same(&build(root, "ov").unwrap(), kubectl(&root.join("ov")).unwrap());
}

#[test]
fn chained_overlays_merge_into_the_merged_object() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write_kustomization(root, "base", &json!({"configMapGenerator": [{"name": "cm", "literals": ["a=1"]}]}));
    write_kustomization(
        root,
        "mid",
        &json!({"resources": ["../base"], "namePrefix": "m-",
                "configMapGenerator": [{"name": "cm", "behavior": "merge", "literals": ["b=2"]}]}),
    );
    write_kustomization(
        root,
        "top",
        &json!({"resources": ["../mid"],
                "configMapGenerator": [{"name": "cm", "behavior": "replace", "literals": ["c=3"]},
                                       {"name": "new", "literals": ["d=4"]}]}),
    );
    let ours = build(root, "top").unwrap();
    assert_same(&ours, kubectl(&root.join("top")).unwrap());
    let merged = &ours[0];
    assert_eq!(merged.previous.first().map(|id| id.name.as_str()), Some("cm"), "earlier ids kept");
}

/// Builds `kustomization` with both, expecting both to fail; returns our error.
fn both_fail(files: &[(&str, &str)], kustomization: Value) -> KustomizeError {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for (rel, contents) in files {
        write(&root.join("k"), rel, contents);
    }
    write_kustomization(root, "k", &kustomization);
    let oracle = kubectl(&root.join("k"));
    assert!(oracle.is_err(), "kubectl kustomize accepted it: {oracle:?}");
    build(root, "k").expect_err("the native generators accepted it")
}

#[test]
fn generator_errors_match_kubectl_and_name_the_field() {
    let err = both_fail(&[], json!({"configMapGenerator": [{"name": "q", "literals": ["=c"]}]}));
    assert!(err.to_string().contains("configMapGenerator[q].literals: invalid literal source =c"), "{err}");

    let err = both_fail(
        &[("a.env", "A=1\n")],
        json!({"secretGenerator": [{"name": "s", "envs": ["a.env"], "literals": ["A=2"]}]}),
    );
    assert!(err.to_string().contains("illegally repeats the key `A`"), "{err}");

    let err = both_fail(&[], json!({"configMapGenerator": [{"literals": ["a=b"]}]}));
    assert!(err.to_string().contains("must have a name"), "{err}");

    let err = both_fail(&[], json!({"configMapGenerator": [{"name": "q", "files": ["missing.txt"]}]}));
    assert!(matches!(err, KustomizeError::NotFound { ref path, .. } if path.ends_with("missing.txt")), "{err}");

    let err = both_fail(&[], json!({"configMapGenerator": [{"name": "q", "files": ["a=b=c"]}]}));
    assert!(err.to_string().contains("key name or file path contains '='"), "{err}");

    let err = both_fail(
        &[("../outside.env", "A=1\n")],
        json!({"configMapGenerator": [{"name": "q", "envs": ["../outside.env"]}]}),
    );
    assert!(matches!(err, KustomizeError::Restricted { .. }), "{err}");

    let err = both_fail(&[], json!({"configMapGenerator": [{"name": "q", "behavior": "merge", "literals": ["a=b"]}]}));
    assert!(err.to_string().contains("does not exist; cannot merge or replace"), "{err}");

    let twice = json!({"configMapGenerator": [{"name": "q", "literals": ["a=b"]}, {"name": "q", "literals": ["a=c"]}]});
    let err = both_fail(&[], twice);
    assert!(err.to_string().contains("exists; behavior must be merge or replace"), "{err}");
}

#[test]
fn invalid_utf8_in_a_dotenv_file_is_an_error_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "bad.env", b"A=1\n\xff\xfe=2\n");
    write_kustomization(root, "", &json!({"configMapGenerator": [{"name": "q", "envs": ["bad.env"]}]}));
    assert!(kubectl(root).is_err());
    let err = build(root, "").unwrap_err().to_string();
    assert!(err.contains("bad.env: line 2 is not valid UTF-8"), "{err}");
}

#[test]
fn generator_entries_are_read_strictly_like_kustomize() {
    let strict = serde_json::from_value::<GeneratorArgs>(json!({"name": "q", "bogusField": 1}));
    assert!(strict.unwrap_err().to_string().contains("bogusField"));
    let nulls: GeneratorArgs =
        serde_json::from_value(json!({"name": "q", "literals": null, "options": {"labels": {"a": null}}})).unwrap();
    assert!(nulls.literals.is_empty());
    assert_eq!(nulls.options.unwrap().labels["a"], "");
    assert!(serde_json::from_value::<GeneratorOptions>(json!({"annotations": {"a": true}})).is_err());
}

#[test]
fn hash_suffix_is_applied_once_and_remembers_the_old_name() {
    let mut res = vec![Resource::new(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}), "k")];
    res[0].needs_hash = true;
    apply_hash_suffixes(&mut res).unwrap();
    apply_hash_suffixes(&mut res).unwrap();
    assert_eq!(res[0].obj["metadata"]["name"], "x-6ct58987ht");
    assert_eq!(res[0].previous.iter().map(|id| id.name.as_str()).collect::<Vec<_>>(), ["x"]);
}

/// kustomize's `TestGeneratorOverlays`: sibling overlays each merging into their own base, and
/// the top merging into one of them again.
#[test]
fn sibling_overlays_merge_into_their_own_bases() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for (n, prefix) in [("1", "p1-"), ("2", "p2-")] {
        let literals = json!(["from=base"]);
        let base = json!({"namePrefix": prefix,
                          "configMapGenerator": [{"name": format!("com{n}"), "behavior": "create", "literals": literals}]});
        write_kustomization(root, &format!("base{n}"), &base);
        let overlay = json!({"resources": [format!("../../base{n}")],
                             "configMapGenerator": [{"name": format!("com{n}"), "behavior": "merge",
                                                     "literals": ["from=overlay"]}]});
        write_kustomization(root, &format!("overlay/o{n}"), &overlay);
    }
    let top = json!({"resources": ["o1", "o2"],
                     "configMapGenerator": [{"name": "com1", "behavior": "merge", "literals": ["foo=bar", "baz=qux"]}]});
    write_kustomization(root, "overlay", &top);
    let ours = build(root, "overlay").unwrap();
    assert_eq!(ours[0].obj["metadata"]["name"], "p1-com1-8tc62428t2", "the name kustomize's own test expects");
    assert_same(&ours, kubectl(&root.join("overlay")).unwrap());
}
