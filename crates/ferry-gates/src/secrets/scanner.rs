//! The scanner: runs the detector over a target (directory, Git history, staged changes, a
//! reader) and applies suppression (`.gitleaksignore`, baseline) and redaction.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::archive::{self, ArchiveLimits, Budget, Format, INNER_PATH_SEPARATOR, Item};
use super::config::Config;
use super::decode::DEFAULT_MAX_DECODE_DEPTH;
use super::detector::{DetectOptions, Detector, Fragment};
use super::error::SecretsError;
use super::finding::Finding;
use super::git;
use super::gitdiff::Hunk;
use super::ignore::{Baseline, IgnoreList};
use super::walk::{self, FileEntry};

/// Default cap on one file's or input's size: larger ones are skipped and reported.
pub const DEFAULT_MAX_TARGET_BYTES: u64 = 100 * 1024 * 1024;

/// How a scan runs; `Default` is gitleaks' default behaviour.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Percentage of each secret to hide in findings (0 = none, 100 = `REDACTED`).
    pub redact: u8,
    /// Files (or inputs) larger than this are skipped and reported; `None` scans everything.
    pub max_target_bytes: Option<u64>,
    /// Scan the targets of symbolic links in directory scans (reported in `SymlinkFile`).
    pub follow_symlinks: bool,
    /// Report findings on lines marked `gitleaks:allow` too.
    pub ignore_gitleaks_allow: bool,
    /// An extra `.gitleaksignore` file; the target root's own `.gitleaksignore` is always read.
    pub gitleaks_ignore_path: Option<PathBuf>,
    /// Findings equal to one in this earlier report are not reported.
    pub baseline: Option<Baseline>,
    /// How many passes of decoding (base64, hex, percent, unicode escapes) follow the scan of
    /// the text itself; 0 disables decoding. gitleaks' default: 5.
    pub max_decode_depth: usize,
    /// How deep to read into archives (zip, tar, tar.gz, gz), nested ones included; 0 leaves
    /// archives alone (gitleaks' default).
    pub max_archive_depth: usize,
    /// Caps on what one archive may make the scan read (archive bombs).
    pub archive_limits: ArchiveLimits,
    /// How a directory scan names its files: `Some(path as given)` names them as gitleaks does,
    /// the given path joined with the file's (cleaned as Go cleans paths: `./target/` →
    /// `target/app.env`, `.` → `app.env`); `None` names them relative to the root.
    pub given_root: Option<String>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            redact: 0,
            max_target_bytes: Some(DEFAULT_MAX_TARGET_BYTES),
            follow_symlinks: false,
            ignore_gitleaks_allow: false,
            gitleaks_ignore_path: None,
            baseline: None,
            max_decode_depth: DEFAULT_MAX_DECODE_DEPTH,
            max_archive_depth: 0,
            archive_limits: ArchiveLimits::default(),
            given_root: None,
        }
    }
}

/// Why a file was not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// It contains NUL bytes near the start.
    Binary,
    /// It is larger than `max_target_bytes`.
    TooLarge { size: u64, limit: u64 },
    /// It could not be read (or, inside an archive, is corrupt).
    Unreadable(String),
    /// An archive nested deeper than `max_archive_depth`.
    ArchiveTooDeep { limit: usize },
    /// An archive's entry count or total size went over [`ArchiveLimits`]; the rest of it.
    ArchiveLimit(String),
}

/// A file that was not scanned, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// The outcome of one scan.
#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    /// Reported findings, suppression and redaction applied.
    pub findings: Vec<Finding>,
    /// Files not scanned (binary, too large, unreadable).
    pub skipped: Vec<Skipped>,
    /// Findings suppressed by `.gitleaksignore` or the baseline.
    pub suppressed: usize,
    /// Text scanned, in bytes.
    pub bytes_scanned: u64,
    /// Files (directory scans) or hunks (Git scans) scanned.
    pub fragments_scanned: usize,
    /// Archive entries whose names are absolute or climb out with `..` (scanned in memory,
    /// never extracted): a sign of a crafted archive.
    pub unsafe_archive_entries: Vec<String>,
}

/// A secret scanner over one configuration.
#[derive(Debug)]
pub struct Scanner {
    detector: Detector,
}

impl Scanner {
    /// A scanner for `config`. Fails only if the configuration is inconsistent (a rule id used twice).
    pub fn new(config: Config) -> Result<Scanner, SecretsError> {
        for (i, rule) in config.rules.iter().enumerate() {
            if config.rules[..i].iter().any(|r| r.id == rule.id) {
                return Err(SecretsError::Invalid {
                    origin: config.origin.clone(),
                    location: format!("rule {:?}", rule.id),
                    message: "rule id defined twice".into(),
                });
            }
        }
        Ok(Scanner { detector: Detector::new(config) })
    }

