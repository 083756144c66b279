//! Conformance: every case under `tests/kustomize/<case>/` is built by Ferry and by
//! `kubectl kustomize` (kustomize v5.5, the oracle) in the same run; the outputs must be equal
//! byte for byte. A case builds `<case>/overlay` when it exists, else `<case>`; `<case>/flags`
//! holds extra flags (`--reorder none`, `--load-restrictor LoadRestrictionsNone`, `--enable-helm
//! --helm-command {helm-wrapper}`, where `{helm-wrapper}` is the test tree's `helm` wrapper over
//! Helm's engine from PyPI `helm-python-sdk`, given to both tools); a case with
//! `<case>/expect-error` must fail in both, Ferry's error containing that file's text.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_render::kustomize::{self, BuildOptions, FsLoader, LoadRestrictor, Reorder};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kustomize")
}

fn flags(case: &Path) -> Vec<String> {
    let wrapper = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/helm-wrapper/helm");
    std::fs::read_to_string(case.join("flags"))
        .map(|t| t.split_whitespace().map(|f| f.replace("{helm-wrapper}", &wrapper.to_string_lossy())).collect())
        .unwrap_or_default()
}

fn options(flags: &[String]) -> BuildOptions<'static> {
    let mut opts = BuildOptions { enable_helm: flags.iter().any(|f| f == "--enable-helm"), ..BuildOptions::default() };
    for pair in flags.windows(2) {
        match (pair[0].as_str(), pair[1].as_str()) {
            ("--reorder", "none") => opts.reorder = Reorder::None,
            ("--load-restrictor", "LoadRestrictionsNone") => opts.load_restrictor = LoadRestrictor::None,
            ("--helm-command", command) => opts.helm_command = Some(command.to_owned()),
            _ => {}
        }
    }
    opts
}

fn ferry(dir: &Path, opts: &BuildOptions) -> Result<String, String> {
    let (loader, rel) = FsLoader::for_directory(dir).map_err(|e| e.to_string())?;
    kustomize::build_yaml(&loader, &rel, opts).map_err(|e| e.to_string())
}

fn oracle(dir: &Path, flags: &[String]) -> Result<String, String> {
    let out = Command::new("kubectl").arg("kustomize").arg(dir).args(flags).output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A small line diff for the failure message.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let first = w.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(w.len().min(g.len()));
    let from = first.saturating_sub(3);
    let mut out = format!("first difference at line {}\n", first + 1);
    for l in &w[from..w.len().min(first + 8)] {
        out.push_str(&format!("-{l}\n"));
    }
    for l in &g[from..g.len().min(first + 8)] {
        out.push_str(&format!("+{l}\n"));
    }
    out
}

