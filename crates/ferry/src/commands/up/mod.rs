//! `ferry up`: Ferry on embedded defaults. It starts local clusters `dev`, `staging` and
//! `prod`, a demo Git repository and control folder of Applications, and the controller that
//! syncs them and keeps them in sync; everything lives under one directory, with an `env` file
//! that points `ferry` and `kubectl` at this instance.

mod demo;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ferry_controller::controller::{self, ControllerOptions};
use ferry_controller::{Engine, EngineOptions, SyncStatus};
use ferry_localkube::{ClusterSpec, LocalKube, ServeOptions, Settings};

use crate::cli::UpArgs;

pub async fn run(state_dir: &Path, args: &UpArgs) -> anyhow::Result<()> {
    let dir = args.dir.as_deref().unwrap_or(state_dir);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let dir = dir.canonicalize().with_context(|| format!("resolving {}", dir.display()))?;
    let clusters = ["dev", "staging", "prod"].iter().map(|n| ClusterSpec { name: n.to_string(), port: None }).collect();
    let kubeconfig = dir.join("kubeconfig");
    let opts = ServeOptions {
        clusters,
        kubeconfig: kubeconfig.clone(),
        state: Some(dir.join("localkube.json")),
        settings: Settings { ready_delay: Duration::from_millis(args.ready_delay_ms) },
    };
    let running = LocalKube::start(opts).await.context("starting the local clusters")?;
    let demo = demo::ensure(&dir)?;
    let env = dir.join("env");
    std::fs::write(
        &env,
        format!(
            "export FERRY_CONFIG={}\nexport FERRY_STATE_DIR={}\nexport KUBECONFIG={}\n",
            demo.control.display(),
            dir.display(),
            kubeconfig.display()
        ),
    )?;
    let engine = Engine::open(EngineOptions {
        config_dir: demo.control.clone(),
        state_dir: dir.clone(),
        kubeconfig: Some(kubeconfig.clone()),
    })
    .await?;
    let engine = Arc::new(engine);
    println!("Ferry is up in {} (local clusters are simulated; no containers run)", dir.display());
    for (cluster, addr) in &running.clusters {
        println!("  cluster {:<8} http://{addr}", cluster.name);
    }
    println!("  control  {}", demo.control.display());
    println!("  git      {}", demo.repo.display());
    let opts = ControllerOptions { poll: Duration::from_secs(args.poll) };
    let controller = tokio::spawn(controller::run(engine.clone(), opts, super::interrupted()));
    let refreshes = Arc::new(ferry_controller::webhook::Refreshes::default());
    let secret = demo::webhook_secret(&dir)?;
    let localhost = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let hooks = super::controller::start_webhooks(&engine, localhost, secret, &refreshes).await?;
    demo::install_push_hook(&demo.repo, hooks, &dir.join("webhook-secret"))?;
    println!(
        "  webhook  http://{hooks}{} (secret in {})",
        ferry_controller::webhook::PATH,
        dir.join("webhook-secret").display()
    );
    let promotions = super::controller::start_promotions(&engine, refreshes);
    report_when_synced(&engine).await;
    print_next_steps(&env, &demo.repo);
    let _ = controller.await;
    if let Some(task) = promotions {
        task.abort();
    }
    running.shutdown().context("saving the local cluster state")?;
    println!("Stopped; state saved in {}.", dir.display());
    Ok(())
}

/// Waits (up to a minute) for the demo Applications to sync, then prints their status.
async fn report_when_synced(engine: &Engine) {
    let names: Vec<String> = engine.applications().map(|a| a.metadata.name.clone()).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mut lines = Vec::new();
        let mut done = true;
        for name in &names {
            match engine.status(name, false).await {
                Ok(s) => {
                    done &= s.sync == SyncStatus::Synced && (s.health == "Healthy" || s.health == "Suspended");
                    lines.push(format!("  {name:<15} {:<10} {:<12} {}", s.sync.as_str(), s.health, s.cluster));
                }
                Err(e) => {
                    done = false;
                    lines.push(format!("  {name:<15} error: {e}"));
                }
            }
        }
        if done || tokio::time::Instant::now() >= deadline {
            println!("\nApplications:");
            for l in lines {
                println!("{l}");
            }
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn print_next_steps(env: &Path, repo: &Path) {
    println!();
    println!("Try, from another terminal:");
    println!("  . {}", env.display());
    println!("  ferry app list");
    println!("  ferry app get guestbook");
    println!("  kubectl --context dev -n guestbook scale deployment guestbook-ui --replicas=5   # drift: self-healed");
    println!("  ferry app history guestbook");
    println!(
        "  cd {} && sed -i 's/ks-guestbook-demo:0.2/ks-guestbook-demo:0.3/' guestbook/guestbook-ui-deployment.yaml \\",
        repo.display()
    );
    println!("     && git commit -qam 'new image'      # a commit rolls out within the poll interval");
    println!();
    println!("The guestbook Pipeline (dev → staging → prod):");
    println!(
        "  ferry stage list                      # dev and staging take each new build; prod waits for 2 approvals"
    );
    println!("  ferry freight list");
    println!("  ferry approve FREIGHT --stage prod --as alice && ferry approve FREIGHT --stage prod --as bob");
    println!(
        "  cd {} && echo 'version: 0.3.0' > guestbook-src/VERSION && git commit -qam 'a new build'",
        repo.display()
    );
    println!(
        "  touch {}/break-dev                   # dev's next smoke test fails once: that build is rolled back",
        env.parent().map_or(".".into(), |p| p.display().to_string())
    );
    println!("  ferry audit list");
    println!();
    println!("Press Ctrl-C to stop.");
}
