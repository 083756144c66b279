//! Decrypting a document tree in place and recomputing its MAC, as SOPS' `Tree.Decrypt` does.
//!
//! Values are visited in document order. Each value the file's rule marks as encrypted is
//! decrypted with its path of map keys (`a:b:`, list positions left out) as additional data.
//! The MAC is SHA-512 over the plaintext of every scalar (or, with `mac_only_encrypted`, of
//! the encrypted ones only, after a fixed prefix), printed as upper-case hex.

use sha2::{Digest, Sha512};

use super::cipher::{self, CipherError, Plain};
use super::error::SopsError;
use super::metadata::{Metadata, Rule};
use super::tree::Tree;

/// SHA-256("sops"): fed first into MACs over encrypted values only, so that such a MAC never
/// equals one over all values.
const MAC_ONLY_ENCRYPTED_PREFIX: [u8; 32] = [
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97, 0x5b,
    0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
];

/// Decrypts `docs` in place and verifies the file's MAC.
pub(crate) fn decrypt_and_verify(
    file: &str,
    docs: &mut [Tree],
    md: &Metadata,
    key: &[u8; 32],
) -> Result<(), SopsError> {
    let mut walker = Walker { file, key, rule: &md.rule, mac_only: md.mac_only_encrypted, mac: Sha512::new() };
    if md.mac_only_encrypted {
        walker.mac.update(MAC_ONLY_ENCRYPTED_PREFIX);
    }
    let mut path = Vec::new();
    for doc in docs.iter_mut() {
        walker.walk(doc, &mut path)?;
    }
    let computed = hex_upper(&walker.mac.finalize());
    let stored = match cipher::decrypt(&md.mac, key, &md.mac_aad) {
        Ok(Plain::Value(Tree::Str(ref mac))) => mac.clone(),
        Ok(_) | Err(CipherError::Authentication) => return Err(SopsError::MacMismatch { file: file.to_owned() }),
        Err(CipherError::Format(problem)) => return Err(SopsError::malformed(file, format!("sops.mac: {problem}"))),
    };
    if stored != computed {
        return Err(SopsError::MacMismatch { file: file.to_owned() });
    }
    Ok(())
}

struct Walker<'a> {
    file: &'a str,
    key: &'a [u8; 32],
    rule: &'a Rule,
    mac_only: bool,
    mac: Sha512,
}

impl Walker<'_> {
    fn walk(&mut self, node: &mut Tree, path: &mut Vec<String>) -> Result<(), SopsError> {
        match node {
            // SOPS skips nulls before deciding anything: they are neither decrypted nor hashed.
            Tree::Null => Ok(()),
            Tree::Map(entries) => {
                for (key, value) in entries.iter_mut() {
                    path.push(key.clone());
                    let walked = self.walk(value, path);
                    path.pop();
                    walked?;
                }
                Ok(())
            }
            Tree::Seq(items) => items.iter_mut().try_for_each(|item| self.walk(item, path)),
            _ => self.leaf(node, path),
        }
    }

    fn leaf(&mut self, node: &mut Tree, path: &[String]) -> Result<(), SopsError> {
        let looks_encrypted = matches!(node, Tree::Str(s) if cipher::is_encrypted_value(s));
        let encrypted = self.rule.encrypts(path, looks_encrypted);
        if encrypted {
            *node = self.decrypt_value(node, path)?;
        }
        if (!self.mac_only || encrypted)
            && let Some(bytes) = node.mac_bytes().map(zeroize::Zeroizing::new)
        {
            self.mac.update(&*bytes);
        }
        Ok(())
    }

    fn decrypt_value(&self, node: &Tree, path: &[String]) -> Result<Tree, SopsError> {
        let shown = path.join(".");
        let Tree::Str(value) = node else {
            return Err(SopsError::malformed(self.file, format!("{shown}: expected an encrypted ENC[…] string")));
        };
        let aad = format!("{}:", path.join(":"));
        match cipher::decrypt(value, self.key, &aad) {
            Ok(Plain::Value(plain)) => Ok(plain),
            Ok(Plain::Comment(_)) => {
                Err(SopsError::malformed(self.file, format!("{shown}: a value encrypted as a comment")))
            }
            Err(CipherError::Authentication) => Err(SopsError::Tampered { file: self.file.to_owned(), path: shown }),
            Err(CipherError::Format(problem)) => Err(SopsError::malformed(self.file, format!("{shown}: {problem}"))),
        }
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02X}");
        out
    })
}