/// Builds one case; `None` when it conforms, else what went wrong.
fn check(case: &Path) -> Option<String> {
    let dir = if case.join("overlay").is_dir() { case.join("overlay") } else { case.to_path_buf() };
    let flags = flags(case);
    let opts = options(&flags);
    let (want, got) = (oracle(&dir, &flags), ferry(&dir, &opts));
    match std::fs::read_to_string(case.join("expect-error")) {
        Ok(expected) => match (want, got) {
            (Err(_), Err(e)) if e.contains(expected.trim()) => None,
            (Err(_), Err(e)) => Some(format!("Ferry's error {e:?} does not contain {:?}", expected.trim())),
            (Ok(_), _) => Some("kubectl kustomize succeeded; the case expects an error".to_owned()),
            (Err(_), Ok(_)) => Some("Ferry succeeded where kubectl kustomize failed".to_owned()),
        },
        Err(_) => match (want, got) {
            (Ok(w), Ok(g)) if w == g => None,
            (Ok(w), Ok(g)) => Some(diff(&w, &g)),
            (Ok(_), Err(e)) => Some(format!("Ferry failed: {e}")),
            (Err(e), _) => Some(format!("kubectl kustomize failed: {e}")),
        },
    }
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn corpus_matches_kubectl_kustomize() {
    let filter = std::env::var("KUSTOMIZE_CASE").unwrap_or_default();
    let selected: Vec<PathBuf> =
        cases().into_iter().filter(|c| c.file_name().is_some_and(|n| n.to_string_lossy().contains(&filter))).collect();
    let ran = selected.len();
    assert!(ran > 0, "no case matched {filter:?}");
    // Cases are independent: run them on a few threads (kubectl is a process per case).
    let chunk = selected.len().div_ceil(8);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = selected
            .chunks(chunk)
            .map(|cases| {
                scope.spawn(move || {
                    cases
                        .iter()
                        .filter_map(|case| {
                            let name = case.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                            check(case).map(|problem| format!("== {name}\n{problem}"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a case thread")).collect()
    });
    assert!(failures.is_empty(), "{} of {ran} cases differ:\n{}", failures.len(), failures.join("\n"));
}

/// A file over the size cap is refused with its name, before it is parsed.
#[test]
fn very_large_resource_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kustomization.yaml"), "resources: [big.yaml]\n").unwrap();
    let big =
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: \"{}\"\n", "x".repeat(9 << 20));
    std::fs::write(dir.path().join("big.yaml"), big).unwrap();
    let err = ferry(dir.path(), &BuildOptions::default()).unwrap_err();
    assert!(err.contains("big.yaml") && err.contains("larger than the limit"), "{err}");
}

/// A symlink pointing out of the kustomization's directory is refused under the default
/// restrictor, and followed with `LoadRestrictionsNone`, as kustomize does.
#[test]
fn symlink_escaping_the_root_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside.yaml");
    std::fs::write(&outside, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: secret-stuff\n").unwrap();
    let root = dir.path().join("app");
    std::fs::create_dir(&root).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("cm.yaml")).unwrap();
    std::fs::write(root.join("kustomization.yaml"), "resources: [cm.yaml]\n").unwrap();
    assert!(oracle(&root, &[]).is_err(), "kubectl kustomize refuses it too");
    let err = ferry(&root, &BuildOptions::default()).unwrap_err();
    assert!(err.contains("security") && err.contains("cm.yaml"), "{err}");
    let none = BuildOptions { load_restrictor: LoadRestrictor::None, ..BuildOptions::default() };
    let flags = ["--load-restrictor".to_owned(), "LoadRestrictionsNone".to_owned()];
    assert_eq!(ferry(&root, &none).unwrap(), oracle(&root, &flags).unwrap());
}

/// A YAML alias bomb is refused by the parsing budget, naming the file, instead of being
/// expanded (kustomize's go-yaml expands it for minutes).
#[test]
fn yaml_alias_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kustomization.yaml"), "resources: [bomb.yaml]\n").unwrap();
    let mut lines = vec![format!("a: &a [{}]", ["\"xxxxxxxx\""; 9].join(","))];
    let names = ["b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut prev = "a";
    for n in names {
        lines.push(format!("{n}: &{n} [{}]", vec![format!("*{prev}"); 9].join(",")));
        prev = n;
    }
    let bomb = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  {}\n", lines.join("\n  "));
    std::fs::write(dir.path().join("bomb.yaml"), bomb).unwrap();
    let err = ferry(dir.path(), &BuildOptions::default()).unwrap_err();
    assert!(err.contains("bomb.yaml"), "{err}");
}

/// Fetches with the `git` program: a clone of the repository at the reference.
struct GitFetcher {
    into: PathBuf,
}

impl kustomize::RemoteFetcher for GitFetcher {
    fn fetch(&self, repo_url: &str, reference: Option<&str>) -> Result<PathBuf, String> {
        let dir = self.into.join("checkout");
        let mut clone = Command::new("git");
        clone.args(["clone", "--quiet"]);
        if let Some(r) = reference {
            clone.args(["--branch", r]);
        }
        let out = clone.arg(repo_url).arg(&dir).output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(dir)
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A remote base (`file://` Git repository at a tag) is fetched through the build's
/// RemoteFetcher and renders as the same base read locally does in kubectl kustomize.
#[test]
fn remote_base_is_fetched_through_the_fetcher() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("base")).unwrap();
    std::fs::write(repo.join("base/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: remote\n").unwrap();
    std::fs::write(repo.join("base/kustomization.yaml"), "resources: [cm.yaml]\ncommonLabels:\n  from: repo\n")
        .unwrap();
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "base"]);
    git(&repo, &["tag", "v1"]);
    let overlay = tmp.path().join("overlay");
    std::fs::create_dir_all(&overlay).unwrap();
    let url = format!("file://{}//base?ref=v1", repo.display());
    std::fs::write(overlay.join("kustomization.yaml"), format!("resources:\n- {url}\nnamePrefix: o-\n")).unwrap();
    let local = tmp.path().join("local");
    std::fs::create_dir_all(&local).unwrap();
    std::fs::write(local.join("kustomization.yaml"), "resources:\n- ../repo/base\nnamePrefix: o-\n").unwrap();

    let fetcher = GitFetcher { into: tmp.path().join("fetched") };
    let opts = BuildOptions { remote: Some(&fetcher), ..BuildOptions::default() };
    let got = ferry(&overlay, &opts).unwrap();
    assert_eq!(got, oracle(&local, &[]).unwrap());
    assert!(got.contains("name: o-remote") && got.contains("from: repo"), "{got}");
    let refused = ferry(&overlay, &BuildOptions::default()).unwrap_err();
    assert!(refused.contains("remote bases are disabled"), "{refused}");
}
