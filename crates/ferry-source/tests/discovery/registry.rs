//! A real OCI registry: Debian's `docker-registry` (distribution v2) on 127.0.0.1 with
//! filesystem storage in a temp dir, optionally behind htpasswd basic auth, and pushing
//! images through its HTTP API (blob uploads, then manifests), and attaching reports to them
//! as `oras attach` does on a registry without the referrers API (an artifact manifest with a
//! `subject`, listed in the referrers tag schema's index). Killed on drop. Also included by
//! ferry-controller's promotion tests.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// A port nothing listens on now.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct Registry {
    child: Child,
    pub host: String,
    credentials: Option<(String, String)>,
    http: reqwest::Client,
    _dir: TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An image as pushed: its manifest digest and size (for an index entry).
pub struct Pushed {
    pub digest: String,
    pub size: usize,
}

pub fn sha256(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    format!("sha256:{}", hash.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

impl Registry {
    /// A registry without authentication.
    pub async fn start() -> Registry {
        Self::start_with(None).await
    }

    /// A registry accepting only `user`/`password` (htpasswd, bcrypt by the `htpasswd` tool).
    pub async fn start_with_auth(user: &str, password: &str) -> Registry {
        Self::start_with(Some((user.to_owned(), password.to_owned()))).await
    }

    async fn start_with(credentials: Option<(String, String)>) -> Registry {
        // Before the child starts: the reqwest client below needs it, and a panic there would
        // leave the registry running.
        ferry_source::install_crypto_provider();
        let dir = tempfile::tempdir().unwrap();
        let port = closed_port();
        let host = format!("127.0.0.1:{port}");
        let auth = match &credentials {
            Some((user, password)) => {
                let out = Command::new("htpasswd").args(["-Bbn", user, password]).output().expect("htpasswd runs");
                assert!(out.status.success());
                std::fs::write(dir.path().join("htpasswd"), out.stdout).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: ferry-test\n    path: {}\n",
                    dir.path().join("htpasswd").display()
                )
            }
            None => String::new(),
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {host}\n{auth}",
            dir.path().join("data").display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry starts (apt-get install docker-registry)");
        let registry = Registry { child, host, credentials, http: reqwest::Client::new(), _dir: dir };
        registry.wait_ready().await;
        registry
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = self.http.get(format!("http://{}/v2/", self.host)).send().await
                && (r.status().is_success() || r.status() == 401)
            {
                return;
            }
            assert!(Instant::now() < deadline, "docker-registry did not answer on {} in time", self.host);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, url);
        match &self.credentials {
            Some((user, password)) => request.basic_auth(user, Some(password)),
            None => request,
        }
    }

    /// Uploads a blob (POST then monolithic PUT) and returns its digest.
    pub async fn push_blob(&self, name: &str, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let start = self
            .request(reqwest::Method::POST, &format!("http://{}/v2/{name}/blobs/uploads/", self.host))
            .send()
            .await
            .unwrap();
        assert_eq!(start.status(), 202, "blob upload start");
        let location = start.headers()["location"].to_str().unwrap().to_owned();
        let location = if location.starts_with("http") { location } else { format!("http://{}{location}", self.host) };
        let separator = if location.contains('?') { '&' } else { '?' };
        let put = self
            .request(reqwest::Method::PUT, &format!("{location}{separator}digest={digest}"))
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 201, "blob upload: {}", put.text().await.unwrap_or_default());
        digest
    }

    /// Puts a manifest under `reference` (a tag or its digest).
    pub async fn push_manifest(&self, name: &str, reference: &str, media_type: &str, body: &[u8]) -> Pushed {
        let response = self
            .request(reqwest::Method::PUT, &format!("http://{}/v2/{name}/manifests/{reference}", self.host))
            .header("content-type", media_type)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "manifest push: {}", response.text().await.unwrap_or_default());
        Pushed { digest: sha256(body), size: body.len() }
    }

    /// Pushes a one-layer linux image built at `created` (RFC 3339) for `arch`, tagged `tag`
    /// (or only by digest when `tag` is `None`).
    pub async fn push_image(&self, name: &str, tag: Option<&str>, created: &str, arch: &str) -> Pushed {
        let layer = format!("layer of {name}:{tag:?} built {created} for {arch}").into_bytes();
        let layer_digest = self.push_blob(name, &layer).await;
        let config = json!({
            "created": created, "architecture": arch, "os": "linux",
            "config": {}, "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        })
        .to_string()
        .into_bytes();
        let config_digest = self.push_blob(name, &config).await;
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer.len()}],
        })
        .to_string()
        .into_bytes();
        let digest = sha256(&manifest);
        self.push_manifest(name, tag.unwrap_or(&digest), "application/vnd.oci.image.manifest.v1+json", &manifest).await
    }

    /// Pushes an image index tagged `tag` over images pushed before, one per `(image, arch)`.
    pub async fn push_index(&self, name: &str, tag: &str, images: &[(&Pushed, &str)]) -> Pushed {
        let manifests: Vec<_> = images
            .iter()
            .map(|(image, arch)| {
                json!({
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": image.digest, "size": image.size,
                    "platform": {"os": "linux", "architecture": arch},
                })
            })
            .collect();
        let index =
            json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests})
                .to_string()
                .into_bytes();
        self.push_manifest(name, tag, "application/vnd.oci.image.index.v1+json", &index).await
    }
}