    pub fn config(&self) -> &Config {
        self.detector.config()
    }

    /// Scans every file under `root` (gitleaks `--no-git`/`dir`), skipping `.git/`. Paths in
    /// findings are relative to `root`, with `/` separators.
    pub fn scan_dir(&self, root: &Path, options: &ScanOptions) -> Result<ScanReport, SecretsError> {
        let mut collector = Collector::new(options, Some(root))?;
        let mut entries = walk::files(root, options.follow_symlinks)?;
        if let Some(given) = &options.given_root {
            walk::name_as_given(&mut entries, given, root.is_file());
        }
        for entry in entries {
            self.scan_file(&entry, options, &mut collector);
        }
        Ok(collector.finish())
    }

    /// Scans a Git history: every commit reachable from any ref, or those selected by `log_opts`
    /// (e.g. `"main..feature"`, `"-n 5"`). Findings are attributed to the commit adding the line.
    pub fn scan_git(
        &self,
        repo: &Path,
        log_opts: Option<&str>,
        options: &ScanOptions,
    ) -> Result<ScanReport, SecretsError> {
        let mut collector = Collector::new(options, Some(repo))?;
        git::log_hunks(repo, log_opts, &mut |hunk| self.scan_hunk(hunk, options, &mut collector))?;
        Ok(collector.finish())
    }

    /// Scans the changes staged in the index (`git diff --cached`), as a pre-commit hook would.
    pub fn scan_staged(&self, repo: &Path, options: &ScanOptions) -> Result<ScanReport, SecretsError> {
        let mut collector = Collector::new(options, Some(repo))?;
        git::staged_hunks(repo, &mut |hunk| self.scan_hunk(hunk, options, &mut collector))?;
        Ok(collector.finish())
    }

    /// Scans everything `reader` yields (stdin); findings have an empty `File`.
    pub fn scan_reader(&self, reader: impl Read, options: &ScanOptions) -> Result<ScanReport, SecretsError> {
        let mut bytes = Vec::new();
        let limit = options.max_target_bytes.map(|l| l.saturating_add(1)).unwrap_or(u64::MAX);
        reader.take(limit).read_to_end(&mut bytes).map_err(|e| SecretsError::io("<stdin>", e))?;
        let mut collector = Collector::new(options, None)?;
        self.scan_content(&bytes, "", "", options, &mut collector);
        Ok(collector.finish())
    }

    /// Scans in-memory content as if it were the file `path`.
    pub fn scan_bytes(&self, bytes: &[u8], path: &str, options: &ScanOptions) -> Result<ScanReport, SecretsError> {
        let mut collector = Collector::new(options, None)?;
        self.scan_named(bytes, path, "", options, &mut collector);
        Ok(collector.finish())
    }

    fn scan_file(&self, entry: &FileEntry, options: &ScanOptions, collector: &mut Collector<'_>) {
        if let Some(limit) = options.max_target_bytes.filter(|&l| entry.size > l) {
            collector.skip(&entry.path, SkipReason::TooLarge { size: entry.size, limit });
            return;
        }
        match std::fs::read(&entry.full_path) {
            Ok(bytes) => self.scan_named(&bytes, &entry.path, &entry.symlink, options, collector),
            Err(e) => collector.skip(&entry.path, SkipReason::Unreadable(e.to_string())),
        }
    }

    /// Scans a file's content, reading into it when it is an archive and archives are on.
    fn scan_named(
        &self,
        bytes: &[u8],
        path: &str,
        symlink: &str,
        options: &ScanOptions,
        collector: &mut Collector<'_>,
    ) {
        match archive::format_of(path).filter(|_| options.max_archive_depth > 0) {
            Some(format) => {
                let mut budget = Budget::new(options.archive_limits, options.max_target_bytes);
                let at = Nest { path, symlink, depth: 0 };
                self.scan_archive(format, bytes, &at, &mut budget, collector);
            }
            None => self.scan_content(bytes, path, symlink, options, collector),
        }
    }

