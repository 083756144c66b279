//! Decoding (gitleaks' `--max-decode-depth`): secrets hidden in base64, hex and percent-encoding,
//! nested, reported where the encoded text sits; decode bombs stay bounded.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ferry_gates::secrets::{Config, DEFAULT_MAX_DECODE_DEPTH, Finding, ScanOptions, Scanner};

const PAT: &str = "ghp_R8k2Lw9Qz4Xv7Tb1Nm5Pd3Ks6Yh0Jc2Fa8Ue";

fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn scan(text: &str, path: &str, depth: usize) -> Vec<Finding> {
    let scanner = Scanner::new(Config::default_rules()).unwrap();
    let options = ScanOptions { max_decode_depth: depth, ..Default::default() };
    scanner.scan_bytes(text.as_bytes(), path, &options).unwrap().findings
}

fn kubernetes_secret(value: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-token\n  namespace: build\ntype: Opaque\ndata:\n  \
         username: {}\n  token: {value}\n",
        b64("ci-bot")
    )
}

#[test]
fn kubernetes_secret_data_is_decoded_and_reported_at_the_encoded_value() {
    let encoded = b64(PAT);
    let manifest = kubernetes_secret(&encoded);
    assert_eq!(DEFAULT_MAX_DECODE_DEPTH, 5, "gitleaks' default");
    let found = scan(&manifest, "deploy/secret.yaml", DEFAULT_MAX_DECODE_DEPTH);
    // The encoded value itself is a high-entropy `token:` assignment too (generic-api-key).
    let f = found.iter().find(|f| f.rule_id == "github-pat").unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!((f.rule_id.as_str(), f.secret.as_str()), ("github-pat", PAT));
    assert_eq!(f.start_line, 9, "the `token:` line");
    let line = manifest.lines().nth(8).unwrap();
    let column = line.find(&encoded).unwrap() + 2; // gitleaks counts from the previous newline
    assert_eq!((f.start_column, f.end_column), (column, column + encoded.len() - 1));
    assert_eq!(f.line.trim(), line.trim(), "the original (encoded) line is reported");
    assert!(f.tags.ends_with(&["decoded:base64".to_string(), "decode-depth:1".to_string()]), "{:?}", f.tags);
    let plain = scan(&manifest, "deploy/secret.yaml", 0);
    assert!(plain.iter().all(|f| f.rule_id != "github-pat"), "--max-decode-depth=0 turns decoding off");
}

#[test]
fn plain_findings_are_not_reported_twice_by_later_passes() {
    let text = format!("token: {PAT}\nother: {}\n", b64("nothing to see here, really"));
    let found = scan(&text, "a.txt", DEFAULT_MAX_DECODE_DEPTH);
    assert_eq!(found.len(), 1);
    assert!(found[0].tags.iter().all(|t| !t.starts_with("decode")), "{:?}", found[0].tags);
}

#[test]
fn nested_encodings_are_tagged_with_each_and_the_depth() {
    let nested = b64(&hex(PAT));
    let text = format!("config:\n  blob: \"{nested}\"\n");
    let found = scan(&text, "values.yaml", DEFAULT_MAX_DECODE_DEPTH);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!((f.secret.as_str(), f.start_line), (PAT, 2));
    for tag in ["decoded:hex", "decoded:base64", "decode-depth:2"] {
        assert!(f.tags.iter().any(|t| t == tag), "missing {tag}: {:?}", f.tags);
    }
    assert!(scan(&text, "values.yaml", 1).is_empty(), "depth 1 stops before the hex layer");
}

#[test]
fn percent_encoded_url_is_decoded() {
    let encoded: String = PAT.bytes().map(|b| format!("%{b:02X}")).collect();
    let text = format!("url: https://example.test/cb?token={encoded}\n");
    let found = scan(&text, "notes.md", DEFAULT_MAX_DECODE_DEPTH);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].tags.iter().any(|t| t == "decoded:percent"));
}

#[test]
fn decode_bomb_stops_at_the_depth_limit() {
    let mut value = format!("token: {PAT}");
    for _ in 0..40 {
        value = b64(&value);
    }
    // One layer more than the limit: not found at the default depth, found with one more.
    let mut shallow = format!("token: {PAT}");
    for _ in 0..(DEFAULT_MAX_DECODE_DEPTH + 1) {
        shallow = b64(&shallow);
    }
    assert!(scan(&shallow, "bomb.txt", DEFAULT_MAX_DECODE_DEPTH).is_empty(), "6 layers are beyond depth 5");
    assert_eq!(scan(&shallow, "bomb.txt", DEFAULT_MAX_DECODE_DEPTH + 1).len(), 1, "and found at depth 6");
    assert!(value.len() > 1 << 20, "the 40-layer value is large: {}", value.len());
    let started = std::time::Instant::now();
    let report = Scanner::new(Config::default_rules())
        .unwrap()
        .scan_bytes(value.as_bytes(), "bomb.txt", &ScanOptions::default())
        .unwrap();
    assert!(report.findings.is_empty());
    assert_eq!(report.bytes_scanned, value.len() as u64);
    // Each pass is no longer than the input and there are at most 5: generous bound, not a sleep.
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
}

#[test]
fn many_encoded_values_in_a_large_file_stay_linear() {
    let line = format!("  key: {}\n", b64("an ordinary configuration value, not secret"));
    let text = line.repeat(50_000);
    let started = std::time::Instant::now();
    let found = scan(&text, "big.yaml", DEFAULT_MAX_DECODE_DEPTH);
    assert!(found.is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
}
