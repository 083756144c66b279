//! A Revision inside Freight and its canonical text, the input of the Freight's identity.

use serde::{Deserialize, Serialize};

/// A resolved, immutable version of one source.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Revision {
    /// A Git commit.
    Git {
        #[serde(rename = "repoURL")]
        repo_url: String,
        commit: String,
    },
    /// A container image by digest; the tag it was found under is shown, not identity.
    Image {
        #[serde(rename = "repoURL")]
        repo_url: String,
        digest: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
    },
    /// A Helm chart version.
    Chart {
        #[serde(rename = "repoURL")]
        repo_url: String,
        name: String,
        version: String,
    },
}

impl Revision {
    /// `git:<repo>@<sha>`, `image:<repo>@<digest>` or `chart:<repo>/<name>@<version>`: what the
    /// Freight id is computed from. A trailing `/` of a repository and the case of a commit
    /// SHA do not change it.
    pub fn canonical(&self) -> String {
        match self {
            Revision::Git { repo_url, commit } => format!("git:{}@{}", trim(repo_url), commit.to_ascii_lowercase()),
            Revision::Image { repo_url, digest, .. } => format!("image:{}@{digest}", trim(repo_url)),
            Revision::Chart { repo_url, name, version } => format!("chart:{}/{name}@{version}", trim(repo_url)),
        }
    }

    /// A short form for people: the short SHA, the tag (or short digest), the chart version.
    pub fn short(&self) -> String {
        match self {
            Revision::Git { commit, .. } => commit.chars().take(7).collect(),
            Revision::Image { tag: Some(tag), .. } => tag.clone(),
            Revision::Image { digest, .. } => digest.chars().take(19).collect(),
            Revision::Chart { version, .. } => version.clone(),
        }
    }
}

fn trim(repo_url: &str) -> &str {
    repo_url.trim_end_matches('/')
}
