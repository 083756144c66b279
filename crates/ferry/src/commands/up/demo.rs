//! The demo `ferry up` starts with: a Git repository of manifests laid out like the public
//! argocd-example-apps (guestbook, sync-waves, pre-post-sync, plus lua-health, and
//! kustomize-guestbook with a base and dev/staging/prod overlays, one Application per cluster,
//! and guestbook-src/ standing for the guestbook's source) and a control folder of Applications
//! pointing at it, with a Warehouse and a dev → staging → prod Pipeline. Both are created once and never overwritten, so a user's own
//! commits and edits survive restarts.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

const REPO_FILES: &[(&str, &str)] = &[
    ("guestbook-src/VERSION", include_str!("../../../demo/repo/guestbook-src/VERSION")),
    (
        "guestbook/guestbook-ui-deployment.yaml",
        include_str!("../../../demo/repo/guestbook/guestbook-ui-deployment.yaml"),
    ),
    ("guestbook/guestbook-ui-svc.yaml", include_str!("../../../demo/repo/guestbook/guestbook-ui-svc.yaml")),
    ("sync-waves/manifests.yaml", include_str!("../../../demo/repo/sync-waves/manifests.yaml")),
    ("pre-post-sync/pre-sync-job.yaml", include_str!("../../../demo/repo/pre-post-sync/pre-sync-job.yaml")),
    ("pre-post-sync/app.yaml", include_str!("../../../demo/repo/pre-post-sync/app.yaml")),
    ("pre-post-sync/post-sync-job.yaml", include_str!("../../../demo/repo/pre-post-sync/post-sync-job.yaml")),
    ("lua-health/report.yaml", include_str!("../../../demo/repo/lua-health/report.yaml")),
    (
        "kustomize-guestbook/base/kustomization.yaml",
        include_str!("../../../demo/repo/kustomize-guestbook/base/kustomization.yaml"),
    ),
    (
        "kustomize-guestbook/base/guestbook-ui-deployment.yaml",
        include_str!("../../../demo/repo/kustomize-guestbook/base/guestbook-ui-deployment.yaml"),
    ),
    (
        "kustomize-guestbook/base/guestbook-ui-svc.yaml",
        include_str!("../../../demo/repo/kustomize-guestbook/base/guestbook-ui-svc.yaml"),
    ),
    (
        "kustomize-guestbook/overlays/dev/kustomization.yaml",
        include_str!("../../../demo/repo/kustomize-guestbook/overlays/dev/kustomization.yaml"),
    ),
    (
        "kustomize-guestbook/overlays/staging/kustomization.yaml",
        include_str!("../../../demo/repo/kustomize-guestbook/overlays/staging/kustomization.yaml"),
    ),
    (
        "kustomize-guestbook/overlays/prod/kustomization.yaml",
        include_str!("../../../demo/repo/kustomize-guestbook/overlays/prod/kustomization.yaml"),
    ),
];

const CONTROL_FILES: &[(&str, &str)] = &[
    ("warehouse.yaml", include_str!("../../../demo/control/warehouse.yaml")),
    ("pipeline.yaml", include_str!("../../../demo/control/pipeline.yaml")),
    ("guestbook.yaml", include_str!("../../../demo/control/guestbook.yaml")),
    ("sync-waves.yaml", include_str!("../../../demo/control/sync-waves.yaml")),
    ("pre-post-sync.yaml", include_str!("../../../demo/control/pre-post-sync.yaml")),
    ("lua-health.yaml", include_str!("../../../demo/control/lua-health.yaml")),
    ("kustomize-guestbook-dev.yaml", include_str!("../../../demo/control/kustomize-guestbook-dev.yaml")),
    ("kustomize-guestbook-staging.yaml", include_str!("../../../demo/control/kustomize-guestbook-staging.yaml")),
    ("kustomize-guestbook-prod.yaml", include_str!("../../../demo/control/kustomize-guestbook-prod.yaml")),
    (
        "resource_customizations/batch/CronJob/health.lua",
        include_str!("../../../demo/control/resource_customizations/batch/CronJob/health.lua"),
    ),
];

