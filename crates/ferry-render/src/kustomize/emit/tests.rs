use std::process::Command;

use serde_json::json;

use super::*;
use crate::kustomize::parse::parse_documents;

/// Resources whose printing exercises every rule; `kubectl kustomize` is the oracle.
const ORACLE_RESOURCES: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: a-typed
data:
  yes1: yes
  no1: no
  on1: on
  off1: off
  y1: y
  n1: n
  true1: True
  octal: 0644
  octal2: 0o644
  hex: 0x1F
  under: 1_000
  e3: 1e3
  f10: 1.0
  f15: 1.5
  tilde: ~
  null1: null
  empty:
  ts: 2001-12-14t21:59:43.10-05:00
  date: 2002-12-14
  tsnozone: 2001-12-14T21:59:43
  spaced: 2001-12-14 21:59:43.10
  big: 12345678901234567890
  bigger: 123456789012345678901234
  negbig: -9223372036854775809
  str123: !!str 123
  plus: +12
  neg0: -0.0
  small: 0.0000001
  mid: 1234567.5
  f1e21: 1e21
  f1e20: 1e20
  f1e19: 1e19
  dot5: .5
  bin: !!binary aGVsbG8=
  fl: !!float 1
  it: !!int "3"
  custom: !foo bar
  b60: 1:20
  hexbig: 0xFFFFFFFFFFFFFFFFFF
  e400: 1e400
  eight: 08
  u: 100000.5
  w: 0.00001
  x: 123456789.125
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b-strings
data:
  colon: "a: b"
  hash: "a #b"
  hash2: "a#b"
  lead: " x"
  trail: "x "
  tab: "a\tb"
  emoji: "😀 x"
  nbsp: "a\u00a0b"
  bom: "\ufeffx y"
  ls: "a\u2028b"
  ctrl: "a\u0001b\u001b"
  nel: "a \u0085 b\u0085\u0085c"
  multi: "a\nb"
  multi2: "a\nb\n"
  multi3: "a\nb\n\n"
  multi4: " a\nb"
  multi5: "a \nb"
  multi6: "\n"
  multi7: "a\n\nb\n"
  multi8: "a\tb\nc"
  multi9: "\na"
  sq: "it's"
  dq: 'say "hi"'
  bs: 'back\slash'
  star: "*x"
  dash: "- x"
  dash2: "-x"
  dashonly: "-"
  q: "?x"
  col: ":x"
  pct: "%x"
  at: "@x"
  bt: "`x"
  brace: "{x"
  comma: "a,b"
  lb: "a[b"
  dots: "...x"
  dashes: "---x"
  nullstr: "null"
  truestr: "true"
  yesstr: "Yes"
  numstr: "123"
  floatstr: "1.5"
  expstr: "1e3"
  hexstr: "0x1F"
  octstr: "0o17"
  inf: ".inf"
  nan: ".NaN"
  emptystr: ""
  lt: "<<"
  under2: "1_0"
  date2: "2001-02-30"
  date3: "2001-1-2"
  b60s: "1:20:30"
  unicode: "héllo wörld ✓"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c-folding
spec:
  long: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv"
  longsq: "'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv"
  longdq: "\taaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv"
  longdq2: "\taaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn ooooo  pppp qq  rrrr ssss tttt uuuu vvvv"
  doublesp: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp  qqqq rrrr ssss tttt uuuu vvvv"
  nospace: "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmmnnnnooooppppqqqqrrrrssssttttuuuuvvvvwwwwxxxx"
  literal: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv\nx"
  unicodelong: "ääää bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt"
  ? "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
  : v
  "k8kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk":
    nested: map
    list: [1, 2]
  "multi\nkey": v2
  "yes": k
  "": empty
  "a b": c
  "x: y": z
  nested:
    deeper:
      list:
      - "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt"
      - "a\nb"
      - - "a\nb"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: d-structure
