//! Age identities for SOPS, found where the `sops` program looks for them.
//!
//! `SOPS_AGE_KEY` holds keys inline, `SOPS_AGE_KEY_FILE` names a keys file as `age-keygen`
//! writes it (comments allowed), and `$XDG_CONFIG_HOME/sops/age/keys.txt` (or
//! `~/.config/sops/age/keys.txt`) is read when it exists. Keys from all three are combined, as
//! SOPS does. The secret scalars live in `age`'s `StaticSecret`, which zeroizes itself on drop;
//! the text they were parsed from is wiped as soon as it is parsed.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use age::x25519::Identity;
use zeroize::Zeroizing;

use super::error::SopsError;

/// The age X25519 identities Ferry decrypts SOPS files with.
#[derive(Default)]
pub struct AgeKeys {
    identities: Vec<Identity>,
}

impl fmt::Debug for AgeKeys {
    /// Shows how many keys there are, never the keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgeKeys({} identities)", self.identities.len())
    }
}

impl AgeKeys {
    /// Keys from the process environment and the default keys file, as `sops` finds them.
    pub fn from_env() -> Result<AgeKeys, SopsError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Keys from the variables `var` returns (`SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`,
    /// `XDG_CONFIG_HOME`, `HOME`); the environment is a parameter so tests need not change it.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<AgeKeys, SopsError> {
        let mut keys = AgeKeys::default();
        if let Some(inline) = var("SOPS_AGE_KEY").map(Zeroizing::new) {
            keys.extend(AgeKeys::parse_named("SOPS_AGE_KEY", &inline)?);
        }
        if let Some(path) = var("SOPS_AGE_KEY_FILE").filter(|p| !p.is_empty()) {
            keys.extend(read_key_file(&PathBuf::from(path))?);
        }
        if let Some(default) = default_key_file(&var).filter(|p| p.is_file()) {
            keys.extend(read_key_file(&default)?);
        }
        Ok(keys)
    }

    /// Identities from text in `age-keygen`'s format: one `AGE-SECRET-KEY-1…` per line; blank
    /// lines and `#` comments are skipped.
    pub fn parse(text: &str) -> Result<AgeKeys, SopsError> {
        Self::parse_named("age keys", text)
    }

    fn parse_named(source_name: &str, text: &str) -> Result<AgeKeys, SopsError> {
        let mut identities = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let identity = Identity::from_str(line)
                .map_err(|_| SopsError::BadIdentity { source_name: source_name.to_owned(), line: index + 1 })?;
            identities.push(identity);
        }
        Ok(AgeKeys { identities })
    }

    /// How many identities there are.
    pub fn len(&self) -> usize {
        self.identities.len()
    }

    /// Whether there are no identities.
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
    }

    /// The public keys (`age1…`) of our identities, for messages.
    pub fn recipients(&self) -> Vec<String> {
        self.identities.iter().map(|i| i.to_public().to_string()).collect()
    }

    pub(crate) fn identities(&self) -> &[Identity] {
        &self.identities
    }

    fn extend(&mut self, other: AgeKeys) {
        self.identities.extend(other.identities);
    }
}

fn read_key_file(path: &std::path::Path) -> Result<AgeKeys, SopsError> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| SopsError::KeyFile { path: name.clone(), problem: e.kind().to_string() })?;
    let bytes = Zeroizing::new(bytes);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| SopsError::KeyFile { path: name.clone(), problem: "not UTF-8 text".to_owned() })?;
    AgeKeys::parse_named(&name, text)
}

/// `sops`' default keys file on Linux: `os.UserConfigDir()/sops/age/keys.txt`.
fn default_key_file(var: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let config = match var("XDG_CONFIG_HOME").filter(|d| PathBuf::from(d).is_absolute()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(var("HOME").filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(config.join("sops").join("age").join("keys.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // A throwaway key made by `age-keygen` for these tests only.
    const KEY: &str = "AGE-SECRET-KEY-1EGJSTGD82CHXH09VN2LQVQ5HK8QUXUPHLP32J4YEZF3P7WCVCN0Q4UXSMN";

    #[test]
    fn parses_keygen_files_with_comments() {
        let text = format!("# created: 2024-01-01T00:00:00Z\n# public key: age1…\n{KEY}\n\n");
        let keys = AgeKeys::parse(&text).unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys.recipients()[0].starts_with("age1"));
    }

    #[test]
    fn debug_never_shows_keys() {
        let keys = AgeKeys::parse(KEY).unwrap();
        let shown = format!("{keys:?}");
        assert_eq!(shown, "AgeKeys(1 identities)");
    }

    #[test]
    fn bad_lines_name_source_and_line_without_echoing_them() {
        let err = AgeKeys::parse(&format!("{KEY}\nAGE-SECRET-KEY-1NOTAKEY\n")).unwrap_err();
        assert_eq!(err, SopsError::BadIdentity { source_name: "age keys".into(), line: 2 });
        assert!(!err.to_string().contains("NOTAKEY"));
    }

    #[test]
    fn combines_inline_file_and_default_locations() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys.txt");
        std::fs::write(&file, format!("# comment\n{KEY}\n")).unwrap();
        let config = dir.path().join("config");
        std::fs::create_dir_all(config.join("sops/age")).unwrap();
        std::fs::write(config.join("sops/age/keys.txt"), KEY).unwrap();
        let vars = |name: &str| match name {
            "SOPS_AGE_KEY" => Some(KEY.to_owned()),
            "SOPS_AGE_KEY_FILE" => Some(file.display().to_string()),
            "XDG_CONFIG_HOME" => Some(config.display().to_string()),
            _ => None,
        };
        assert_eq!(AgeKeys::from_vars(vars).unwrap().len(), 3);
    }

    #[test]
    fn a_missing_key_file_is_an_error_but_a_missing_default_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.txt").display().to_string();
        let err = AgeKeys::from_vars(|n| (n == "SOPS_AGE_KEY_FILE").then(|| missing.clone())).unwrap_err();
        assert!(matches!(err, SopsError::KeyFile { .. }));
        let home = dir.path().display().to_string();
        assert!(AgeKeys::from_vars(|n| (n == "HOME").then(|| home.clone())).unwrap().is_empty());
    }
}