    /// Scans the files of an archive at `at.depth` (0 for one found on disk), as
    /// `ARCHIVE!INNER` paths, descending into nested archives up to `max_archive_depth`.
    fn scan_archive(
        &self,
        format: Format,
        bytes: &[u8],
        at: &Nest<'_>,
        budget: &mut Budget,
        collector: &mut Collector<'_>,
    ) {
        let options = collector.options;
        if at.depth + 1 > options.max_archive_depth {
            collector.skip(at.path, SkipReason::ArchiveTooDeep { limit: options.max_archive_depth });
            return;
        }
        let inner_path = |name: &str| match name {
            "" => at.path.to_string(),
            name => format!("{}{INNER_PATH_SEPARATOR}{name}", at.path),
        };
        archive::read(format, bytes, budget, &mut |item, budget| match item {
            Item::File { name, bytes, unsafe_name } => {
                let path = inner_path(&name);
                if unsafe_name {
                    collector.report.unsafe_archive_entries.push(path.clone());
                }
                match archive::format_of(&name).filter(|_| !name.is_empty()) {
                    Some(inner) => {
                        let nested = Nest { path: &path, symlink: at.symlink, depth: at.depth + 1 };
                        self.scan_archive(inner, &bytes, &nested, budget, collector);
                    }
                    None => self.scan_content(&bytes, &path, at.symlink, options, collector),
                }
            }
            Item::Skipped { name, reason } => collector.skip(&inner_path(&name), reason),
        });
    }

    fn scan_content(
        &self,
        bytes: &[u8],
        path: &str,
        symlink: &str,
        options: &ScanOptions,
        collector: &mut Collector<'_>,
    ) {
        if let Some(limit) = options.max_target_bytes.filter(|&l| bytes.len() as u64 > l) {
            collector.skip(path, SkipReason::TooLarge { size: bytes.len() as u64, limit });
            return;
        }
        if is_binary(bytes) {
            collector.skip(path, SkipReason::Binary);
            return;
        }
        let text = text_of(bytes);
        let fragment = Fragment { raw: &text, path, symlink, commit: None, start_line: 1 };
        collector.scanned(bytes.len());
        collector.add(self.detector.detect(&fragment, &detect_options(options)));
    }

    fn scan_hunk(&self, hunk: &Hunk<'_>, options: &ScanOptions, collector: &mut Collector<'_>) {
        let fragment =
            Fragment { raw: hunk.raw, path: hunk.path, symlink: "", commit: hunk.commit, start_line: hunk.start_line };
        collector.scanned(hunk.raw.len());
        collector.add(self.detector.detect(&fragment, &detect_options(options)));
    }
}

fn detect_options(options: &ScanOptions) -> DetectOptions {
    DetectOptions { honour_inline_allow: !options.ignore_gitleaks_allow, max_decode_depth: options.max_decode_depth }
}

/// Where an archive sits: its path (with the archives it is nested in) and depth.
struct Nest<'a> {
    path: &'a str,
    symlink: &'a str,
    depth: usize,
}

/// The bytes as text, invalid UTF-8 replaced. `from_utf8` is tried first: it checks ASCII a
/// word at a time, where `from_utf8_lossy` walks byte by byte (15 % of a directory scan).
fn text_of(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// gitleaks' and git's heuristic: a NUL byte in the first 8000 bytes means binary.
fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8000)].contains(&0)
}

/// Gathers findings, applying `.gitleaksignore`, the baseline and redaction as they arrive.
struct Collector<'o> {
    options: &'o ScanOptions,
    ignore: IgnoreList,
    report: ScanReport,
}

impl<'o> Collector<'o> {
    fn new(options: &'o ScanOptions, root: Option<&Path>) -> Result<Collector<'o>, SecretsError> {
        let mut ignore = IgnoreList::default();
        // A file target has no `.gitleaksignore` beside it to read (gitleaks reads the source's
        // only when it exists).
        if let Some(root) = root.filter(|r| r.is_dir()) {
            ignore.add_file(&root.join(".gitleaksignore"))?;
        }
        if let Some(path) = &options.gitleaks_ignore_path {
            ignore.add_file(path)?;
        }
        Ok(Collector { options, ignore, report: ScanReport::default() })
    }

    fn scanned(&mut self, bytes: usize) {
        self.report.bytes_scanned += bytes as u64;
        self.report.fragments_scanned += 1;
    }

    fn skip(&mut self, path: &str, reason: SkipReason) {
        self.report.skipped.push(Skipped { path: path.to_string(), reason });
    }

    fn add(&mut self, findings: Vec<Finding>) {
        for mut finding in findings {
            finding.fingerprint = finding.compute_fingerprint();
            let redacted = self.options.redact > 0;
            let in_baseline = self.options.baseline.as_ref().is_some_and(|b| b.contains(&finding, redacted));
            if self.ignore.ignores(&finding) || in_baseline {
                self.report.suppressed += 1;
                continue;
            }
            finding.redact(self.options.redact);
            self.report.findings.push(finding);
        }
    }

    fn finish(self) -> ScanReport {
        self.report
    }
}
