//! SOPS decryption with age keys, for YAML, JSON, dotenv and binary files that the `sops`
//! program encrypted.
//!
//! A file's values are encrypted with one 32-byte data key (AES-256-GCM, the value's path as
//! additional data); the data key is encrypted for each recipient. Ferry recovers the data key
//! from the `age` recipients with its [`AgeKeys`], decrypts the values, and verifies the MAC
//! SOPS stored over them, so a changed, removed or reordered value is refused. Other key types
//! (PGP, cloud KMS, Vault) are named in the error, not used.
//!
//! Plaintext and keys never appear in errors or `Debug` output; decrypted buffers are wiped
//! when dropped (best effort: [`Zeroizing`] for the output and the keys).

mod cipher;
mod datakey;
mod dotenv;
mod error;
mod json;
mod keys;
mod loader;
mod metadata;
mod shamir;
mod tree;
mod walk;
mod yaml;

use std::borrow::Cow;

use zeroize::Zeroizing;

pub use error::SopsError;
pub use keys::AgeKeys;
pub use loader::DecryptingLoader;

use metadata::Metadata;
use tree::Tree;

/// The largest encrypted file decrypted.
pub const MAX_SOPS_FILE_BYTES: usize = 8 * 1024 * 1024;

/// How a file is stored, as `sops` decides it from the extension (sniffed for others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Yaml,
    Json,
    Dotenv,
    /// Any other file: `sops` stores it as JSON `{"data": "ENC[…]", "sops": {…}}`.
    Binary,
}

fn format_of(file: &str, text: &str) -> Format {
    let name = file.rsplit('/').next().unwrap_or(file);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("yaml" | "yml") => Format::Yaml,
        Some("json") => Format::Json,
        Some("env") => Format::Dotenv,
        _ if text.trim_start().starts_with('{') => Format::Binary,
        _ if dotenv::has_metadata(text) => Format::Dotenv,
        _ => Format::Yaml,
    }
}

/// Whether `bytes` is a SOPS-encrypted file: a YAML/JSON document with a top-level `sops` map
/// holding `mac` and recipients, or a dotenv file with `sops_mac`/`sops_lastmodified` lines.
pub fn is_encrypted(file: &str, bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else { return false };
    if bytes.len() > MAX_SOPS_FILE_BYTES {
        return false;
    }
    match format_of(file, text) {
        Format::Dotenv => dotenv::has_metadata(text),
        format => {
            // Cheap test first: every manifest of a repository comes through here.
            let may_be = text.contains("sops") && text.contains("mac") && text.contains("ENC[AES256_GCM");
            may_be && split(file, text, format).is_ok_and(|(_, sops)| has_mac_and_recipients(&sops))
        }
    }
}

fn has_mac_and_recipients(sops: &serde_json::Value) -> bool {
    let Some(map) = sops.as_object() else { return false };
    let has_recipients = map.values().any(|v| v.as_array().is_some_and(|a| !a.is_empty()));
    map.contains_key("mac") && has_recipients
}

/// Decrypts a SOPS-encrypted file, verifying its MAC, into the plaintext file in the same
/// format (YAML for YAML with every string quoted, pretty JSON for JSON, `KEY=value` lines for
/// dotenv, the original bytes for binary files). Key order is kept; comments are dropped.
pub fn decrypt(file: &str, bytes: &[u8], keys: &AgeKeys) -> Result<Zeroizing<Vec<u8>>, SopsError> {
    if bytes.len() > MAX_SOPS_FILE_BYTES {
        return Err(SopsError::malformed(file, format!("larger than {MAX_SOPS_FILE_BYTES} bytes")));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| SopsError::Syntax { file: file.to_owned(), problem: "not UTF-8 text".to_owned() })?;
    let format = format_of(file, text);
    let (mut docs, sops) = split(file, text, format)?;
    let md = Metadata::from_json(file, &sops)?;
    let key = datakey::recover(file, &md, keys)?;
    walk::decrypt_and_verify(file, &mut docs, &md, &key)?;
    let out = match format {
        Format::Yaml => yaml::emit(&docs),
        Format::Json => json::emit(file, &docs[0])?,
        Format::Dotenv => dotenv::emit(file, &docs[0])?,
        Format::Binary => match docs[0].get("data") {
            Some(Tree::Str(data)) => data.clone(),
            _ => return Err(SopsError::malformed(file, "a binary SOPS file needs a string `data`")),
        },
    };
    Ok(Zeroizing::new(out.into_bytes()))
}

/// The file's bytes, decrypted when it is SOPS-encrypted; plain files are passed through
/// untouched. For renderers: an encrypted file without `keys` is an error, never passed on.
/// The decrypted copy is an ordinary `Vec` (not wiped on drop); callers that keep plaintext
/// longer than a render should use [`decrypt`], whose buffer is [`Zeroizing`].
pub fn decrypt_if_encrypted<'a>(
    file: &str,
    bytes: &'a [u8],
    keys: Option<&AgeKeys>,
) -> Result<Cow<'a, [u8]>, SopsError> {
    if !is_encrypted(file, bytes) {
        return Ok(Cow::Borrowed(bytes));
    }
    let none = AgeKeys::default();
    let plain = decrypt(file, bytes, keys.unwrap_or(&none))?;
    Ok(Cow::Owned(plain.to_vec()))
}

/// The documents of the file without their `sops` entries, and the `sops` metadata as JSON.
fn split(file: &str, text: &str, format: Format) -> Result<(Vec<Tree>, serde_json::Value), SopsError> {
    let not_found = || SopsError::malformed(file, "no top-level `sops` metadata");
    match format {
        Format::Dotenv => {
            let (tree, sops) = dotenv::parse(file, text)?;
            if sops.as_object().is_none_or(serde_json::Map::is_empty) {
                return Err(not_found());
            }
            Ok((vec![tree], sops))
        }
        Format::Yaml | Format::Json | Format::Binary => {
            let mut docs =
                if format == Format::Yaml { yaml::parse(file, text)? } else { vec![json::parse(file, text)?] };
            let sops = docs.first().and_then(|d| d.get("sops")).map(Tree::to_json).ok_or_else(not_found)?;
            for doc in &mut docs {
                if let Tree::Map(entries) = doc {
                    entries.retain(|(k, _)| k != "sops");
                }
            }
            Ok((docs, sops))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension_then_the_content() {
        assert_eq!(format_of("a/b.YML", "{}"), Format::Yaml);
        assert_eq!(format_of("b.json", ""), Format::Json);
        assert_eq!(format_of("dir.d/app.env", ""), Format::Dotenv);
        assert_eq!(format_of("tls.key", "  {\"data\": \"ENC[…]\"}"), Format::Binary);
        assert_eq!(format_of("app.properties", "A=ENC[x]\nsops_mac=m\nsops_lastmodified=t\n"), Format::Dotenv);
        assert_eq!(format_of("README", "a: b\n"), Format::Yaml);
    }

    #[test]
    fn plain_manifests_are_not_encrypted() {
        assert!(!is_encrypted("cm.yaml", b"kind: ConfigMap\ndata:\n  sops: mac\n"));
        assert!(!is_encrypted("x.env", b"sops_mac=1\n"), "needs lastmodified too");
        assert!(!is_encrypted("bin.yaml", &[0xff, 0xfe]));
        let fake = "a: ENC[AES256_GCM,data:x]\nsops:\n  mac: m\n  age: []\n";
        assert!(!is_encrypted("f.yaml", fake.as_bytes()), "no recipients");
    }
}
