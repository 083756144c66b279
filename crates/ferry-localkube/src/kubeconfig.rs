//! The kubeconfig the local cluster writes: one cluster, user and context per served
//! cluster, named after it; the first is the current context.

use std::net::SocketAddr;
use std::path::Path;

/// Renders a kubeconfig for `(name, address)` pairs.
pub fn render(clusters: &[(String, SocketAddr)]) -> String {
    let mut out = String::from("apiVersion: v1\nkind: Config\npreferences: {}\nclusters:\n");
    for (name, addr) in clusters {
        out.push_str(&format!("- name: {name}\n  cluster:\n    server: http://{addr}\n"));
    }
    out.push_str("users:\n");
    for (name, _) in clusters {
        out.push_str(&format!("- name: {name}\n  user: {{}}\n"));
    }
    out.push_str("contexts:\n");
    for (name, _) in clusters {
        out.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n    namespace: default\n"
        ));
    }
    let current = clusters.first().map_or("", |(n, _)| n.as_str());
    out.push_str(&format!("current-context: {current}\n"));
    out
}

/// Writes the kubeconfig atomically (readers never see half a file).
pub fn write(path: &Path, clusters: &[(String, SocketAddr)]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, render(clusters))?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_cluster_is_current() {
        let text =
            render(&[("dev".into(), "127.0.0.1:1".parse().unwrap()), ("prod".into(), "127.0.0.1:2".parse().unwrap())]);
        assert!(text.contains("current-context: dev\n"));
        assert!(text.contains("server: http://127.0.0.1:2"));
    }
}
