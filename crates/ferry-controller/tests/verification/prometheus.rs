//! A real Prometheus (Debian's `prometheus`) on 127.0.0.1, scraping one target every second,
//! with its data in a temporary directory; killed when dropped.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::time::Instant;

pub struct Prometheus {
    pub address: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Prometheus {
    /// Starts Prometheus scraping `target` (`host:port`) and waits until it is ready.
    pub async fn start(target: &str) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n  - job_name: exporter\n    static_configs:\n      - targets: ['{target}']\n"
            ),
        )
        .unwrap();
        let port = free_port();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("`prometheus` on PATH (scripts/test.sh installs Debian's package)");
        let prometheus = Prometheus { address: format!("http://127.0.0.1:{port}"), child, _dir: dir };
        let ready = format!("{}/-/ready", prometheus.address);
        poll("Prometheus ready", || async { reqwest::get(&ready).await.is_ok_and(|r| r.status().is_success()) }).await;
        prometheus
    }

    /// Waits until `query` gives a vector whose first value satisfies `check`.
    pub async fn wait_for(&self, query: &str, check: impl Fn(f64) -> bool) {
        let client = reqwest::Client::new();
        let mut url = reqwest::Url::parse(&format!("{}/api/v1/query", self.address)).unwrap();
        url.query_pairs_mut().append_pair("query", query);
        poll(&format!("`{query}` in Prometheus"), || async {
            let Ok(response) = client.get(url.clone()).send().await else { return false };
            let Ok(bytes) = response.bytes().await else { return false };
            let Ok(body) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return false };
            body["data"]["result"][0]["value"][1].as_str().and_then(|v| v.parse().ok()).is_some_and(&check)
        })
        .await;
    }
}

/// Polls `ready` every 100 ms until it holds; panics after a generous deadline.
pub async fn poll<F, Fut>(what: &str, ready: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(90);
    while !ready().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
