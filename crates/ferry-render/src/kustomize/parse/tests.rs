use serde_json::json;

use super::*;

fn values(text: &str) -> Vec<Value> {
    parse_documents("r.yaml", text).unwrap().into_iter().map(|d| d.value).collect()
}

fn syntax_error(text: &str) -> (usize, String) {
    match parse_documents("r.yaml", text) {
        Err(KustomizeError::Syntax { file, line, message, .. }) => {
            assert_eq!(file, "r.yaml");
            (line, message)
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn documents_skip_empty_ones_and_keep_lines() {
    let text = "# header\n---\na: 1\n---\n---\n# only a comment\n---\nnull\n---\nb: 0644\n";
    let docs = parse_documents("x.yaml", text).unwrap();
    assert_eq!(docs.iter().map(|d| d.line).collect::<Vec<_>>(), [3, 10]);
    assert_eq!(docs[1].value, json!({"b": 420}));
}

#[test]
fn crlf_and_json_files() {
    assert_eq!(values("a: 1\r\nb: x\r\n"), [json!({"a": 1, "b": "x"})]);
    assert_eq!(
        values("{\"a\": 1.0, \"b\": [true, null], \"c\": \"\\u00e9\"}"),
        [json!({"a": 1.0, "b": [true, null], "c": "é"})]
    );
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text =
        "base: &b\n  x: 1\n  y: 2\nover: &o\n  y: 3\n  z: 4\nm:\n  <<: [*b, *o]\n  x: own\nq:\n  \"<<\": literal\n";
    let v = &values(text)[0];
    assert_eq!(v["m"], json!({"x": "own", "y": 2, "z": 4}));
    assert_eq!(v["q"], json!({"<<": "literal"}));
}

#[test]
fn duplicate_keys_are_errors_with_both_lines() {
    let (line, message) = syntax_error("kind: A\ndata:\n  a: 1\n  \"a\": 2\n");
    assert_eq!(line, 4);
    assert_eq!(message, "mapping key \"a\" already defined at line 3");
}

#[test]
fn kustomization_files_take_the_last_of_repeated_keys() {
    let docs = super::parse_kustomization_documents("k.yaml", "a: 1\nm:\n  x: 1\n  x: 2\na: 3\n").unwrap();
    assert_eq!(docs[0].value, json!({"a": 3, "m": {"x": 2}}));
}

#[test]
fn annotation_values_keep_their_yaml_text_as_strings() {
    let docs = super::parse_documents("r.yaml", "metadata:\n  annotations:\n    a: 0x1F\n    b: 1.50\n    c: ~\n    d:\n    e: true\n  labels:\n    l: 1\ndata:\n  x: 1\n").unwrap();
    assert_eq!(
        docs[0].value["metadata"]["annotations"],
        json!({"a": "0x1F", "b": "1.50", "c": "~", "d": "", "e": "true"})
    );
    assert_eq!(docs[0].value["metadata"]["labels"]["l"], json!(1));
    assert_eq!(docs[0].value["data"]["x"], json!(1));
}

#[test]
fn non_string_keys_and_infinities_are_errors() {
    assert!(syntax_error("a:\n  1: x\n").1.contains("not a string"));
    assert!(syntax_error("a: .inf\n").1.contains("unsupported value"));
}

#[test]
fn separators_with_content_are_errors() {
    let (line, message) = syntax_error("a: 1\n--- {b: 2}\n");
    assert_eq!((line, message.as_str()), (2, "invalid document separator: --- {b: 2}"));
}

#[test]
fn syntax_errors_carry_lines_after_earlier_documents() {
    let (line, _) = syntax_error("a: 1\n---\nb: 2\nc: [\n");
    assert!(line >= 4, "line {line}");
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    assert!(syntax_error(&text).1.contains("too large"));
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("{}1{}", "[".repeat(150), "]".repeat(150));
    assert!(parse_documents("r.yaml", &text).is_err());
}

#[test]
fn characters_go_yaml_v2_refuses_are_errors() {
    assert!(syntax_error("a: \"x\\x7fy\"\n").1.contains("control characters"));
    assert!(syntax_error("a: \"x\\u0086y\"\n").1.contains("control characters"));
    assert_eq!(values("a: \"x\\u0085y\\x01\"\n"), [json!({"a": "x\u{85}y\u{1}"})]);
}
