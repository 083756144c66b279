//! `ferry scan secrets`: gitleaks' `git`, `dir` and `stdin` scans behind one command, with
//! gitleaks' flags. The flags are first turned into a [`Plan`] (what to scan, with which
//! configuration and options, where the report goes); only then does anything get scanned.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use ferry_gates::secrets::report::ReportFormat;
use ferry_gates::secrets::{
    Baseline, Config, DEFAULT_MAX_TARGET_BYTES, ScanOptions, ScanReport, Scanner, SecretsError,
};

use super::summary;
use crate::cli::{ReportFormatArg, SecretsArgs};
use crate::commands::Exit;

/// The file `PATH/.gitleaks.toml` gitleaks reads when no configuration is named.
const REPO_CONFIG: &str = ".gitleaks.toml";

/// What is scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Everything read from standard input.
    Stdin,
    /// The files under a directory (or one file), as they are.
    Dir(PathBuf),
    /// The commits of a repository: all of them, or those `git log LOG_OPTS` lists.
    History { repo: PathBuf, log_opts: Option<String> },
    /// The changes staged in a repository's index.
    Staged(PathBuf),
}

/// Where the report is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSink {
    Stdout,
    File(PathBuf),
}

/// A scan ready to run: everything the flags say, checked and loaded.
#[derive(Debug)]
pub struct Plan {
    pub target: Target,
    pub config: Config,
    pub options: ScanOptions,
    pub report: Option<(ReportFormat, ReportSink)>,
    pub exit_code: u8,
}

/// Runs the scan the flags describe; `verbose` prints each finding and skipped file on stderr.
pub fn run(args: &SecretsArgs, verbose: bool) -> anyhow::Result<Exit> {
    let plan = Plan::from_args(args)?;
    let started = Instant::now();
    let scanner = Scanner::new(plan.config).map_err(|e| flat(e, CONFIG))?;
    let found = scan(&scanner, &plan.target, &plan.options)?;
    if let Some((format, sink)) = &plan.report {
        write_report(&format.render(scanner.config(), &found.findings), sink)?;
    }
    if verbose {
        summary::print_findings(&found.findings);
        summary::print_skipped(&found.skipped);
    }
    eprintln!("{}", summary::line(&found, &plan.target, started.elapsed()));
    Ok(match found.findings.is_empty() {
        true => Exit::Success,
        false => Exit::ProblemCode(plan.exit_code),
    })
}

impl Plan {
    /// Checks the flags' combinations and loads the configuration and baseline they name.
    pub fn from_args(args: &SecretsArgs) -> anyhow::Result<Plan> {
        let target = target(args)?;
        let config = load_config(args.config.as_deref(), &config_dir(&target))?;
        let options = options(args)?;
        let report = args.report_path.as_ref().map(|path| {
            let format = args.report_format.map(format_of).unwrap_or_else(|| format_from_extension(path));
            let sink = if path.as_os_str() == "-" { ReportSink::Stdout } else { ReportSink::File(path.clone()) };
            (format, sink)
        });
        Ok(Plan { target, config, options, report, exit_code: args.exit_code })
    }
}

fn target(args: &SecretsArgs) -> anyhow::Result<Target> {
    if args.path.as_os_str() == "-" {
        if args.staged || args.log_opts.is_some() {
            bail!("--staged and --log-opts select commits; they cannot be used when reading stdin (PATH `-`)");
        }
        return Ok(Target::Stdin);
    }
    if !args.path.exists() {
        bail!("{}: no such file or directory", args.path.display());
    }
    Ok(match (args.no_git, args.staged) {
        (true, _) => Target::Dir(args.path.clone()),
        (false, true) => Target::Staged(args.path.clone()),
        (false, false) => Target::History { repo: args.path.clone(), log_opts: args.log_opts.clone() },
    })
}

/// The directory whose `.gitleaks.toml` applies: the scanned directory or repository (the
/// current one for stdin); a single scanned file has none, as in gitleaks.
fn config_dir(target: &Target) -> Option<PathBuf> {
    let dir = match target {
        Target::Stdin => Path::new("."),
        Target::Dir(path) | Target::History { repo: path, .. } | Target::Staged(path) => path.as_path(),
    };
    dir.is_dir().then(|| dir.to_path_buf())
}

/// gitleaks' order: `--config`, `$GITLEAKS_CONFIG` (a path), `$GITLEAKS_CONFIG_TOML` (the text),
/// `PATH/.gitleaks.toml`, else the default rules.
pub fn load_config(flag: Option<&Path>, dir: &Option<PathBuf>) -> anyhow::Result<Config> {
    let loaded = if let Some(path) = flag {
        Config::load(path)
    } else if let Some(path) = std::env::var_os("GITLEAKS_CONFIG").filter(|p| !p.is_empty()) {
        Config::load(Path::new(&path))
    } else if let Some(text) = std::env::var("GITLEAKS_CONFIG_TOML").ok().filter(|t| !t.is_empty()) {
        Config::parse(&text, "$GITLEAKS_CONFIG_TOML")
    } else {
        match dir.as_ref().map(|d| d.join(REPO_CONFIG)).filter(|p| p.is_file()) {
            Some(path) => Config::load(&path),
            None => Ok(Config::default_rules()),
        }
    };
    loaded.map_err(|e| flat(e, CONFIG))
}

