//! Comparable forms of repository names, so that a webhook's URLs find the subscriptions and
//! Applications that follow the same repository however each spells it.

/// A Git repository URL without scheme, credentials, `.git` and trailing slash, lowercased
/// (Git hosts treat owner and repository names case-insensitively, as Argo CD does): `https://user@GitHub.com/acme/deploy.git`, `git@github.com:acme/deploy.git` and
/// `ssh://git@github.com/acme/deploy` all give `github.com/acme/deploy`. Local paths stay as
/// they are (`file://` removed).
pub fn repo_key(url: &str) -> String {
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some(("file", path)) => return trim(path).to_owned(),
        Some((_, rest)) => rest.to_owned(),
        None if url.starts_with('/') => return trim(url).to_owned(),
        // scp-like `git@host:path`
        None => url.replacen(':', "/", 1),
    };
    let rest = match rest.split_once('/') {
        Some((authority, path)) => {
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{host}/{path}").to_ascii_lowercase()
        }
        None => rest.to_ascii_lowercase(),
    };
    trim(&rest).to_owned()
}

fn trim(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.strip_suffix(".git").unwrap_or(path)
}

/// An image repository as `host/path`, Docker Hub's short names expanded
/// (`nginx` → `docker.io/library/nginx`, `index.docker.io` → `docker.io`).
pub fn image_key(repository: &str) -> String {
    let repo = repository.trim().trim_start_matches("oci://").trim_end_matches('/');
    let (first, rest) = repo.split_once('/').unwrap_or(("", repo));
    let is_host = first.contains('.') || first.contains(':') || first == "localhost";
    let (host, path) =
        if is_host { (first.to_ascii_lowercase(), rest.to_owned()) } else { ("docker.io".into(), repo.to_owned()) };
    let host = if host == "index.docker.io" || host == "registry-1.docker.io" { "docker.io".to_owned() } else { host };
    let path = if host == "docker.io" && !path.contains('/') { format!("library/{path}") } else { path };
    format!("{host}/{path}")
}
