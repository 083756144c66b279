//! Remote URLs: which kinds are accepted, their normalised form (the cache key), the cache
//! directory name derived from it, and redaction of credentials for errors and logs.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::SourceError;

/// A remote as given by the user, with what the cache needs to know about it.
#[derive(Debug, Clone)]
pub(crate) struct RemoteUrl {
    /// What gix connects to: the URL as given, or an absolute path for local repositories.
    pub(crate) fetch_url: String,
    /// The URL with `user:pass@` replaced, for errors and logs.
    pub(crate) redacted: String,
    /// The normalised form: one cache entry per remote repository.
    pub(crate) normalised: String,
    /// The `user:pass` part, if any, so it can be scrubbed from library messages.
    userinfo: Option<String>,
}

impl RemoteUrl {
    /// Classifies `url`: `http(s)://`, `git://`, `file://`, an absolute or a relative path.
    /// Relative paths are taken against the current directory.
    pub(crate) fn parse(url: &str) -> Result<Self, SourceError> {
        let url = url.trim();
        let invalid = |reason: &str| SourceError::InvalidUrl { url: redact(url), reason: reason.to_owned() };
        if url.is_empty() {
            return Err(invalid("empty"));
        }
        if let Some((scheme, rest)) = url.split_once("://") {
            let scheme = scheme.to_ascii_lowercase();
            return match scheme.as_str() {
                "http" | "https" | "git" => Ok(Self::network(url, &scheme, rest)),
                "file" => Ok(Self::local(url, PathBuf::from(rest))),
                _ => Err(invalid("supported schemes are http, https, git and file")),
            };
        }
        if looks_like_scp(url) {
            return Err(invalid("ssh remotes are not supported yet"));
        }
        let path = Path::new(url);
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map_err(|e| invalid(&e.to_string()))?.join(path)
        };
        Ok(Self::local(url, absolute))
    }

    fn network(url: &str, scheme: &str, rest: &str) -> Self {
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((info, host)) => (Some(info.to_owned()), host),
            None => (None, authority),
        };
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        Self {
            fetch_url: url.to_owned(),
            redacted: redact(url),
            normalised: format!("{scheme}://{}/{path}", host.to_ascii_lowercase()),
            userinfo: userinfo.filter(|info| !info.is_empty()),
        }
    }

    fn local(url: &str, path: PathBuf) -> Self {
        // A repository that exists is keyed by its real location, so `./repo`, `/abs/repo/`
        // and `file:///abs/repo` share one cache entry.
        let path = path.canonicalize().unwrap_or(path);
        let shown = path.to_string_lossy().into_owned();
        Self { fetch_url: shown.clone(), redacted: redact(url), normalised: format!("file://{shown}"), userinfo: None }
    }

    /// Whether the remote is a repository on this machine (a path or `file://`).
    pub(crate) fn is_local(&self) -> bool {
        self.normalised.starts_with("file://")
    }

    /// The cache directory name: a readable slug from the last path segment and a hash of the
    /// normalised URL (credentials are never part of it).
    pub(crate) fn cache_dir_name(&self) -> String {
        let digest = Sha256::digest(self.normalised.as_bytes());
        let hash: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
        let last = self.normalised.rsplit('/').find(|s| !s.is_empty()).unwrap_or("repo");
        let slug: String = last
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c.to_ascii_lowercase() } else { '-' })
            .take(40)
            .collect();
        format!("{}-{hash}.git", slug.trim_matches('-'))
    }

    /// Removes the URL's credentials from a message produced by a library.
    pub(crate) fn scrub(&self, message: &str) -> String {
        let mut out = message.replace(&self.fetch_url, &self.redacted);
        if let Some(info) = &self.userinfo {
            out = out.replace(info.as_str(), "***");
            if let Some((_, password)) = info.split_once(':').filter(|(_, p)| p.len() >= 3) {
                out = out.replace(password, "***");
            }
        }
        out
    }
}

/// `url` with any `user:pass@` in its authority replaced by `***@`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// `user@host:path`, the scp-like form of ssh remotes.
fn looks_like_scp(url: &str) -> bool {
    match url.split_once(':') {
        Some((before, _)) => !before.contains('/') && before.contains('@'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_userinfo_only() {
        assert_eq!(redact("https://u:secret@example.com/a.git"), "https://***@example.com/a.git");
        assert_eq!(redact("https://example.com/a@b.git"), "https://example.com/a@b.git");
        assert_eq!(redact("/srv/repo"), "/srv/repo");
    }

    #[test]
    fn one_cache_entry_per_repository() {
        let a = RemoteUrl::parse("https://u:p@Example.com/org/app.git/").unwrap();
        let b = RemoteUrl::parse("https://example.com/org/app").unwrap();
        assert_eq!(a.normalised, b.normalised);
        assert_eq!(a.cache_dir_name(), b.cache_dir_name());
        assert!(a.cache_dir_name().starts_with("app-"));
        assert!(a.cache_dir_name().chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    }

    #[test]
    fn scrubs_credentials_from_messages() {
        let url = RemoteUrl::parse("http://alice:s3cret@127.0.0.1:1/r.git").unwrap();
        let text = url.scrub("could not connect to http://alice:s3cret@127.0.0.1:1/r.git (user alice:s3cret)");
        assert!(!text.contains("s3cret"), "{text}");
    }

    #[test]
    fn rejects_unknown_schemes() {
        assert!(matches!(RemoteUrl::parse("ftp://x/y"), Err(SourceError::InvalidUrl { .. })));
        assert!(matches!(RemoteUrl::parse("git@github.com:o/r.git"), Err(SourceError::InvalidUrl { .. })));
        assert!(matches!(RemoteUrl::parse(""), Err(SourceError::InvalidUrl { .. })));
    }
}
