//! The benchmark's Git history: realistic text (Rust and Go source, Kubernetes YAML, JSON, logs)
//! streamed into `git fast-import`, every commit adding a few new files, a few planted secrets.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// A small deterministic generator (xorshift64*), so every run has the same corpus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn word(&mut self) -> &'static str {
        const WORDS: [&str; 32] = [
            "config", "request", "handler", "buffer", "status", "client", "server", "value", "result", "index",
            "cluster", "replica", "service", "deploy", "route", "metric", "window", "payload", "session", "account",
            "order", "invoice", "queue", "worker", "retry", "timeout", "stream", "cache", "region", "tenant",
            "version", "label",
        ];
        WORDS[self.below(WORDS.len())]
    }
}

/// Secrets planted in the history (the default rules find each).
pub const PLANTED: [&str; 4] = [
    "GITHUB_TOKEN=ghp_R8k2Lw9Qz4Xv7Tb1Nm5Pd3Ks6Yh0Jc2Fa8Ue\n",
    "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2\n",
    "slack: https://hooks.slack.com/services/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\n",
    "  token: Z2hwX1I4azJMdzlRejRYdjdUYjFObTVQZDNLczZZaDBKYzJGYThVZQ==\n",
];

fn rust_line(rng: &mut Rng, out: &mut String) {
    let (a, b, n) = (rng.word(), rng.word(), rng.below(10_000));
    match rng.below(6) {
        0 => out.push_str(&format!("    let {a}_{b} = self.{a}.get({n}).map(|v| v.{b}()).unwrap_or_default();\n")),
        1 => out.push_str(&format!("pub fn {a}_{b}(&mut self, {a}: &{}) -> Result<usize, Error> {{\n", cap(b))),
        2 => out.push_str(&format!("        if {a}.len() > {n} {{ return Err(Error::{}({n})); }}\n", cap(a))),
        3 => out.push_str(&format!("    // The {a} is kept until the {b} is flushed (see #{n}).\n")),
        4 => out.push_str(&format!("    {a}.push_str(&format!(\"{{}}-{{}}\", {b}, {n}));\n")),
        _ => out.push_str("    }\n}\n\n"),
    }
}

fn go_line(rng: &mut Rng, out: &mut String) {
    let (a, b, n) = (rng.word(), rng.word(), rng.below(10_000));
    match rng.below(5) {
        0 => out.push_str(&format!("func (s *{}) {}(ctx context.Context) error {{\n", cap(a), cap(b))),
        1 => out.push_str(&format!(
            "\tif err := s.{a}.{}(ctx, {n}); err != nil {{\n\t\treturn fmt.Errorf(\"{b}: %w\", err)\n\t}}\n",
            cap(b)
        )),
        2 => out.push_str(&format!("\t{a}{} := make(map[string]int, {n})\n", cap(b))),
        3 => out.push_str(&format!("\tlog.Printf(\"{a} %s took %v\", {b}, time.Since(start)) // {n}\n")),
        _ => out.push_str("\treturn nil\n}\n\n"),
    }
}

fn yaml_doc(rng: &mut Rng, out: &mut String) {
    let (a, b, n) = (rng.word(), rng.word(), rng.below(1000));
    out.push_str(&format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {a}-{b}\n  namespace: {b}\n  labels:\n    \
         app.kubernetes.io/name: {a}\nspec:\n  replicas: {}\n  template:\n    spec:\n      containers:\n        - name: {a}\n          \
         image: registry.example.com/{a}/{b}:1.{n}.0\n          env:\n            - name: {}_URL\n              value: http://{b}.{a}.svc:8080\n          \
         resources:\n            limits:\n              memory: {}Mi\n",
        1 + n % 5,
        a.to_uppercase(),
        128 * (1 + n % 8)
    ));
}

fn json_line(rng: &mut Rng, out: &mut String) {
    let (a, b, n) = (rng.word(), rng.word(), rng.below(100_000));
    out.push_str(&format!(
        "  {{\"{a}\": \"{b}-{n}\", \"id\": {n}, \"enabled\": {}, \"{b}\": [{n}, {}]}},\n",
        n % 2 == 0,
        n / 7
    ));
}

fn log_line(rng: &mut Rng, out: &mut String) {
    let (a, b, n) = (rng.word(), rng.word(), rng.below(100_000));
    let level = ["INFO", "DEBUG", "WARN", "ERROR"][rng.below(4)];
    out.push_str(&format!(
        "2025-03-{:02}T{:02}:{:02}:{:02}.{n:06}Z {level} {a}.{b} request_id={n:x} duration_ms={} msg=\"{a} {b} done\"\n",
        1 + n % 28, n % 24, n % 60, (n / 60) % 60, n % 997
    ));
}

fn cap(word: &str) -> String {
    let mut c = word.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// One file of about `size` bytes: its path and content.
pub fn file(rng: &mut Rng, commit: usize, index: usize, size: usize) -> (String, String) {
    let mut out = String::with_capacity(size + 512);
    let (dir, ext, line): (&str, &str, fn(&mut Rng, &mut String)) = match rng.below(5) {
        0 => ("src", "rs", rust_line),
        1 => ("pkg", "go", go_line),
        2 => ("deploy", "yaml", yaml_doc),
        3 => ("data", "json", json_line),
        _ => ("logs", "log", log_line),
    };
    while out.len() < size {
        line(rng, &mut out);
    }
    (format!("{dir}/{commit:05}-{index}.{ext}"), out)
}

/// Writes a repository of about `total` bytes of added text under `repo` with `git fast-import`;
/// returns the bytes of file content written (what a full-history scan reads).
pub fn generate(repo: &Path, total: usize, files_per_commit: usize, file_size: usize) -> usize {
    git(repo, &["init", "-q", "-b", "main"]);
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(repo)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut stdin = std::io::BufWriter::with_capacity(1 << 20, child.stdin.take().expect("stdin"));
    let mut rng = Rng::new(0x5eed);
    let mut written = 0;
    let mut commit = 0;
    while written < total {
        let mut entries = Vec::new();
        for index in 0..files_per_commit {
            let (path, mut text) = file(&mut rng, commit, index, file_size);
            if commit % 97 == 13 && index == 0 {
                text.push_str(PLANTED[(commit / 97) % PLANTED.len()]);
            }
            written += text.len();
            writeln!(stdin, "blob\nmark :{}\ndata {}", commit * files_per_commit + index + 1, text.len()).unwrap();
            stdin.write_all(text.as_bytes()).unwrap();
            stdin.write_all(b"\n").unwrap();
            entries.push((path, commit * files_per_commit + index + 1));
        }
        let message = format!("change {commit}");
        let when = 1_700_000_000 + commit * 60;
        writeln!(stdin, "commit refs/heads/main\nauthor Dev <dev@example.com> {when} +0000").unwrap();
        writeln!(stdin, "committer Dev <dev@example.com> {when} +0000\ndata {}\n{message}", message.len()).unwrap();
        for (path, mark) in entries {
            writeln!(stdin, "M 100644 :{mark} {path}").unwrap();
        }
        writeln!(stdin).unwrap();
        commit += 1;
    }
    drop(stdin);
    assert!(child.wait().expect("fast-import").success(), "git fast-import failed");
    git(repo, &["checkout", "-q", "-f", "main"]);
    written
}

pub fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("running git");
    assert!(status.success(), "git {args:?}");
}