fn options(args: &SecretsArgs) -> anyhow::Result<ScanOptions> {
    let baseline = match &args.baseline_path {
        Some(path) => Some(Baseline::load(path).map_err(|e| flat(e, "loading the baseline report"))?),
        None => None,
    };
    let max_target_bytes = match args.max_target_megabytes {
        None => Some(DEFAULT_MAX_TARGET_BYTES),
        Some(0) => None,
        Some(mib) => Some(mib.saturating_mul(1024 * 1024)),
    };
    // gitleaks accepts the ignore file or the directory holding it.
    let ignore = &args.gitleaks_ignore_path;
    let gitleaks_ignore_path = Some(if ignore.is_dir() { ignore.join(".gitleaksignore") } else { ignore.clone() });
    Ok(ScanOptions {
        redact: args.redact.unwrap_or(0),
        max_target_bytes,
        follow_symlinks: args.follow_symlinks,
        ignore_gitleaks_allow: args.ignore_gitleaks_allow,
        gitleaks_ignore_path,
        baseline,
        max_decode_depth: args.max_decode_depth,
        max_archive_depth: args.max_archive_depth,
        ..ScanOptions::default()
    })
}

fn scan(scanner: &Scanner, target: &Target, options: &ScanOptions) -> anyhow::Result<ScanReport> {
    let report = match target {
        Target::Stdin => scanner.scan_reader(std::io::stdin().lock(), options),
        Target::Dir(path) => {
            // gitleaks names a directory scan's files by the path it was given (`dir target` →
            // `target/app.env`), and its fingerprints and `.gitleaksignore` entries with them.
            let options = ScanOptions { given_root: Some(path.to_string_lossy().into_owned()), ..options.clone() };
            scanner.scan_dir(path, &options)
        }
        Target::History { repo, log_opts } => scanner.scan_git(repo, log_opts.as_deref(), options),
        Target::Staged(repo) => scanner.scan_staged(repo, options),
    };
    report.map_err(|e| flat(e, "scanning for secrets"))
}

/// What a configuration error is prefixed with.
const CONFIG: &str = "loading the secret-scanning configuration";

/// The scanner's errors already quote their cause (file, line, rule id, the OS error); keeping
/// it as a separate `source` too would print it twice.
fn flat(error: SecretsError, doing: &str) -> anyhow::Error {
    anyhow::anyhow!("{doing}: {error}")
}

fn format_of(arg: ReportFormatArg) -> ReportFormat {
    match arg {
        ReportFormatArg::Json => ReportFormat::Json,
        ReportFormatArg::Sarif => ReportFormat::Sarif,
        ReportFormatArg::Junit => ReportFormat::Junit,
    }
}

/// gitleaks picks the format from the report file's extension when none is named.
fn format_from_extension(path: &Path) -> ReportFormat {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("sarif") => ReportFormat::Sarif,
        Some("xml") => ReportFormat::Junit,
        _ => ReportFormat::Json,
    }
}

fn write_report(text: &str, sink: &ReportSink) -> anyhow::Result<()> {
    match sink {
        ReportSink::Stdout => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Ok(())
        }
        ReportSink::File(path) => {
            std::fs::write(path, text).with_context(|| format!("writing the report {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_format_follows_the_extension() {
        assert_eq!(format_from_extension(Path::new("leaks.sarif")), ReportFormat::Sarif);
        assert_eq!(format_from_extension(Path::new("leaks.XML")), ReportFormat::Junit);
        assert_eq!(format_from_extension(Path::new("leaks.json")), ReportFormat::Json);
        assert_eq!(format_from_extension(Path::new("-")), ReportFormat::Json);
    }

    #[test]
    fn a_repository_config_is_read_only_from_a_directory() {
        if std::env::var_os("GITLEAKS_CONFIG").is_some() || std::env::var_os("GITLEAKS_CONFIG_TOML").is_some() {
            return; // the environment's configuration takes precedence, as in gitleaks
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let toml = "[[rules]]\nid = \"only-rule\"\nregex = '''only-[0-9]{8}'''\n";
        std::fs::write(dir.path().join(REPO_CONFIG), toml).expect("writing the config");
        let config = load_config(None, &Some(dir.path().to_path_buf())).expect("config loads");
        assert_eq!(config.rules.len(), 1);
        assert!(config.rule("only-rule").is_some());
        let default = load_config(None, &None).expect("defaults load");
        assert!(default.rules.len() > 1);
    }
}