spec:
  keys:
    a10: 1
    a9: 1
    a09: 1
    a0: 1
    A: 1
    _a: 1
    "~a": 1
    a-b: 1
    "1": 1
    "10": 1
    "9": 1
    "é": 1
    Z: 1
    x10y: 1
    x0010: 1
  lists:
  - - a
    - b
  - []
  - {}
  - null
  - - - deep
  - k: v
    l:
    - 1
    m: {}
  emptymap: {}
  emptylist: []
  nulls: null
  bools: [true, false]
  seqofmaps:
  - name: x
    items:
    - a
"#;

fn kubectl_kustomize(resources: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("r.yaml"), resources).expect("write");
    std::fs::write(dir.path().join("kustomization.yaml"), "resources:\n- r.yaml\n").expect("write");
    let out = Command::new("kubectl").arg("kustomize").arg(dir.path()).output().expect("kubectl runs");
    assert!(out.status.success(), "kubectl kustomize failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn assert_same_text(ours: &str, theirs: &str) {
    if ours != theirs {
        let line = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "differs from kubectl kustomize at line {}:\n ours:   {:?}\n theirs: {:?}\n--- ours ---\n{ours}",
            line + 1,
            ours.lines().nth(line),
            theirs.lines().nth(line)
        );
    }
}

#[test]
fn oracle_byte_identical_with_kubectl_kustomize() {
    let docs = parse_documents("r.yaml", ORACLE_RESOURCES).expect("parses");
    let values: Vec<Value> = docs.into_iter().map(|d| d.value).collect();
    assert_same_text(&emit_all(&values), &kubectl_kustomize(ORACLE_RESOURCES));
}

#[test]
fn oracle_json_input() {
    let json_text = r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"},
        "data": {"f": 1.0, "g": 2.5, "s": "yes", "u": "\u00e9\t", "n": null, "l": [1, "2", {"a": []}]}}"#;
    let docs = parse_documents("r.json", json_text).expect("parses");
    let values: Vec<Value> = docs.into_iter().map(|d| d.value).collect();
    assert_same_text(&emit_all(&values), &kubectl_kustomize(json_text));
}

#[test]
fn separators_and_empty_output() {
    assert_eq!(emit_all(&[]), "");
    let two = emit_all(&[json!({"a": 1}), json!({"b": "x\n\n"})]);
    assert_eq!(two, "a: 1\n---\nb: |+\n  x\n\n");
}

#[test]
fn layout_of_nested_collections() {
    let v = json!({"m": {"s": [[1, 2], {"k": [3]}, [], {}], "e": {}}, "z": null});
    assert_eq!(emit(&v), "m:\n  e: {}\n  s:\n  - - 1\n    - 2\n  - k:\n    - 3\n  - []\n  - {}\nz: null\n");
}

#[test]
fn complex_keys_put_collections_after_the_colon() {
    let key = "k".repeat(129);
    let v = json!({ key.clone(): {"a": 1, "b": [2]} });
    assert_eq!(emit(&v), format!("? {key}\n: a: 1\n  b:\n  - 2\n"));
}

#[test]
fn plain_scalars_fold_after_column_80() {
    let words = vec!["word"; 30].join(" ");
    let out = emit(&json!({ "k": words }));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 1, "{out}");
    assert!(lines[0].len() > 80 && lines[0].len() <= 85, "{}", lines[0]);
    assert!(lines[1].starts_with("  word"), "{}", lines[1]);
    assert!(!emit(&json!({ "k": words })).contains("  word word  "));
    // Keys never fold.
    let long_key = vec!["kk"; 40].join(" ");
    assert_eq!(emit(&json!({ long_key.clone(): 1 })), format!("{long_key}: 1\n"));
}

#[test]
fn double_quoted_folding_escapes_a_following_space() {
    let s = format!("\t{}  tail", "x".repeat(79));
    let out = emit(&json!({ "k": s }));
    assert_eq!(out, format!("k: \"\\t{}\n  \\ tail\"\n", "x".repeat(79)));
}
