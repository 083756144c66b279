//! Reading a Notifier's credential when a message is sent: from an environment variable or a
//! file outside the repository. Errors name where it was looked for, never its value.

use std::io::Read;

use ferry_api::SecretSource;

/// The largest secret file read (a URL or a key is far smaller).
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// The secret, without surrounding whitespace.
pub(crate) fn resolve(source: &SecretSource, what: &str) -> Result<String, String> {
    let value = match source {
        SecretSource::FromEnv(name) => {
            std::env::var(name).map_err(|_| format!("{what}: environment variable {name} is not set (or not UTF-8)"))?
        }
        SecretSource::FromFile(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| format!("{what}: cannot read {}: {}", path.display(), e.kind()))?;
            let mut text = String::new();
            file.take(MAX_SECRET_BYTES + 1)
                .read_to_string(&mut text)
                .map_err(|e| format!("{what}: cannot read {}: {}", path.display(), e.kind()))?;
            if text.len() as u64 > MAX_SECRET_BYTES {
                return Err(format!("{what}: {} is larger than {} KiB", path.display(), MAX_SECRET_BYTES / 1024));
            }
            text
        }
    };
    let value = value.trim().to_owned();
    if value.is_empty() {
        return Err(format!("{what}: {} is empty", where_(source)));
    }
    Ok(value)
}

fn where_(source: &SecretSource) -> String {
    match source {
        SecretSource::FromEnv(name) => format!("environment variable {name}"),
        SecretSource::FromFile(path) => path.display().to_string(),
    }
}

/// A webhook URL read from a secret must be http(s); the error does not show it.
pub(crate) fn url(source: &SecretSource, what: &str) -> Result<String, String> {
    let url = resolve(source, what)?;
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        Err(format!("{what}: the value of {} is not an http(s) URL", where_(source)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_trimmed_and_errors_never_show_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hook");
        std::fs::write(&file, "https://hooks.example/T0/B0/s3cr3t\n").unwrap();
        let source = SecretSource::FromFile(file.clone());
        assert_eq!(url(&source, "slack webhookURL").unwrap(), "https://hooks.example/T0/B0/s3cr3t");
        std::fs::write(&file, "s3cr3t-not-a-url").unwrap();
        let err = url(&source, "slack webhookURL").unwrap_err();
        assert!(err.contains("is not an http(s) URL") && !err.contains("s3cr3t"), "{err}");
        let missing = resolve(&SecretSource::FromFile(dir.path().join("nope")), "key").unwrap_err();
        assert!(missing.contains("cannot read") && missing.contains("not found"), "{missing}");
        let unset = resolve(&SecretSource::FromEnv("FERRY_TEST_SURELY_UNSET_VARIABLE".into()), "key").unwrap_err();
        assert_eq!(unset, "key: environment variable FERRY_TEST_SURELY_UNSET_VARIABLE is not set (or not UTF-8)");
    }
}
