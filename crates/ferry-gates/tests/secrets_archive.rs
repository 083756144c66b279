//! Archives (`--max-archive-depth`): zip, tar.gz and gz read in memory and reported as
//! `outer!inner` paths; archive bombs and crafted entry names handled safely and reported.

use std::io::Write;

use ferry_gates::secrets::{ArchiveLimits, Config, ScanOptions, ScanReport, Scanner, SkipReason};

const PAT: &str = "ghp_R8k2Lw9Qz4Xv7Tb1Nm5Pd3Ks6Yh0Jc2Fa8Ue";

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn tar_gz_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    for (name, bytes) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *bytes).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn scan(bytes: &[u8], path: &str, options: &ScanOptions) -> ScanReport {
    Scanner::new(Config::default_rules()).unwrap().scan_bytes(bytes, path, options).unwrap()
}

fn depth(n: usize) -> ScanOptions {
    ScanOptions { max_archive_depth: n, ..Default::default() }
}

fn files(report: &ScanReport) -> Vec<String> {
    // The planted token is a GitHub one; generic-api-key may flag its base64 form as well.
    let mut files: Vec<String> =
        report.findings.iter().filter(|f| f.rule_id == "github-pat").map(|f| f.file.clone()).collect();
    files.sort();
    files
}

fn bundle() -> Vec<u8> {
    let secret_yaml = format!("kind: Secret\ndata:\n  token: {}\n", base64_of(PAT));
    let inner = tar_gz_of(&[("deploy/secret.yaml", secret_yaml.as_bytes())]);
    zip_of(&[("config/app.env", format!("GITHUB_TOKEN={PAT}\n").as_bytes()), ("inner.tar.gz", &inner)])
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn nested_archives_are_scanned_up_to_the_depth_with_gitleaks_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/bundle.zip"), bundle()).unwrap();
    let scanner = Scanner::new(Config::default_rules()).unwrap();
    let report = scanner.scan_dir(dir.path(), &depth(2)).unwrap();
    assert_eq!(
        files(&report),
        vec!["dist/bundle.zip!config/app.env", "dist/bundle.zip!inner.tar.gz!deploy/secret.yaml"],
        "{:?}",
        report.skipped
    );
    let decoded =
        report.findings.iter().find(|f| f.file.ends_with("secret.yaml") && f.rule_id == "github-pat").unwrap();
    assert_eq!((decoded.secret.as_str(), decoded.start_line), (PAT, 3), "decoded inside the archive");
    assert_eq!(decoded.fingerprint, "dist/bundle.zip!inner.tar.gz!deploy/secret.yaml:github-pat:3");

    let shallow = scanner.scan_dir(dir.path(), &depth(1)).unwrap();
    assert_eq!(files(&shallow), vec!["dist/bundle.zip!config/app.env"]);
    let too_deep = shallow.skipped.iter().find(|s| s.path == "dist/bundle.zip!inner.tar.gz").expect("reported");
    assert_eq!(too_deep.reason, SkipReason::ArchiveTooDeep { limit: 1 });

    let off = scanner.scan_dir(dir.path(), &ScanOptions::default()).unwrap();
    assert!(off.findings.is_empty(), "archives are not opened by default, as in gitleaks");
}

#[test]
fn gzip_file_is_scanned_under_its_own_path() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(format!("2024-01-01 INFO token={PAT}\n").as_bytes()).unwrap();
    let report = scan(&gz.finish().unwrap(), "logs/app.log.gz", &depth(1));
    assert_eq!(files(&report), vec!["logs/app.log.gz"]);
}

#[test]
fn zip_bomb_entry_is_skipped_and_reported_and_the_rest_still_scanned() {
    let zeros = vec![0u8; 16 << 20];
    let bomb = zip_of(&[("bomb.bin", &zeros), ("after.env", format!("t={PAT}\n").as_bytes())]);
    assert!(bomb.len() < 256 << 10, "compresses to {} bytes", bomb.len());
    let options = ScanOptions { max_target_bytes: Some(1 << 20), ..depth(1) };
    let report = scan(&bomb, "bomb.zip", &options);
    assert_eq!(files(&report), vec!["bomb.zip!after.env"]);
    let skipped = report.skipped.iter().find(|s| s.path == "bomb.zip!bomb.bin").expect("reported");
    assert!(matches!(skipped.reason, SkipReason::TooLarge { limit, .. } if limit == 1 << 20), "{skipped:?}");
}

#[test]
fn archive_total_size_and_entry_count_are_capped() {
    let big = vec![b'a'; 1 << 20];
    let many: Vec<(String, Vec<u8>)> = (0..20).map(|i| (format!("f{i:02}.txt"), big.clone())).collect();
    let entries: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let archive = zip_of(&entries);
    let limits = ArchiveLimits { max_entries: 1000, max_total_bytes: 4 << 20 };
    let report = scan(&archive, "many.zip", &ScanOptions { archive_limits: limits, ..depth(1) });
    let capped = report.skipped.iter().filter(|s| matches!(s.reason, SkipReason::ArchiveLimit(_))).count();
    assert_eq!(capped, 1, "{:?}", report.skipped);
    assert!(report.bytes_scanned <= 4 << 20, "read {} bytes", report.bytes_scanned);

    let limits = ArchiveLimits { max_entries: 10, max_total_bytes: 1 << 30 };
    let small: Vec<(String, Vec<u8>)> = (0..50).map(|i| (format!("f{i:02}.txt"), b"x\n".to_vec())).collect();
    let entries: Vec<(&str, &[u8])> = small.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let report = scan(&zip_of(&entries), "many.zip", &ScanOptions { archive_limits: limits, ..depth(1) });
    assert_eq!(report.fragments_scanned, 10);
    assert!(
        report.skipped.iter().any(|s| matches!(&s.reason, SkipReason::ArchiveLimit(why) if why.contains("10 entries")))
    );
}

#[test]
fn path_traversal_entry_names_are_reported_and_nothing_is_extracted() {
    let dir = tempfile::tempdir().unwrap();
    let scan_root = dir.path().join("repo");
    std::fs::create_dir(&scan_root).unwrap();
    let evil = zip_of(&[("../../evil/cron.sh", format!("curl -H 'x: {PAT}'\n").as_bytes()), ("ok.txt", b"fine\n")]);
    std::fs::write(scan_root.join("evil.zip"), evil).unwrap();
    let report = Scanner::new(Config::default_rules()).unwrap().scan_dir(&scan_root, &depth(1)).unwrap();
    assert_eq!(files(&report), vec!["evil.zip!../../evil/cron.sh"], "the secret is still found");
    assert_eq!(report.unsafe_archive_entries, vec!["evil.zip!../../evil/cron.sh"]);
    assert!(!dir.path().join("evil").exists() && !scan_root.join("evil").exists(), "nothing written");
}

#[test]
fn corrupt_archive_is_reported_not_fatal() {
    let report = scan(b"PK\x03\x04 definitely not a zip", "broken.zip", &depth(1));
    assert!(report.findings.is_empty());
    assert!(
        matches!(&report.skipped[0].reason, SkipReason::Unreadable(why) if why.contains("corrupt")),
        "{:?}",
        report.skipped
    );
}