/// Where the demo lives under the instance directory.
pub struct Demo {
    pub repo: PathBuf,
    pub control: PathBuf,
}

/// Creates the demo repository and control folder unless they exist.
pub fn ensure(dir: &Path) -> anyhow::Result<Demo> {
    let demo = Demo { repo: dir.join("demo-repo"), control: dir.join("control") };
    if !demo.repo.join(".git").exists() {
        create_repo(&demo.repo)?;
    }
    // Promotions push to the demo repository's checked-out branch: the push updates the
    // working tree too, as long as it has no uncommitted changes.
    git(&demo.repo, &["config", "receive.denyCurrentBranch", "updateInstead"])?;
    if !demo.control.exists() {
        std::fs::create_dir_all(&demo.control)?;
        let url = format!("file://{}", demo.repo.display());
        for (name, text) in CONTROL_FILES {
            let path = demo.control.join(name);
            std::fs::create_dir_all(path.parent().expect("files are in folders"))?;
            std::fs::write(path, text.replace("REPO_URL", &url).replace("STATE_DIR", &dir.display().to_string()))?;
        }
    }
    Ok(demo)
}

fn create_repo(repo: &Path) -> anyhow::Result<()> {
    for (path, text) in REPO_FILES {
        let p = repo.join(path);
        std::fs::create_dir_all(p.parent().expect("files are in folders"))?;
        std::fs::write(&p, text)?;
    }
    git(repo, &["init", "-q", "-b", "main"])?;
    git(repo, &["add", "-A"])?;
    git(repo, &["commit", "-q", "-m", "Demo applications: guestbook, sync-waves, pre-post-sync, lua-health"])
}

/// The `git` program creates the demo's commits (gix reads; writing history is git's job).
fn git(repo: &Path, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("git")
        .args(["-c", "user.name=Ferry demo", "-c", "user.email=demo@ferry.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(repo)
        .output()
        .context("running git to create the demo repository (is git installed?)")?;
    if !out.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// The webhook secret of this instance: made once (32 random hex digits from the OS), kept in
/// `webhook-secret`, readable by this user only.
pub fn webhook_secret(dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = dir.join("webhook-secret");
    if !path.exists() {
        let mut bytes = [0u8; 16];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)
            .context("reading random bytes for the webhook secret")?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        write_private(&path, &hex)?;
    }
    Ok(std::fs::read_to_string(&path)?.trim().as_bytes().to_vec())
}

/// A `post-commit` hook in the demo repository that tells Ferry about each commit at once (a
/// GitLab-style push webhook sent with curl; without curl, polling still finds it). The
/// secret goes in a header file, not on curl's command line.
pub fn install_push_hook(repo: &Path, webhook: std::net::SocketAddr, secret_file: &Path) -> anyhow::Result<()> {
    let secret = std::fs::read_to_string(secret_file)?;
    let headers = secret_file.with_file_name("webhook-headers");
    write_private(&headers, &format!("X-Gitlab-Event: Push Hook\nX-Gitlab-Token: {}\n", secret.trim()))?;
    let body = format!(r#"{{"ref":"refs/heads/main","project":{{"git_http_url":"file://{}"}}}}"#, repo.display());
    let hook = format!(
        "#!/bin/sh\n# Written by `ferry up` at each start: tells Ferry about each commit at once.\ncommand -v curl >/dev/null 2>&1 || exit 0\ncurl -s -o /dev/null -m 5 -X POST 'http://{webhook}{}' -H @'{}' -H 'Content-Type: application/json' --data '{body}' || true\n",
        ferry_controller::webhook::PATH,
        headers.display(),
    );
    let path = repo.join(".git/hooks/post-commit");
    std::fs::create_dir_all(path.parent().expect("hooks live in a folder"))?;
    std::fs::write(&path, hook)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}