/// An artifact manifest as attached: its digest, and its descriptor in the referrers index.
pub struct Attached {
    pub digest: String,
    pub descriptor: serde_json::Value,
}

impl Registry {
    /// Attaches `report` to `subject` as `oras attach --artifact-type <artifact_type>` does on
    /// a registry without the referrers API: the blob, an empty config, an artifact manifest
    /// with `subject`, and the tag `sha256-<hex>` re-pointed at an index listing every referrer.
    pub async fn attach(
        &self,
        name: &str,
        subject: &Pushed,
        artifact_type: &str,
        report: &[u8],
        created: &str,
    ) -> Attached {
        let layer = self.push_blob(name, report).await;
        self.attach_manifest(name, subject, artifact_type, &layer, report.len(), created).await
    }

    /// Like [`Registry::attach`] with the layer descriptor as given (a size that lies).
    pub async fn attach_manifest(
        &self,
        name: &str,
        subject: &Pushed,
        artifact_type: &str,
        layer_digest: &str,
        layer_size: usize,
        created: &str,
    ) -> Attached {
        let empty = self.push_blob(name, b"{}").await;
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "artifactType": artifact_type,
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
            "layers": [{"mediaType": "application/json", "digest": layer_digest, "size": layer_size,
                        "annotations": {"org.opencontainers.image.title": "report.json"}}],
            "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": subject.digest, "size": subject.size},
            "annotations": {"org.opencontainers.image.created": created},
        })
        .to_string()
        .into_bytes();
        let digest = sha256(&manifest);
        self.push_manifest(name, &digest, "application/vnd.oci.image.manifest.v1+json", &manifest).await;
        let descriptor = json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": manifest.len(),
            "artifactType": artifact_type, "annotations": {"org.opencontainers.image.created": created},
        });
        self.add_referrer(name, &subject.digest, descriptor.clone()).await;
        Attached { digest, descriptor }
    }

    /// Adds `descriptor` to the referrers tag schema's index of `subject`.
    pub async fn add_referrer(&self, name: &str, subject: &str, descriptor: serde_json::Value) {
        let tag = subject.replace(':', "-");
        let url = format!("http://{}/v2/{name}/manifests/{tag}", self.host);
        let current = self
            .request(reqwest::Method::GET, &url)
            .header("accept", "application/vnd.oci.image.index.v1+json")
            .send()
            .await
            .unwrap();
        let mut manifests: Vec<serde_json::Value> = if current.status().is_success() {
            let index: serde_json::Value = current.json().await.unwrap();
            index["manifests"].as_array().cloned().unwrap_or_default()
        } else {
            Vec::new()
        };
        manifests.push(descriptor);
        let index =
            json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests})
                .to_string()
                .into_bytes();
        self.push_manifest(name, &tag, "application/vnd.oci.image.index.v1+json", &index).await;
    }

    /// Overwrites a stored blob in the registry's storage, as a compromised disk would: the
    /// registry then serves other bytes under the same digest.
    pub fn tamper_blob(&self, digest: &str, bytes: &[u8]) {
        let hex = digest.strip_prefix("sha256:").unwrap();
        let path = self._dir.path().join(format!("data/docker/registry/v2/blobs/sha256/{}/{hex}/data", &hex[..2]));
        assert!(path.is_file(), "{} is stored", path.display());
        std::fs::write(path, bytes).unwrap();
    }
}

/// A Docker config granting `user`/`password` on `host` (the `auth` form).
pub fn docker_config(dir: &Path, host: &str, user: &str, password: &str) -> std::path::PathBuf {
    use base64::Engine;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let path = dir.join("config.json");
    std::fs::write(&path, json!({"auths": {host: {"auth": auth}}}).to_string()).unwrap();
    path
}
